"""Qdrant Edge on disk: reopen, survive kill -9 without flush (WAL), one process per directory."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from gateway.faceindex import FaceIndexLocked
from gateway.faceindex.edge import EdgeFaceIndex
from gateway.startup import index_pending

from .conftest import face_like, make_points

ROOT = Path(__file__).resolve().parents[3]


def _child(code: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def test_close_and_reopen_gives_the_same_results(tmp_path: Path) -> None:
    x, labels = face_like(50, 4, 128)
    pts = make_points(x, labels)
    ix = EdgeFaceIndex(tmp_path / "f", 128)
    ix.upsert(pts)
    ix.delete_by_entry("entry3")
    before = [ix.search(q, ["wl0", "wl1", "wl2"], 5) for q in x[::17]]
    ix.close()
    ix.close()  # idempotent
    again = EdgeFaceIndex(tmp_path / "f", 128)
    try:
        assert again.count() == len(pts) - 4
        assert [again.search(q, ["wl0", "wl1", "wl2"], 5) for q in x[::17]] == before
    finally:
        again.close()


@pytest.mark.network
def test_kill_minus_9_without_flush_keeps_the_points(tmp_path: Path) -> None:
    path = tmp_path / "f"
    proc = _child(
        f"""
        import sys
        sys.path.insert(0, {str(ROOT / "tests" / "gateway" / "faceindex")!r})
        from conftest import face_like, make_points
        from gateway.faceindex.edge import EdgeFaceIndex
        x, labels = face_like(500, 4, 128)
        ix = EdgeFaceIndex({str(path)!r}, 128)
        ix.upsert(make_points(x, labels))
        print("written", ix.count(), flush=True)
        import time; time.sleep(60)
        """
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "written 2000", proc.stderr.read() if proc.stderr else line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    x, _ = face_like(500, 4, 128)
    ix = EdgeFaceIndex(path, 128)  # the kernel dropped the dead process's flock
    try:
        assert ix.count() == 2000
        hits = ix.search(x[42], ["wl0", "wl1", "wl2"], 1)
        assert hits[0].photo_id == "photo42" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    finally:
        ix.close()


@pytest.mark.network
def test_second_opener_gets_a_clear_error_and_the_first_handle_keeps_working(tmp_path: Path) -> None:
    x, labels = face_like(20, 2, 128)
    pts = make_points(x, labels)
    path = tmp_path / "f"
    first = EdgeFaceIndex(path, 128)
    first.upsert(pts[:20])
    first.flush()
    code = f"""
        from gateway.faceindex import FaceIndexLocked
        from gateway.faceindex.edge import EdgeFaceIndex
        try:
            EdgeFaceIndex({str(path)!r}, 128)
        except FaceIndexLocked as exc:
            print("LOCKED", exc)
            raise SystemExit(3)
        print("OPENED")
        """
    proc = _child(code)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, (out, err)
    assert "already open" in out and str(os.getpid()) in out
    with pytest.raises(FaceIndexLocked):  # same process, second handle: refused too
        EdgeFaceIndex(path, 128)
    first.upsert(pts[20:])
    first.flush()
    assert first.count() == 40
    assert first.search(x[30], ["wl0", "wl1", "wl2"], 1)[0].photo_id == "photo30"
    first.close()
    proc = _child(code)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "OPENED" in out, (out, err)


def test_exact_search_below_the_threshold_has_full_recall(tmp_path: Path) -> None:
    x, labels = face_like(300, 5, 128, seed=5)
    pts = make_points(x, labels)
    ix = EdgeFaceIndex(tmp_path / "f", 128)
    try:
        ix.upsert(pts)
        rng = np.random.default_rng(9)
        q = x[rng.choice(len(x), 50, replace=False)] + 0.05 * rng.standard_normal((50, 128)).astype(
            np.float32
        )
        ids = np.array([p.point_id for p in pts])
        wl = np.array([p.watchlist_id for p in pts])
        for v in q:
            sims = x @ (v / np.linalg.norm(v))
            sims[wl != "wl1"] = -2
            want = set(ids[np.argsort(-sims)[:5]])
            assert {h.point_id for h in ix.search(v, ["wl1"], 5)} == want
    finally:
        ix.close()


@pytest.mark.slow
def test_start_up_builds_the_index_over_a_bulk_load(tmp_path: Path) -> None:
    """Past the exact-search size, templates that wait for the index get it before the gateway is ready."""
    ix = EdgeFaceIndex(tmp_path / "faces", 128, exact_below=20_000, warm_up=False)
    try:
        x, labels = face_like(6250, 4, 128, seed=3)
        ix.upsert(make_points(x, labels))
        assert ix.count() == 25_000 and ix.pending_index() == 25_000
        assert not index_pending(ix, min_pending=30_000)  # too few waiting: left alone
        assert index_pending(ix)
        assert ix.pending_index() == 0
        assert not index_pending(ix)  # nothing waits any more
        hits = ix.search(x[7], ["wl0", "wl1", "wl2"], k=1)
        assert hits and hits[0].photo_id == "photo7"
    finally:
        ix.close()


def test_start_up_leaves_a_small_index_exact(tmp_path: Path) -> None:
    ix = EdgeFaceIndex(tmp_path / "faces", 128, warm_up=False)
    try:
        x, labels = face_like(50, 4, 128)
        ix.upsert(make_points(x, labels))
        assert not index_pending(ix, min_pending=1) and ix.pending_index() == 200
    finally:
        ix.close()
