"""How the recognizer benchmarks turn hits and timings into figures: rates, rates by plate height and
by condition, and the median / p95 of a list of milliseconds. One place, so that every figure of
``varta bench recognizers`` is counted the same way (plates, passes, alerts, faces)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

#: the plate heights in pixels the rates by height are given for (name, from, below)
HEIGHT_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("<16", 0, 16),
    ("16-23", 16, 24),
    ("24-31", 24, 32),
    ("32-47", 32, 48),
    ("48-63", 48, 64),
    ("64+", 64, 10_000),
)


def rate(hits: Iterable[bool]) -> float | None:
    """The share of true ``hits``, to four places; ``None`` when there are none to count."""
    values = list(hits)
    return round(sum(values) / len(values), 4) if values else None


def rate_by_height(heights: list[int], hits: list[bool]) -> dict[str, float | None]:
    """The rate of ``hits`` in each of ``HEIGHT_BUCKETS`` by the plate's box height in pixels."""
    pairs = list(zip(heights, hits, strict=True))
    return {name: rate(hit for h, hit in pairs if lo <= h < hi) for name, lo, hi in HEIGHT_BUCKETS}


def rate_per(values: list[str], hits: list[bool]) -> dict[str, float | None]:
    """The rate of ``hits`` per distinct value (a layout, a typeface, a light), values sorted."""
    return {v: rate(h for x, h in zip(values, hits, strict=True) if x == v) for v in sorted(set(values))}


def ms_stats(values: list[float], digits: int = 1) -> dict[str, float | None]:
    """Median and p95 of ``values`` (milliseconds), rounded to ``digits``. The p95 is a measured value,
    the nearest rank (not interpolated between two): with 20-60 samples it is one frame's time."""
    if not values:
        return {"median": None, "p95": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": round(statistics.median(ordered), digits), "p95": round(p95, digits)}
