"""The sightings-search benchmark on both databases: it finds what it aims at, by plate, by read, by
wildcard, so its latencies are of searches that work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway.bench_search import READS_PER_PASS, bench_sightings_search


def test_the_search_bench_finds_every_pass_it_aims_at(backend: str, harness: Any, tmp_path: Path) -> None:
    with harness.database(backend, tmp_path) as url:
        out = bench_sightings_search(300, queries=20, url=url)
    assert out["backend"] == ("postgresql" if backend == "postgres" else "sqlite")
    assert out["found_rate"] == {"exact": 1.0, "by_read": 1.0, "wildcard": 1.0}
    assert (out["passes"], out["reads"], out["queries_per_kind"]) == (300, 300 * READS_PER_PASS, 20)
    for kind in ("exact", "by_read", "wildcard"):
        assert 0 < out[kind]["p50"] <= out[kind]["p95"]
