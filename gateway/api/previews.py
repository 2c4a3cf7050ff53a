"""/v1/cameras/{id}/preview: the live view. A camera's agent posts a small masked JPEG every few
seconds; residents (for the cameras they may view), the council and the police get the newest one.

Memory only (``gateway.cameras.preview``): never written to disk, never recognised. Every view is
audited; the posts are not (they come every few seconds and disclose nothing).
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Request, Response

from gateway.api.frames import parse_capture_time, read_body
from gateway.auth.keys import Principal
from gateway.body_limit import within_body_timeout
from gateway.cameras import service
from gateway.cameras.preview import Preview
from gateway.context import AppContext
from gateway.db.types import utcnow
from gateway.deps import AuditCtxDep, CameraDep, CtxDep, SessionDep, require_role
from gateway.errors import (
    ERROR_RESPONSES,
    JPEG_RESPONSE,
    NoLivePicture,
    ScopeDenied,
    UnsupportedMedia,
)
from gateway.pipeline.processor import check_capture_time
from recognizers.common.image import ImageLimits, decode_image, probe_image

router = APIRouter(prefix="/v1/cameras", tags=["cameras"])
ViewerDep = Annotated[
    Principal,
    Depends(
        require_role("admin", "council", "police", "resident", what=("view a camera", "переглядати камеру"))
    ),
]
PREVIEW_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    408: {"description": "the picture did not arrive within VARTA_LIMITS__BODY_TIMEOUT_S"},
    413: {"description": "larger than VARTA_LIMITS__MAX_PREVIEW_BYTES or too many pixels"},
    415: {"description": "not a JPEG"},
}


@router.post(
    "/{camera_id}/preview",
    status_code=204,
    responses=PREVIEW_ERRORS,
    summary="A camera's agent posts its newest live-view picture (small, privacy-masked JPEG)",
    openapi_extra={
        "requestBody": {
            "content": {
                "image/jpeg": {
                    "schema": {"type": "string", "format": "binary"},
                    "example": "(binary JPEG, e.g. 640x360, privacy masks already blacked out)",
                }
            }
        }
    },
)
async def post_preview(
    camera_id: str,
    request: Request,
    principal: CameraDep,
    ctx: CtxDep,
    x_capture_time: Annotated[str, Header(description="RFC 3339 capture time, e.g. 2026-11-26T08:15:00Z")],
) -> Response:
    if principal.camera_id != camera_id:
        raise ScopeDenied(
            f"This key may not post previews for camera '{camera_id}'.",
            f"Цей ключ не може надсилати зображення для камери '{camera_id}'.",
        )
    # the key and the camera are checked first, and no database connection is held while the picture
    # arrives (at most VARTA_LIMITS__BODY_TIMEOUT_S)
    await anyio.to_thread.run_sync(_check_enabled, ctx, camera_id)
    captured_at = parse_capture_time(x_capture_time)
    check_capture_time(captured_at, utcnow(), ctx.settings.retention.hits_days)
    limit = ctx.settings.limits.max_preview_bytes
    data = await within_body_timeout(read_body(request, limit), ctx.settings.limits.body_timeout_s)
    limits = ImageLimits(max_bytes=limit)
    if probe_image(data, limits).format != "JPEG":
        raise UnsupportedMedia("A preview must be a JPEG.", "Зображення для перегляду має бути JPEG.")
    await anyio.to_thread.run_sync(decode_image, data, limits)  # a corrupt JPEG is refused here
    ctx.previews.put(camera_id, Preview(data, captured_at, utcnow()), ctx.settings.preview_max_age_s)
    return Response(status_code=204)


def _check_enabled(ctx: AppContext, camera_id: str) -> None:
    with ctx.sessions() as session:
        service.get_enabled_camera(session, camera_id)


@router.get(
    "/{camera_id}/preview",
    response_class=Response,
    responses=ERROR_RESPONSES | {200: {**JPEG_RESPONSE, "description": "the newest picture"}},
    summary="The camera's newest live-view picture (residents: cameras they may view)",
)
def get_preview(
    camera_id: str, principal: ViewerDep, ctx: CtxDep, session: SessionDep, audit_ctx: AuditCtxDep
) -> Response:
    cam = service.get_camera_as(session, camera_id, principal.role == "resident")
    max_age = ctx.settings.preview_max_age_s
    preview = ctx.previews.get(camera_id, utcnow(), max_age) if cam.enabled else None
    found = int(preview is not None)
    ctx.audit.record(principal, "camera.preview", f"camera:{camera_id}", ctx=audit_ctx, result_count=found)
    if preview is None:
        raise NoLivePicture(camera_id, max_age)
    headers = {"Cache-Control": "no-store", "X-Capture-Time": preview.captured_at.isoformat()}
    return Response(preview.jpeg, media_type="image/jpeg", headers=headers)
