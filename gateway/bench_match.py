"""Match benchmarks at 100,000 templates / entries (called by ``varta bench gateway``).

``python -m gateway.bench_match [n]`` prints both, for 128-d (SFace) and 512-d (ArcFace) faces.
"""

from __future__ import annotations

import json
import random
import string
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from gateway.bench_stats import pct
from gateway.faceindex.base import FacePoint
from gateway.faceindex.edge import EdgeFaceIndex
from gateway.matching.plates import PlateEntryRef, PlateMatcher

LETTERS = "ABCEHIKMOPTX"
CONFUSIONS = {"0": "O", "O": "0", "B": "8", "8": "B", "I": "1", "1": "I", "A": "4", "S": "5"}
WATCHLISTS = ("wl0", "wl1", "wl2")


def face_like(n: int, dim: int, identities: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``identities`` centres with noisy copies (copy-to-centre cosine about 0.85), L2-normalised."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((identities, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = rng.integers(identities, size=n)
    x = centres[labels] + 0.6 / np.sqrt(dim) * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, centres


def bench_face_match(n: int = 100_000, queries: int = 500, dim: int = 128, k: int = 5) -> dict[str, Any]:
    """Face search latency (ms) and recall@k against exact numpy search, on the embedded default backend.

    Queries are restricted to two of three watchlists, as a camera's lists would be.
    """
    x, centres = face_like(n, dim)
    wl = np.arange(n) % len(WATCHLISTS)
    ids = [str(uuid.UUID(int=i + 1)) for i in range(n)]
    rng = np.random.default_rng(1)
    q = centres[rng.integers(len(centres), size=queries)]
    q = q + 0.6 / np.sqrt(dim) * rng.standard_normal(q.shape).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    wanted = ["wl0", "wl2"]
    allowed = np.isin(wl, [0, 2])
    with tempfile.TemporaryDirectory(prefix="varta-bench-faces-") as tmp:
        ix = EdgeFaceIndex(Path(tmp) / "faces", dim, warm_up=False)
        t0 = time.perf_counter()
        ix.upsert([FacePoint(ids[i], x[i], WATCHLISTS[wl[i]], f"e{i // 3}", f"p{i}") for i in range(n)])
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        ix.optimize()
        optimize_s = time.perf_counter() - t0
        ix.warm_up()
        lat: list[float] = []
        found: list[list[str]] = []
        for v in q:
            t = time.perf_counter()
            hits = ix.search(v, wanted, k)
            lat.append(time.perf_counter() - t)
            found.append([h.point_id for h in hits])
        ix.close()
    sims = q @ x.T
    sims[:, ~allowed] = -2.0
    top = np.argsort(-sims, axis=1)[:, :k]
    recall = np.mean([len({ids[j] for j in row} & set(f)) / k for row, f in zip(top, found, strict=True)])
    return {
        **pct(lat),
        "recall_at_5" if k == 5 else f"recall_at_{k}": round(float(recall), 4),
        "n": n,
        "dim": dim,
        "load_s": round(load_s, 2),
        "optimize_s": round(optimize_s, 2),
    }


def random_plate(rng: random.Random) -> str:
    return (
        "".join(rng.choices(LETTERS, k=2))
        + "".join(rng.choices(string.digits, k=4))
        + "".join(rng.choices(LETTERS, k=2))
    )


def wildcard_of(plate: str, rng: random.Random) -> str:
    """A pattern that ``plate`` matches: 1-2 of its digits as ``?``, or (2 %) ``AB*CD``."""
    p = list(plate)
    if rng.random() < 0.02:
        return "".join(p[:2]) + "*" + "".join(p[-2:])
    for i in rng.sample(range(2, 6), rng.choice((1, 2))):
        p[i] = "?"
    return "".join(p)


def _confuse(text: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(text) if c in CONFUSIONS]
    if not spots:
        i = rng.randrange(len(text))
        return text[:i] + rng.choice(LETTERS) + text[i + 1 :]
    i = rng.choice(spots)
    return text[:i] + CONFUSIONS[text[i]] + text[i + 1 :]


def bench_plate_match(n: int = 100_000, queries: int = 2000, wildcard_share: float = 0.05) -> dict[str, Any]:
    """Plate match latency (ms) with ~5 % wildcard entries.

    Queries: one third exact hits, one third one-character OCR confusions, one third random plates.
    """
    rng = random.Random(0)
    entries: list[PlateEntryRef] = []
    plates: list[str] = []
    for i in range(n):
        if rng.random() < wildcard_share:
            entries.append(PlateEntryRef(f"e{i}", WATCHLISTS[i % 3], wildcard_of(random_plate(rng), rng)))
        else:
            p = random_plate(rng)
            plates.append(p)
            entries.append(PlateEntryRef(f"e{i}", WATCHLISTS[i % 3], p))
    m = PlateMatcher(fuzzy_threshold=1.0)
    t0 = time.perf_counter()
    m.rebuild(entries)
    build_s = time.perf_counter() - t0
    texts = []
    for j in range(queries):
        kind = j % 3
        texts.append(
            rng.choice(plates)
            if kind == 0
            else _confuse(rng.choice(plates), rng)
            if kind == 1
            else random_plate(rng)
        )
    now = datetime.now(UTC)
    for t in texts[:50]:  # warm caches
        m.match(t, now=now)
    lat: list[float] = []
    hits = {0: 0, 1: 0, 2: 0}
    for j, t in enumerate(texts):
        s = time.perf_counter()
        found = m.match(t, now=now)
        lat.append(time.perf_counter() - s)
        hits[j % 3] += bool(found)
    per = [max(1, len(range(r, queries, 3))) for r in range(3)]
    return {
        **pct(lat),
        "n": n,
        "build_s": round(build_s, 2),
        "hit_rate": {
            "exact": round(hits[0] / per[0], 3),
            "confusion": round(hits[1] / per[1], 3),
            "miss_queries_with_hits": round(hits[2] / per[2], 3),
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 100_000
    out = {
        "match.plate_ms": bench_plate_match(n),
        "match.face_ms_128d": bench_face_match(n, dim=128),
        "match.face_ms_512d": bench_face_match(n, dim=512),
    }
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
