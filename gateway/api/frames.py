"""``POST /v1/frames``: a camera posts one JPEG; the answer says what was read (``FrameReceipt``), never
whether it matched a watchlist."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from gateway.body_limit import within_body_timeout
from gateway.context import AppContext
from gateway.deps import CameraDep, CtxDep
from gateway.errors import InvalidInput, TooLarge, UnsupportedMedia
from gateway.pipeline import FrameReceipt, FrameSubmission
from gateway.pipeline.service import get_processor
from gateway.timestamps import field_in_utc
from recognizers.common.multipart import MULTIPART_OVERHEAD, form_image
from shared.schemas import ErrorBody

router = APIRouter(prefix="/v1", tags=["frames"])

_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")
_CAMERA = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/octet-stream")

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        400: "a multipart form without an 'image' file field (missing_image) or one that cannot be parsed "
        "(bad_multipart)",
        401: "no or unknown camera key",
        403: "the key is not this camera's, or the camera is disabled",
        404: "unknown camera",
        408: "the image did not arrive within VARTA_LIMITS__BODY_TIMEOUT_S (the connection is closed)",
        409: "the Idempotency-Key was used for another frame of this camera",
        413: "image too large (bytes or pixels)",
        415: "not a JPEG/PNG/WebP image",
        422: "bad headers, empty or corrupt image",
        503: "no recognizer could run; nothing stored; retry after Retry-After seconds",
    }.items()
}

EXAMPLE = {
    "frame_id": "4c1f0b6f9a8e4c7d9d3f1e2a5b6c7d8e",
    "camera_id": "cam-north-1",
    "captured_at": "2026-11-24T08:15:00Z",
    "duplicate": False,
    "plates": [],
    "faces": [],
    "skipped": ["face_matching"],
    "skip_reasons": {},
}


def parse_capture_time(value: str) -> datetime:
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        ts = None
    if ts is None or ts.tzinfo is None:
        raise InvalidInput(
            "X-Capture-Time",
            "must be an RFC 3339 timestamp with a time zone, e.g. 2026-11-24T08:15:00Z",
            "має бути міткою часу RFC 3339 з часовим поясом, напр. 2026-11-24T08:15:00Z",
        )
    return field_in_utc("X-Capture-Time", ts)


async def read_body(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The frame exceeds {limit} bytes.", f"Кадр перевищує {limit} байтів.")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_image(request: Request, limit: int) -> bytes:
    """Raw body (``image/jpeg``) or multipart field ``image``; bytes capped before anything else."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise TooLarge(f"The frame exceeds {limit} bytes.", f"Кадр перевищує {limit} байтів.")
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        data = await form_image(request, await read_body(request, limit + MULTIPART_OVERHEAD))
        if len(data) > limit:
            raise TooLarge(f"The frame exceeds {limit} bytes.", f"Кадр перевищує {limit} байтів.")
        return data
    if ctype and ctype not in _IMAGE_TYPES:
        raise UnsupportedMedia(
            f"Content-Type {ctype} is not accepted; send image/jpeg (or multipart field 'image').",
            f"Content-Type {ctype} не приймається; надсилайте image/jpeg (або поле multipart 'image').",
        )
    return await read_body(request, limit)


@router.post(
    "/frames",
    response_model=FrameReceipt,
    summary="A camera posts one frame",
    responses={200: {"content": {"application/json": {"example": EXAMPLE}}}, **ERRORS},
    openapi_extra={
        "requestBody": {
            "content": {
                "image/jpeg": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(binary JPEG frame from the camera: FF D8 FF E0 ...)",
                }
            }
        }
    },
)
async def post_frame(
    request: Request,
    ctx: CtxDep,
    principal: CameraDep,
    x_camera_id: Annotated[str, Header(description="the camera's id (its key must be for this camera)")],
    x_capture_time: Annotated[str, Header(description="RFC 3339 capture time, e.g. 2026-11-24T08:15:00Z")],
    idempotency_key: Annotated[str, Header(description="1-128 printable characters; a retry reuses it")],
) -> FrameReceipt:
    """Recognize plates and faces, match the watchlists, store sightings and alerts.

    The answer says what was read and never whether anything matched: a camera key may not learn a
    watchlist. Alerts reach the council and the police through `GET /v1/alerts`.

    A retry with the same `Idempotency-Key` for the camera returns the stored answer with
    `duplicate: true` and raises nothing new; another frame under a used key is refused with 409. When
    no recognizer can run the answer is 503 with `Retry-After` and nothing is stored.
    """
    # counted by the key's own camera (never the claimed header): the label set stays bounded
    with ctx.metrics.frame_outcome(principal.camera_id or "unknown") as outcome:
        sub = await _submission(request, ctx, x_camera_id, x_capture_time, idempotency_key)
        result = await get_processor(ctx).process(principal, sub)
        outcome.duplicate = result.duplicate
    return FrameReceipt.of(result)


async def _submission(
    request: Request, ctx: AppContext, camera_id: str, capture_time: str, idempotency_key: str
) -> FrameSubmission:
    if not _CAMERA.match(camera_id):
        raise InvalidInput("X-Camera-Id", "1-64 letters, digits or _ . : -", "1-64 літер, цифр або _ . : -")
    if not _KEY.match(idempotency_key):
        raise InvalidInput(
            "Idempotency-Key", "1-128 printable ASCII characters", "1-128 друкованих символів ASCII"
        )
    captured_at = parse_capture_time(capture_time)
    limits = ctx.settings.limits
    data = await within_body_timeout(_read_image(request, limits.max_frame_bytes), limits.body_timeout_s)
    return FrameSubmission(camera_id, captured_at, idempotency_key, data)
