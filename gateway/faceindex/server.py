"""Face index on a Qdrant server (Compose, Kubernetes) through qdrant-client.

``location=":memory:"`` runs qdrant-client's local mode: the same client code, brute force in
Python, for tests only (it ignores payload indexes and is slow above ~20,000 points).
"""

from __future__ import annotations

import logging
import uuid
import warnings
from collections.abc import Iterator, Sequence

import numpy as np
from qdrant_client import QdrantClient
from qdrant_client import models as qm

from gateway.faceindex.base import (
    ID_PAGE,
    INDEXED_FIELDS,
    FaceHit,
    FaceIndexError,
    FacePoint,
    as_query_vector,
    canonical_id,
    hit_from_payload,
)

log = logging.getLogger(__name__)
BATCH = 500


class QdrantServerFaceIndex:
    """``FaceIndex`` over one collection of a Qdrant server (or qdrant-client local mode)."""

    def __init__(
        self,
        url: str | None = None,
        collection: str = "faces",
        dim: int = 128,
        api_key: str | None = None,
        *,
        location: str | None = None,
        hnsw_ef: int = 128,
        timeout_s: int = 10,
        replication_factor: int = 1,
        shard_number: int | None = None,
        write_consistency_factor: int | None = None,
    ) -> None:
        if (url is None) == (location is None):
            raise ValueError("give exactly one of url= or location=")
        self.dim = int(dim)
        self.collection = collection
        self.hnsw_ef = hnsw_ef
        self._server = location is None
        self.replication_factor = int(replication_factor)
        self.shard_number = shard_number
        self.write_consistency_factor = write_consistency_factor
        # local mode is brute force and warns about search params; a server gets hnsw_ef
        self._params = None if location is not None else qm.SearchParams(hnsw_ef=hnsw_ef)
        self._client = QdrantClient(url=url, location=location, api_key=api_key, timeout=timeout_s)
        self._ensure_collection()

    def _ensure_collection(self) -> None:
        c = self._client
        if c.collection_exists(self.collection):
            params = c.get_collection(self.collection).config.params.vectors
            size = getattr(params, "size", None)
            if size is not None and int(size) != self.dim:
                raise FaceIndexError(
                    f"collection {self.collection!r} holds {size}-d vectors, the face model gives {self.dim}"
                )
            if self._server:
                self._warn_if_fewer_copies(c.get_collection(self.collection).config.params)
        else:
            vectors = qm.VectorParams(size=self.dim, distance=qm.Distance.COSINE)
            if self._server:
                self._check_peers()
                c.create_collection(
                    self.collection,
                    vectors_config=vectors,
                    replication_factor=self.replication_factor,
                    shard_number=self.shard_number,
                    write_consistency_factor=self.write_consistency_factor,
                )
            else:  # local mode has no shards or replicas
                c.create_collection(self.collection, vectors_config=vectors)
        with warnings.catch_warnings():  # local mode warns that it ignores payload indexes
            warnings.simplefilter("ignore")
            for name in INDEXED_FIELDS:
                c.create_payload_index(self.collection, name, qm.PayloadSchemaType.KEYWORD)

    def _check_peers(self) -> None:
        """Refuse to create the collection with fewer Qdrant peers than copies asked for.

        Qdrant places a new collection's replicas on the peers it knows at creation and never adds the
        missing ones later by itself, so a gateway that started before the cluster was complete would
        leave the templates on one peer for good. Failing here makes the gateway retry its start.
        """
        if self.replication_factor <= 1:
            return
        status = self._client.cluster_status()
        peers = len(getattr(status, "peers", None) or {})
        if peers < self.replication_factor:
            raise FaceIndexError(
                f"Qdrant reports {peers} cluster peer(s); the face collection needs "
                f"{self.replication_factor} (VARTA_QDRANT_REPLICATION_FACTOR): wait until every Qdrant "
                "peer has joined (QDRANT__CLUSTER__ENABLED=true), or lower the replication factor"
            )

    def _warn_if_fewer_copies(self, params: object) -> None:
        have = getattr(params, "replication_factor", None)
        if have is not None and int(have) < self.replication_factor:
            log.warning(
                "face collection %r has replication factor %s, VARTA_QDRANT_REPLICATION_FACTOR asks for %d: "
                "Qdrant does not add copies to an existing collection; raise it with PATCH "
                '/collections/%s {"params": {"replication_factor": %d}} and replicate its shards',
                self.collection,
                have,
                self.replication_factor,
                self.collection,
                self.replication_factor,
            )

    def upsert(self, points: list[FacePoint]) -> None:
        structs = [
            qm.PointStruct(
                id=canonical_id(p.point_id), vector=as_query_vector(p.vector, self.dim), payload=p.payload()
            )
            for p in points
        ]
        for i in range(0, len(structs), BATCH):
            self._client.upsert(self.collection, structs[i : i + BATCH], wait=True)

    def delete(self, point_ids: Sequence[str]) -> None:
        ids: list[int | str | uuid.UUID] = [canonical_id(i) for i in point_ids]
        if ids:
            self._client.delete(self.collection, qm.PointIdsList(points=ids), wait=True)

    def delete_by_entry(self, entry_id: str) -> None:
        self._delete_where("entry_id", entry_id)

    def delete_by_watchlist(self, watchlist_id: str) -> None:
        self._delete_where("watchlist_id", watchlist_id)

    def _delete_where(self, key: str, value: str) -> None:
        flt = qm.Filter(must=[qm.FieldCondition(key=key, match=qm.MatchValue(value=value))])
        self._client.delete(self.collection, qm.FilterSelector(filter=flt), wait=True)

    def search(self, vector: np.ndarray, watchlist_ids: Sequence[str], k: int = 5) -> list[FaceHit]:
        if not watchlist_ids or k <= 0:
            return []
        flt = qm.Filter(
            must=[
                qm.FieldCondition(
                    key="watchlist_id", match=qm.MatchAny(any=list(dict.fromkeys(watchlist_ids)))
                )
            ]
        )
        res = self._client.query_points(
            self.collection,
            query=as_query_vector(vector, self.dim),
            query_filter=flt,
            limit=int(k),
            with_payload=True,
            search_params=self._params,
        )
        hits = [hit_from_payload(p.id, p.score, p.payload) for p in res.points]
        return sorted(hits, key=lambda h: (-h.score, h.point_id))

    def count(self) -> int:
        return int(self._client.count(self.collection, exact=True).count)

    def point_ids(self, page: int = ID_PAGE) -> Iterator[str]:
        offset: qm.ExtendedPointId | None = None
        while True:
            records, offset = self._client.scroll(
                self.collection, limit=page, offset=offset, with_payload=False, with_vectors=False
            )
            for r in records:
                yield canonical_id(str(r.id))
            if offset is None:
                return

    def flush(self) -> None:
        """The server persists through its own WAL; upserts wait for it (``wait=True``)."""

    def close(self) -> None:
        self._client.close()
