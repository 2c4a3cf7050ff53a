"""HNSW path of the embedded index: recall@5 against exact numpy search on face-like data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gateway.faceindex.edge import EdgeFaceIndex

from .conftest import face_like, make_points


@pytest.mark.slow
def test_hnsw_recall_at_5_after_optimize(tmp_path: Path) -> None:
    x, labels = face_like(1000, 25, 128, seed=11)  # 25,000 templates, 1,000 identities
    pts = make_points(x, labels)
    ix = EdgeFaceIndex(tmp_path / "f", 128, exact_below=1000)  # force the HNSW path
    try:
        ix.upsert(pts)
        assert ix.pending_index() > 0
        ix.optimize()
        assert ix.pending_index() == 0
        rng = np.random.default_rng(2)
        q = x[rng.choice(len(x), 200, replace=False)]
        q = q + 0.6 / np.sqrt(128) * rng.standard_normal(q.shape).astype(np.float32)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        ids = np.array([p.point_id for p in pts])
        allowed = np.array([p.watchlist_id in ("wl0", "wl2") for p in pts])
        sims = q @ x.T
        sims[:, ~allowed] = -2
        top = np.argsort(-sims, axis=1)[:, :5]
        got = [{h.point_id for h in ix.search(v, ["wl0", "wl2"], 5)} for v in q]
        recall = np.mean([len(set(ids[t]) & g) / 5 for t, g in zip(top, got, strict=True)])
        assert recall >= 0.99, recall
    finally:
        ix.close()
