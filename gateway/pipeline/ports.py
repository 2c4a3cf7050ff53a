"""What the frame pipeline needs from matching, the face index and the recognizer clients.

Structural types only, so the pipeline is tested with the real implementations injected and
does not care which backend (in-process or HTTP recognizers, embedded or server Qdrant) is behind.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Protocol

from shared.schemas import BBox, FaceDetection, PlateRead


class PlateHitLike(Protocol):
    """Ids come back as strings (the matcher is keyed by text ids)."""

    @property
    def entry_id(self) -> str: ...
    @property
    def watchlist_id(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def distance(self) -> float: ...
    @property
    def matched_text(self) -> str: ...
    @property
    def pattern(self) -> str: ...


class PassUpdateLike(Protocol):
    @property
    def pass_id(self) -> str: ...
    @property
    def is_new(self) -> bool: ...
    @property
    def combined_text(self) -> str: ...
    @property
    def combined_confidence(self) -> float: ...
    @property
    def combined_confidences(self) -> Sequence[float]: ...
    @property
    def n_reads(self) -> int: ...


class FaceHitLike(Protocol):
    """Ids come back as strings from the face index (Qdrant payload)."""

    @property
    def point_id(self) -> str: ...
    @property
    def entry_id(self) -> str: ...
    @property
    def watchlist_id(self) -> str: ...
    @property
    def photo_id(self) -> str: ...
    @property
    def score(self) -> float: ...


class PlateMatcherLike(Protocol):
    def match(
        self,
        read_text: str,
        candidates: Sequence[str] = (),
        now: datetime | None = None,
        watchlist_ids: Collection[str] | None = None,
        char_confidences: Sequence[float] | None = None,
    ) -> Sequence[PlateHitLike]: ...


class PassGrouperLike(Protocol):
    def observe(self, camera_id: str, ts: datetime, read: PlateRead) -> PassUpdateLike: ...


class FaceIndexLike(Protocol):
    def search(self, vector: Any, watchlist_ids: Sequence[str], k: int = 5) -> Sequence[FaceHitLike]: ...


class RecognizersLike(Protocol):
    async def plates(
        self, image: Any, roi: BBox | None = None, finer_look: bool = True
    ) -> Sequence[PlateRead]: ...
    async def faces(self, image: Any, embeddings: bool = True) -> Sequence[FaceDetection]: ...
