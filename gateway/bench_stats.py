"""Percentiles of the gateway benches (``varta bench gateway``): one helper, one set of keys."""

from __future__ import annotations

import numpy as np


def pct(lat: list[float], digits: int = 3) -> dict[str, float | None]:
    """p50 and p95 of latencies in seconds, as milliseconds rounded to ``digits`` (None when empty): the
    gateway benches' one percentile helper."""
    if not lat:
        return {"p50": None, "p95": None}
    a = np.asarray(lat) * 1e3
    return {
        "p50": round(float(np.percentile(a, 50)), digits),
        "p95": round(float(np.percentile(a, 95)), digits),
    }
