"""Embedded face index: Qdrant Edge (the real engine, in-process) in one directory.

Operating rules (measured with qdrant-edge-py 0.9.0, see docs/models.md):

* The write-ahead log stays on: a process killed without ``flush`` keeps its points.
* We take our own exclusive ``flock`` on ``<dir>.lock`` *before* ``EdgeShard.load``: a second
  ``load`` of an open directory fails and its failed attempt can break the handle already open.
* Below ``exact_below`` points every search is exact (a missed match is a wanted person let
  through); above it HNSW with ``hnsw_ef`` (recall measured in ``gateway.bench_match``).
* ``optimize()`` builds the HNSW index. It blocks and, measured here, holds the GIL for its whole
  run (about 30 s at 100k x 128-d), which freezes every thread of the process. So it is never
  started behind the caller's back: the gateway calls it at start-up before it reports ready
  (``gateway.startup.index_pending``); after a bulk load, restart in a quiet hour. Until it runs, new
  points are searched exactly.
* After reopening, the first queries page the segments in; ``warm_up()`` runs them at start.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import qdrant_edge as qe

from gateway.faceindex.base import (
    ID_PAGE,
    INDEXED_FIELDS,
    FaceHit,
    FaceIndexError,
    FaceIndexLocked,
    FacePoint,
    as_query_vector,
    canonical_id,
    hit_from_payload,
)

log = logging.getLogger(__name__)
BATCH = 1000


class _DirLock:
    """Exclusive, non-blocking flock on a file beside the shard directory (released on close/exit)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise FaceIndexLocked(
                f"face index {path.with_suffix('')} is already open (lock {path}, held by pid {holder}); "
                "only one process may open the embedded index: stop the other gateway, or configure "
                "a Qdrant server (VARTA_QDRANT_URL) to share templates between processes"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _has_shard(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


class EdgeFaceIndex:
    """``FaceIndex`` over one Qdrant Edge shard directory."""

    def __init__(
        self,
        path: Path,
        dim: int,
        *,
        hnsw_ef: int = 128,
        exact_below: int = 20_000,
        warm_up: bool = True,
    ) -> None:
        self.path = Path(path)
        self.dim = int(dim)
        self.hnsw_ef = hnsw_ef
        self.exact_below = exact_below
        self._write = threading.Lock()
        self._lock = _DirLock(self.path.with_name(self.path.name + ".lock"))
        try:
            self._shard = self._open()
        except BaseException:
            self._lock.release()
            raise
        self._closed = False
        self._count = self._shard.count(qe.CountRequest(exact=True))
        if warm_up and self._count:
            self.warm_up()

    def _open(self) -> qe.EdgeShard:
        config = qe.EdgeConfig(
            vectors=qe.EdgeVectorParams(size=self.dim, distance=qe.Distance.Cosine), wal_enabled=True
        )
        try:
            if _has_shard(self.path):
                shard = qe.EdgeShard.load(str(self.path), config)
            else:
                shard = qe.EdgeShard.create(str(self.path), config)
        except Exception as exc:  # the engine raises plain Exception
            raise FaceIndexError(f"cannot open face index at {self.path}: {exc}") from exc
        schema = shard.info().payload_schema
        for name in INDEXED_FIELDS:
            if name not in schema:
                shard.update(qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword))
        return shard

    # -- writes --------------------------------------------------------------------------------
    def upsert(self, points: list[FacePoint]) -> None:
        batch = [self._point(p) for p in points]
        with self._write:
            self._check_open()
            for i in range(0, len(batch), BATCH):
                self._shard.update(qe.UpdateOperation.upsert_points(batch[i : i + BATCH]))
            self._recount()

    def _point(self, p: FacePoint) -> qe.Point:
        vec = as_query_vector(p.vector, self.dim)
        return qe.Point(uuid.UUID(canonical_id(p.point_id)), vec, p.payload())

    def delete(self, point_ids: Sequence[str]) -> None:
        ids: list[int | uuid.UUID | str] = [uuid.UUID(canonical_id(i)) for i in point_ids]
        if ids:
            self._update(qe.UpdateOperation.delete_points(ids))

    def delete_by_entry(self, entry_id: str) -> None:
        self._update(qe.UpdateOperation.delete_points_by_filter(_match("entry_id", [entry_id])))

    def delete_by_watchlist(self, watchlist_id: str) -> None:
        self._update(qe.UpdateOperation.delete_points_by_filter(_match("watchlist_id", [watchlist_id])))

    def _update(self, op: qe.UpdateOperation) -> None:
        with self._write:
            self._check_open()
            self._shard.update(op)
            self._recount()

    def _recount(self) -> None:
        self._count = self._shard.count(qe.CountRequest(exact=True))

    # -- reads ---------------------------------------------------------------------------------
    def search(self, vector: np.ndarray, watchlist_ids: Sequence[str], k: int = 5) -> list[FaceHit]:
        if not watchlist_ids or k <= 0:
            return []
        self._check_open()
        exact = self._count < self.exact_below
        req = qe.QueryRequest(
            limit=int(k),
            query=qe.Query.Nearest(as_query_vector(vector, self.dim)),
            filter=_match("watchlist_id", list(dict.fromkeys(watchlist_ids))),
            with_payload=True,
            params=qe.SearchParams(exact=True) if exact else qe.SearchParams(hnsw_ef=self.hnsw_ef),
        )
        res = self._shard.query(req)
        hits = [hit_from_payload(r.id, r.score, r.payload) for r in res]
        return sorted(hits, key=lambda h: (-h.score, h.point_id))

    def count(self) -> int:
        return self._count

    def point_ids(self, page: int = ID_PAGE) -> Iterator[str]:
        offset: int | uuid.UUID | str | None = None
        while True:
            self._check_open()
            req = qe.ScrollRequest(offset=offset, limit=page, with_payload=False, with_vector=False)
            records, offset = self._shard.scroll(req)
            for r in records:  # ids come back as UUIDs (points are written with UUIDs only)
                yield str(r.id) if isinstance(r.id, uuid.UUID) else canonical_id(str(r.id))
            if offset is None:
                return

    def pending_index(self) -> int:
        """Points not yet in an HNSW index (searched exactly until ``optimize`` runs)."""
        info = self._shard.info()
        return max(0, info.points_count - info.indexed_vectors_count)

    # -- maintenance ---------------------------------------------------------------------------
    def optimize(self) -> bool:
        """Build the index (blocking; holds the GIL, see the module docstring)."""
        with self._write:
            self._check_open()
            t0 = time.perf_counter()
            changed = self._shard.optimize()
            log.info("face index optimised in %.1f s (changed=%s)", time.perf_counter() - t0, changed)
            return bool(changed)

    def warm_up(self, queries: int = 300, budget_s: float = 5.0) -> None:
        """Page the segments in so the first real searches are not the slow ones."""
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        for i in range(queries):
            v = rng.standard_normal(self.dim).astype(np.float32)
            flt = None if i % 2 else _match("watchlist_id", ["__warm_up__"])
            self._shard.query(
                qe.QueryRequest(
                    limit=5,
                    query=qe.Query.Nearest(v.tolist()),
                    filter=flt,
                    params=qe.SearchParams(hnsw_ef=self.hnsw_ef),
                )
            )
            if time.perf_counter() - t0 > budget_s:
                break

    def flush(self) -> None:
        with self._write:
            self._check_open()
            self._shard.flush()

    def close(self) -> None:
        with self._write:
            if self._closed:
                return
            self._closed = True
            try:
                self._shard.flush()
                self._shard.close()
            finally:
                self._lock.release()

    def _check_open(self) -> None:
        if self._closed:
            raise FaceIndexError("face index is closed")

    def __enter__(self) -> EdgeFaceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _match(key: str, values: list[str]) -> qe.Filter:
    return qe.Filter(must=[qe.FieldCondition(key, match=qe.MatchAny(values))])
