"""Recognizers called as libraries in this process (the one-process default).

Inference is blocking, so it runs in worker threads, at most ``max_concurrency`` at once; the frame
is decoded once (``FrameImage.bgr``) and the array is shared by both recognizers. Input errors are
raised as ``RecognizerRejected`` with the same status and code the HTTP service would answer.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from gateway.clients.base import FrameImage, RecognizerRejected, RecognizerUnavailable
from shared.protocols import FaceRecognizerProtocol, PlateRecognizerProtocol
from shared.schemas import BBox, FaceDetection, PlateRead

T = TypeVar("T")
log = logging.getLogger(__name__)


def _rejected(kind: str, exc: Exception) -> RecognizerRejected:
    from recognizers.service.errors import status_for  # the services' own status table

    code = str(getattr(exc, "code", "invalid_image"))
    return RecognizerRejected(kind, status_for(exc), code, str(exc), getattr(exc, "detail_uk", None))


class InProcessRecognizers:
    def __init__(
        self,
        plates: PlateRecognizerProtocol | None,
        faces: FaceRecognizerProtocol | None,
        max_concurrency: int = 2,
    ) -> None:
        self._plates = plates
        self._faces = faces
        self._max = max(1, int(max_concurrency))
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def embedding_dim(self) -> int | None:
        return getattr(self._faces, "embedding_dim", None)

    async def _run(self, kind: str, fn: Callable[..., T], *args: Any) -> T:
        if self._limiter is None:  # created inside the running event loop
            self._limiter = anyio.CapacityLimiter(self._max)
        try:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=self._limiter)
        except Exception as exc:
            from recognizers.common.image_errors import ImageError
            from recognizers.service.errors import ServiceError

            if isinstance(exc, ImageError | ServiceError):
                raise _rejected(kind, exc) from exc
            log.exception("%s recognizer failed in-process", kind)
            raise RecognizerUnavailable(kind, f"{type(exc).__name__}: {exc}") from exc

    async def plates(
        self, image: FrameImage, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]:
        rec = self._plates
        if rec is None:
            raise RecognizerUnavailable("plates", "not configured")

        def run() -> list[PlateRead]:
            img = image.bgr()
            clipped = None
            if roi is not None:
                from recognizers.service.engine import clip_roi

                clipped = clip_roi(roi, img.shape[1], img.shape[0])
            return list(rec.recognize(img, clipped, finer_look))

        return await self._run("plates", run)

    async def faces(self, image: FrameImage, embeddings: bool = True) -> list[FaceDetection]:
        rec = self._faces
        if rec is None:
            raise RecognizerUnavailable("faces", "not configured")

        def run() -> list[FaceDetection]:
            return list(rec.analyze(image.bgr(), embeddings=embeddings))

        return await self._run("faces", run)

    async def ready(self) -> dict[str, bool]:
        return {"plates": self._plates is not None, "faces": self._faces is not None}

    async def aclose(self) -> None:
        self._plates = None
        self._faces = None
