"""Recognizer clients from settings: in-process models when no URL is set, HTTP otherwise."""

from __future__ import annotations

import logging
from typing import Any

from gateway.config import GatewaySettings

log = logging.getLogger(__name__)


class SplitRecognizers:
    """Plates from one client and faces from another (one recognizer local, the other remote)."""

    def __init__(self, plates_client: Any, faces_client: Any) -> None:
        self._p, self._f = plates_client, faces_client
        self.embedding_dim = getattr(faces_client, "embedding_dim", None)

    async def plates(self, image: Any, roi: Any = None, finer_look: bool = True) -> Any:
        return await self._p.plates(image, roi, finer_look)

    async def faces(self, image: Any, embeddings: bool = True) -> Any:
        return await self._f.faces(image, embeddings=embeddings)

    async def ready(self) -> dict[str, bool]:
        return {"plates": (await self._p.ready())["plates"], "faces": (await self._f.ready())["faces"]}

    async def aclose(self) -> None:
        await self._p.aclose()
        await self._f.aclose()


def _threads_unless_set(model_settings: Any, threads: int) -> Any:
    """The model's own VARTA_PLATES__THREADS / VARTA_FACES__THREADS wins; else the gateway's default."""
    if model_settings.threads is None:
        return model_settings.model_copy(update={"threads": threads})
    return model_settings


def _local(plates: bool, faces: bool, threads: int) -> Any:
    """Load the real models (checksum-verified; a missing file raises with the fix)."""
    import os

    from gateway.clients.inprocess import InProcessRecognizers

    plate_rec = face_rec = None
    if plates:
        from recognizers.plates.pipeline import PlateRecognizer
        from recognizers.plates.settings import PlateSettings

        plate_rec = PlateRecognizer(_threads_unless_set(PlateSettings(), threads))
        plate_rec.load()
    if faces:
        from recognizers.faces.recognizer import FaceRecognizer
        from recognizers.faces.settings import FaceSettings

        face_rec = FaceRecognizer(_threads_unless_set(FaceSettings(), threads))
        face_rec.load()
    return InProcessRecognizers(plate_rec, face_rec, max_concurrency=len(os.sched_getaffinity(0)))


def make_recognizers(settings: GatewaySettings) -> Any:
    p_url, f_url = settings.plates_url, settings.faces_url
    if p_url is None and f_url is None:
        log.info("loading plate and face recognizers in-process")
        return _local(True, True, settings.inprocess_threads)
    from gateway.clients.http import HttpRecognizers

    remote = HttpRecognizers(p_url, f_url, timeout_s=settings.recognizer_timeout_s)
    if p_url is not None and f_url is not None:
        return remote
    local = _local(p_url is None, f_url is None, settings.inprocess_threads)
    return SplitRecognizers(remote, local) if p_url is not None else SplitRecognizers(local, remote)
