"""The same operations on Qdrant Edge and on qdrant-client give the same answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gateway.faceindex import FaceIndexError, FacePoint, make_face_index
from gateway.faceindex.edge import EdgeFaceIndex
from gateway.faceindex.server import QdrantServerFaceIndex


def _both(tmp_path: Path, dim: int = 128) -> tuple[EdgeFaceIndex, QdrantServerFaceIndex]:
    return EdgeFaceIndex(tmp_path / "faces", dim), QdrantServerFaceIndex(location=":memory:", dim=dim)


def _same(a: list, b: list) -> None:
    assert [(h.point_id, h.entry_id, h.watchlist_id, h.photo_id) for h in a] == [
        (h.point_id, h.entry_id, h.watchlist_id, h.photo_id) for h in b
    ]
    assert np.allclose([h.score for h in a], [h.score for h in b], atol=1e-4)


def test_same_results_through_a_sequence_of_operations(tmp_path: Path, points_128) -> None:
    x, pts = points_128
    edge, server = _both(tmp_path)
    rng = np.random.default_rng(3)
    queries = x[rng.choice(len(x), 25, replace=False)] + 0.02 * rng.standard_normal((25, 128)).astype(
        np.float32
    )
    steps = [
        lambda ix: ix.upsert(pts),
        lambda ix: ix.delete([pts[0].point_id, pts[5].point_id]),
        lambda ix: ix.delete_by_entry("entry7"),
        lambda ix: ix.delete_by_watchlist("wl2"),
        lambda ix: ix.upsert([FacePoint(pts[1].point_id, x[50], "wl0", "entry99", "moved")]),  # replace
    ]
    try:
        for step in steps:
            step(edge)
            step(server)
            assert edge.count() == server.count()
            for q in queries:
                for wls, k in ((["wl0", "wl1", "wl2"], 5), (["wl1"], 3), (["wl0", "nope"], 10)):
                    _same(edge.search(q, wls, k), server.search(q, wls, k))
        assert edge.count() > 0
        assert edge.search(queries[0], [], 5) == [] == server.search(queries[0], [], 5)
    finally:
        edge.close()
        server.close()


def test_search_scores_are_cosine_and_restricted_to_watchlists(tmp_path: Path, points_128) -> None:
    x, pts = points_128
    edge, server = _both(tmp_path)
    try:
        for ix in (edge, server):
            ix.upsert(pts)
            hits = ix.search(x[9] * 3.0, ["wl1"], 5)  # scale must not matter
            want = sorted(
                ((float(x[i] @ x[9]), p.point_id) for i, p in enumerate(pts) if p.watchlist_id == "wl1"),
                key=lambda t: (-t[0], t[1]),
            )[:5]
            assert [h.point_id for h in hits] == [pid for _, pid in want]
            assert np.allclose([h.score for h in hits], [s for s, _ in want], atol=1e-4)
            assert {h.watchlist_id for h in hits} == {"wl1"}
    finally:
        edge.close()
        server.close()


def test_both_list_every_point_id_page_by_page(tmp_path: Path, points_128) -> None:
    _, pts = points_128
    edge, server = _both(tmp_path)
    upper = [FacePoint(p.point_id.upper(), p.vector, p.watchlist_id, p.entry_id, p.photo_id) for p in pts]
    try:
        for ix in (edge, server):
            assert list(ix.point_ids()) == []
            ix.upsert(upper)
            ix.delete([pts[0].point_id, pts[7].point_id])
            ix.delete_by_entry("entry3")
            gone = {pts[0].point_id, pts[7].point_id}
            want = sorted(p.point_id for p in pts if p.entry_id != "entry3" and p.point_id not in gone)
            listed = list(ix.point_ids(page=7))  # many pages, the last one short
            assert sorted(listed) == want  # canonical (lower-case) ids, each once
            assert sorted(ix.point_ids()) == want  # one page
    finally:
        edge.close()
        server.close()


def test_bad_vectors_and_ids_are_refused_the_same_way(tmp_path: Path, points_128) -> None:
    edge, server = _both(tmp_path)
    try:
        for ix in (edge, server):
            with pytest.raises(FaceIndexError, match="dimensions"):
                ix.search(np.ones(64, np.float32), ["wl0"])
            with pytest.raises(FaceIndexError, match="zero"):
                ix.search(np.zeros(128, np.float32), ["wl0"])
            with pytest.raises(FaceIndexError, match="UUID"):
                ix.upsert([FacePoint("not-a-uuid", np.ones(128, np.float32), "w", "e", "p")])
    finally:
        edge.close()
        server.close()


def test_factory_picks_edge_without_url_and_refuses_a_dimension_change(tmp_path: Path) -> None:
    class S:
        qdrant_url = None
        qdrant_api_key = None
        data_dir = tmp_path
        faces_dir = tmp_path / "faces"

    ix = make_face_index(S(), dim=128)
    assert isinstance(ix, EdgeFaceIndex)
    ix.upsert([FacePoint("6a0f5c1e-0000-4000-8000-000000000001", np.ones(128, np.float32), "w", "e", "p")])
    ix.close()
    with pytest.raises(FaceIndexError):
        make_face_index(S(), dim=512)
