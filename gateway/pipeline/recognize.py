"""Call the plate and face recognizers concurrently; one down does not stop the other."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gateway.clients import RecognizerRejected
from gateway.errors import DomainError, InvalidInput, TooLarge, Unavailable, UnsupportedMedia
from gateway.pipeline.context import CameraContext
from gateway.pipeline.ports import RecognizersLike
from gateway.pipeline.schemas import SkipReason
from recognizers.common.image_errors import ImageError
from shared.schemas import FaceDetection, PlateRead

logger = logging.getLogger(__name__)

DISABLED = SkipReason(reason="disabled for this camera", reason_uk="вимкнено для цієї камери")
NOT_AUTHORISED = SkipReason(
    reason="face matching is off: no active face authorisation (with a person list) covers this camera",
    reason_uk="розпізнавання облич вимкнено: немає чинного дозволу (зі списком осіб) для цієї камери",
)


class _Refused(DomainError):
    """A recognizer refused the frame (its 4xx): the camera's error, answered with the same code."""

    def __init__(self, exc: RecognizerRejected) -> None:
        DomainError.__init__(self, exc.detail, exc.detail_uk or exc.detail)
        self.code = exc.error

    def body(self) -> dict[str, Any]:
        """The recognizer's own code and words: no field of the request is named (``InvalidInput``'s
        body would name one; its ``__init__`` is not run here)."""
        return DomainError.body(self)


class RefusedTooLarge(_Refused, TooLarge):
    pass


class RefusedMedia(_Refused, UnsupportedMedia):
    pass


class RefusedInvalid(_Refused, InvalidInput):
    pass


def rejected(exc: RecognizerRejected) -> DomainError:
    cls = {413: RefusedTooLarge, 415: RefusedMedia}.get(exc.status, RefusedInvalid)
    return cls(exc)


class RecognizersUnavailable(Unavailable):
    """No recognizer could run: nothing was stored; the camera retries later (same idempotency key)."""

    code = "recognizers_unavailable"


@dataclass
class Recognition:
    plates: list[PlateRead] | None = None  # None: did not run
    faces: list[FaceDetection] | None = None
    skipped: dict[str, SkipReason] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)  # each recognizer's own wall time


def skip_code(reason: SkipReason) -> str:
    """A short, bounded code for a skip reason (metrics labels): disabled, not_authorised, unavailable."""
    if reason == DISABLED:
        return "disabled"
    return "not_authorised" if reason == NOT_AUTHORISED else "unavailable"


async def _timed(call: Awaitable[Sequence[Any]], kind: str, timings: dict[str, float]) -> Sequence[Any]:
    t = time.perf_counter()
    try:
        return await call
    finally:
        timings[kind] = round((time.perf_counter() - t) * 1e3, 2)


def _unavailable(kind: str, exc: BaseException) -> SkipReason:
    reason = getattr(exc, "reason", None) or type(exc).__name__
    return SkipReason(
        reason=f"the {kind} recognizer is unavailable: {reason}",
        reason_uk=f"розпізнавач ({'номери' if kind == 'plates' else 'обличчя'}) недоступний: {reason}",
    )


async def recognize(
    clients: RecognizersLike | None, image: Any, ctx: CameraContext, finer_look: bool = False
) -> Recognition:
    """Run what the camera has enabled. Raises ``RecognizersUnavailable`` when nothing could run.
    ``finer_look``: the plate recognizer looks again, finer, at a frame where it finds no plate
    (``VARTA_PIPELINE__PLATES_FINER_LOOK``)."""
    out = Recognition()
    if clients is None:
        raise RecognizersUnavailable(
            "The recognizers are not loaded (yet); nothing was stored. Retry later.",
            "Розпізнавачі ще не завантажені; нічого не збережено. Повторіть пізніше.",
            retry_after=10,
        )
    calls: dict[str, Awaitable[Sequence[Any]]] = {}
    if ctx.plates_enabled:
        plates = clients.plates(image, ctx.roi, finer_look)
        calls["plates"] = _timed(plates, "plates", out.timings_ms)
    else:
        out.skipped["plates"] = DISABLED
    if ctx.faces_enabled:
        # without an authorisation faces are only detected (counted), never embedded
        calls["faces"] = _timed(clients.faces(image, embeddings=ctx.face_matching), "faces", out.timings_ms)
        if not ctx.face_matching:
            out.skipped["face_matching"] = NOT_AUTHORISED
    else:
        out.skipped["faces"] = DISABLED
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    failed = 0
    retry_after = 5.0
    for kind, res in zip(calls, results, strict=True):
        if isinstance(res, ImageError):
            raise res
        if isinstance(res, RecognizerRejected):
            raise rejected(res)
        if isinstance(res, BaseException):
            if not isinstance(res, Exception):
                raise res  # cancellation and the like
            logger.warning("recognizer %s failed for camera %s: %s", kind, ctx.camera_id, res)
            out.skipped[kind] = _unavailable(kind, res)
            failed += 1
            hint = getattr(res, "retry_after_s", None)
            retry_after = max(retry_after, float(hint)) if hint else retry_after
        elif kind == "plates":
            out.plates = list(res)
        else:
            out.faces = list(res)
    if calls and failed == len(calls):
        raise RecognizersUnavailable(
            "No recognizer could process the frame; nothing was stored. Retry later.",
            "Жоден розпізнавач не зміг обробити кадр; нічого не збережено. Повторіть пізніше.",
            retry_after=min(300, math.ceil(retry_after)),
        )
    if "faces" in out.skipped:
        out.skipped.pop("face_matching", None)
    return out
