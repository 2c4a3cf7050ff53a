"""/v1/cameras: the registry (admin), camera keys, and the residents' list of permitted cameras."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gateway.api.keys import key_public
from gateway.auth.keys import Principal, create_key
from gateway.auth.schemas import KeyCreated
from gateway.cameras import service
from gateway.cameras.schemas import (
    CameraCreate,
    CameraKeyCreate,
    CameraPublic,
    CameraResidentView,
    CameraUpdate,
)
from gateway.deps import AdminDep, CtxDep, SessionDep, require_role
from gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1/cameras", tags=["cameras"])
ViewerDep = Annotated[Principal, Depends(require_role("admin", "council", "police", "auditor", "resident"))]


@router.post(
    "", response_model=CameraPublic, status_code=201, responses=ERROR_RESPONSES, summary="Register a camera"
)
def create(body: CameraCreate, admin: AdminDep, session: SessionDep, ctx: CtxDep) -> Any:
    cam = service.create_camera(session, body)
    session.commit()
    ctx.audit.record(admin, "camera.create", f"camera:{cam.id}")
    return cam


@router.get(
    "",
    response_model=list[CameraPublic] | list[CameraResidentView],
    responses=ERROR_RESPONSES,
    summary="List cameras (residents: only the ones they may view, without settings)",
)
def list_cameras(principal: ViewerDep, session: SessionDep, ctx: CtxDep) -> Any:
    resident = principal.role == "resident"
    cams = service.list_cameras(session, resident=resident)
    ctx.audit.record(principal, "camera.list", "cameras", result_count=len(cams))
    if resident:
        return [CameraResidentView.model_validate(c) for c in cams]
    return [CameraPublic.model_validate(c) for c in cams]


@router.get(
    "/{camera_id}",
    response_model=CameraPublic | CameraResidentView,
    responses=ERROR_RESPONSES,
    summary="One camera",
)
def get(camera_id: str, principal: ViewerDep, session: SessionDep) -> CameraPublic | CameraResidentView:
    resident = principal.role == "resident"
    cam = service.get_camera_as(session, camera_id, resident)
    return CameraResidentView.model_validate(cam) if resident else CameraPublic.model_validate(cam)


@router.patch(
    "/{camera_id}", response_model=CameraPublic, responses=ERROR_RESPONSES, summary="Change a camera"
)
def update(camera_id: str, body: CameraUpdate, admin: AdminDep, session: SessionDep, ctx: CtxDep) -> Any:
    cam = service.update_camera(session, camera_id, body)
    session.commit()
    ctx.audit.record(admin, "camera.update", f"camera:{camera_id}", detail=",".join(body.model_fields_set))
    return cam


@router.delete(
    "/{camera_id}", status_code=204, responses=ERROR_RESPONSES, summary="Remove a camera and its keys"
)
def delete(camera_id: str, admin: AdminDep, session: SessionDep, ctx: CtxDep) -> None:
    service.delete_camera(session, camera_id)
    session.commit()
    ctx.audit.record(admin, "camera.delete", f"camera:{camera_id}")


@router.post(
    "/{camera_id}/keys",
    response_model=KeyCreated,
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Create this camera's key (shown once; it may post frames for this camera only)",
)
def create_camera_key(
    camera_id: str, admin: AdminDep, session: SessionDep, ctx: CtxDep, body: CameraKeyCreate | None = None
) -> KeyCreated:
    service.get_camera(session, camera_id)
    name = body.name if body and body.name else f"camera {camera_id}"
    row, plain = create_key(session, "camera", camera_id=camera_id, name=name, created_by=admin.key_id)
    session.commit()
    ctx.audit.record(admin, "key.create", f"key:{row.id}", detail=f"role=camera camera={camera_id}")
    return KeyCreated(**key_public(row), key=plain)
