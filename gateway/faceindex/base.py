"""The one interface the gateway uses for face templates, whatever Qdrant runs behind it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

PAYLOAD_FIELDS = ("watchlist_id", "entry_id", "photo_id")
INDEXED_FIELDS = ("watchlist_id", "entry_id")
ID_PAGE = 10_000  # point ids per page when an index is listed (start-up reconciliation)


class FaceIndexError(RuntimeError):
    """A face index operation failed (bad input, storage error)."""


class FaceIndexLocked(FaceIndexError):
    """The embedded index directory is already open in another process or handle."""


@dataclass(frozen=True, slots=True)
class FacePoint:
    """One enrolled face template. ``vector`` is float32 and L2-normalised."""

    point_id: str
    vector: np.ndarray
    watchlist_id: str
    entry_id: str
    photo_id: str

    def payload(self) -> dict[str, str]:
        return {"watchlist_id": self.watchlist_id, "entry_id": self.entry_id, "photo_id": self.photo_id}


@dataclass(frozen=True, slots=True)
class FaceHit:
    point_id: str
    entry_id: str
    watchlist_id: str
    photo_id: str
    score: float


@runtime_checkable
class FaceIndex(Protocol):
    """Cosine top-k search over enrolled templates, restricted to a set of watchlists."""

    dim: int

    def upsert(self, points: list[FacePoint]) -> None: ...

    def delete(self, point_ids: Sequence[str]) -> None: ...

    def delete_by_entry(self, entry_id: str) -> None: ...

    def delete_by_watchlist(self, watchlist_id: str) -> None: ...

    def search(self, vector: np.ndarray, watchlist_ids: Sequence[str], k: int = 5) -> list[FaceHit]: ...

    def count(self) -> int: ...

    def point_ids(self, page: int = ID_PAGE) -> Iterator[str]:
        """Every point id the index holds, in canonical form, read ``page`` ids at a time (no vectors
        or payloads). A point written or deleted while the listing runs may or may not be in it."""
        ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


def canonical_id(point_id: str) -> str:
    """Qdrant accepts UUIDs; give every backend the same canonical lower-case form."""
    try:
        return str(uuid.UUID(str(point_id)))
    except ValueError as exc:
        raise FaceIndexError(f"point id {point_id!r} is not a UUID") from exc


def as_query_vector(vector: np.ndarray, dim: int) -> list[float]:
    """Validate shape and finiteness; normalise so both backends score the same."""
    v = np.asarray(vector, dtype=np.float32).reshape(-1)
    if v.shape[0] != dim:
        raise FaceIndexError(f"vector has {v.shape[0]} dimensions, the index has {dim}")
    norm = float(np.linalg.norm(v))
    if not np.isfinite(norm) or norm == 0.0:
        raise FaceIndexError("vector is zero or not finite")
    return (v / norm).tolist()


def hit_from_payload(point_id: object, score: float, payload: dict[str, object] | None) -> FaceHit:
    p = payload or {}
    return FaceHit(
        point_id=str(point_id),
        entry_id=str(p.get("entry_id", "")),
        watchlist_id=str(p.get("watchlist_id", "")),
        photo_id=str(p.get("photo_id", "")),
        score=float(score),
    )
