"""One interface to the plate and face recognizers, whether they run in this process or over HTTP."""

from __future__ import annotations

import threading
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from shared.schemas import BBox, FaceDetection, PlateRead

RecognizerKind = Literal["plates", "faces"]


class RecognizerUnavailable(RuntimeError):
    """A recognizer cannot run this frame: not configured, down, overloaded or its breaker is open.

    The pipeline catches it per recognizer, runs the other one and reports ``kind`` as skipped.
    ``retry_after_s`` is a hint for the 503 the gateway sends when no recognizer could run.
    """

    def __init__(self, kind: str, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(f"{kind} recognizer unavailable: {reason}")
        self.kind = kind
        self.reason = reason
        self.retry_after_s = retry_after_s


class RecognizerRejected(ValueError):
    """The recognizer refused the input (HTTP 4xx): a client error, not an outage; never retried."""

    def __init__(self, kind: str, status: int, error: str, detail: str, detail_uk: str | None) -> None:
        super().__init__(f"{kind} recognizer refused the image: {detail}")
        self.kind = kind
        self.status = status
        self.error = error
        self.detail = detail
        self.detail_uk = detail_uk


class FrameImage:
    """JPEG bytes plus the decoded BGR array, decoded at most once and shared by both recognizers.

    ``bgr()`` uses the recognizers' own ``decode_image`` (same limits, same ``ImageError`` codes).
    """

    __slots__ = ("_array", "_lock", "data")

    def __init__(self, data: bytes, array: np.ndarray | None = None) -> None:
        self.data = data
        self._array = array
        self._lock = threading.Lock()

    def bgr(self) -> np.ndarray:
        """Decode on first use (thread-safe); raises ``recognizers.common.image.ImageError``."""
        if self._array is None:
            with self._lock:
                if self._array is None:
                    from recognizers.common.image import decode_image  # cv2 only when needed

                    self._array = decode_image(self.data)
        return self._array

    @property
    def decoded(self) -> bool:
        return self._array is not None


@runtime_checkable
class RecognizerClient(Protocol):
    async def plates(
        self, image: FrameImage, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]: ...

    async def faces(self, image: FrameImage, embeddings: bool = True) -> list[FaceDetection]: ...

    async def ready(self) -> dict[str, bool]: ...

    async def aclose(self) -> None: ...
