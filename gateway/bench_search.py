"""Sightings search at 100,000 vehicle passes of four reads each (called by ``varta bench gateway``).

A pass's plate and its reads are what ``GET /v1/sightings?plate=...`` searches: an exact plate, a
plate that only one read of a pass holds (``found_by_read``), and a wildcard. ``python -m
gateway.bench_search [n] [database-url]`` prints the figures; the default database is a SQLite file in a
temporary folder (the embedded default). A PostgreSQL URL measures that server: give an empty scratch
database, which is filled and left filled.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.bench_match import random_plate, wildcard_of
from gateway.bench_stats import pct
from gateway.db.events import PlateReadRow, Sighting
from gateway.db.migrate import upgrade_head
from gateway.db.session import make_engine
from gateway.pipeline.queries import SightingQuery, search_sightings

READS_PER_PASS = 4  # the last read of each pass one character off, as an unsure read of the next car
CHUNK = 20_000
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def _other_digit(plate: str, rng: random.Random) -> str:
    i = rng.randrange(2, 6)
    digit = rng.choice([d for d in "0123456789" if d != plate[i]])
    return plate[:i] + digit + plate[i + 1 :]


def fill(engine: Engine, n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` passes of ``READS_PER_PASS`` reads over 30 cameras, 20 s apart; each pass's plate and the
    read that differs from it."""
    rng = random.Random(seed)
    samples: list[tuple[str, str]] = []
    passes: list[dict[str, Any]] = []
    reads: list[dict[str, Any]] = []
    with Session(engine) as session:
        for i in range(n):
            plate, at, sid = random_plate(rng), T0 + timedelta(seconds=20 * i), f"s{i:031d}"
            odd = _other_digit(plate, rng)
            samples.append((plate, odd))
            camera = f"bench-cam-{i % 30}"
            passes.append(
                dict(id=sid, camera_id=camera, pass_id=f"p{i}", plate_text=plate, plate_format="current",
                     confidence=0.95, first_seen=at, last_seen=at, n_reads=READS_PER_PASS, has_hit=False)
            )  # fmt: skip
            for k in range(READS_PER_PASS):
                read = odd if k == READS_PER_PASS - 1 else plate
                reads.append(
                    dict(id=f"r{i:027d}{k:04d}", frame_id=f"f{i}-{k}", sighting_id=sid, camera_id=camera,
                         captured_at=at, text=read, raw_text=read, plate_format="current", confidence=0.9,
                         bbox={"x": 0, "y": 0, "w": 120, "h": 30}, has_hit=False)
                )  # fmt: skip
            if len(reads) >= CHUNK or i == n - 1:
                session.execute(insert(Sighting), passes)
                session.execute(insert(PlateReadRow), reads)
                passes, reads = [], []
        session.commit()
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return samples


def _timed(session: Session, plate: str, lat: list[float]) -> list[tuple[str, bool]]:
    police = Principal(None, "police", "bench")
    t = time.perf_counter()
    rows = search_sightings(session, police, SightingQuery(plate))
    lat.append(time.perf_counter() - t)
    return [(r.sighting.plate_text, r.found_by_read) for r in rows]


def bench_sightings_search(n: int = 100_000, queries: int = 200, url: str | None = None) -> dict[str, Any]:
    """Search latency (ms, p50/p95) by kind, and the share of searches that found the pass they aimed at."""
    with tempfile.TemporaryDirectory(prefix="varta-bench-search-") as tmp:
        engine = make_engine(url or f"sqlite:///{Path(tmp) / 'search.db'}")
        try:
            upgrade_head(engine)
            t0 = time.perf_counter()
            samples = fill(engine, n)
            fill_s = time.perf_counter() - t0
            rng = random.Random(1)
            picks = rng.sample(samples, min(queries, len(samples)))
            lat: dict[str, list[float]] = {"exact": [], "by_read": [], "wildcard": []}
            found: dict[str, int] = dict.fromkeys(lat, 0)
            with Session(engine) as session:
                _timed(session, picks[0][0], [])  # warm-up
                for plate, odd in picks:
                    # each search must return the pass (its plate), found by a read only for ``odd``
                    searches = {"exact": plate, "by_read": odd, "wildcard": wildcard_of(plate, rng)}
                    for kind, query in searches.items():
                        rows = _timed(session, query, lat[kind])
                        found[kind] += (plate, kind == "by_read") in rows
            backend = engine.dialect.name
        finally:
            engine.dispose()
    return {
        **{kind: pct(v) for kind, v in lat.items()},
        "found_rate": {kind: round(found[kind] / max(1, len(picks)), 4) for kind in found},
        "passes": n,
        "reads": n * READS_PER_PASS,
        "queries_per_kind": len(picks),
        "fill_s": round(fill_s, 2),
        "backend": backend,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    database = sys.argv[2] if len(sys.argv) > 2 else None
    print(json.dumps({"sightings_search_ms": bench_sightings_search(count, url=database)}))
