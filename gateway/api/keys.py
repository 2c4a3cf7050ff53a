"""/v1/keys: API keys (admin), and /v1/keys/me for every key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import select

from gateway.api.params import RowId
from gateway.auth.keys import create_key, revoke_key
from gateway.auth.schemas import KeyCreate, KeyCreated, KeyPublic, Whoami
from gateway.db.models import ApiKey
from gateway.deps import AdminDep, CtxDep, PrincipalDep, SessionDep
from gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1/keys", tags=["keys"])
ERRORS = ERROR_RESPONSES


def key_public(row: ApiKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "prefix": row.prefix,
        "role": row.role,
        "organisation": row.organisation_id,
        "camera_id": row.camera_id,
        "name": row.name,
        "created_at": row.created_at,
        "revoked_at": row.revoked_at,
        "last_used_at": row.last_used_at,
    }


@router.post(
    "", response_model=KeyCreated, status_code=201, responses=ERRORS, summary="Create a key (shown once)"
)
def create(body: KeyCreate, admin: AdminDep, session: SessionDep, ctx: CtxDep) -> KeyCreated:
    row, plain = create_key(
        session,
        body.role,
        organisation_id=body.organisation,
        camera_id=body.camera_id,
        name=body.name,
        created_by=admin.key_id,
    )
    session.commit()
    ctx.audit.record(
        admin, "key.create", f"key:{row.id}", detail=f"role={row.role} org={row.organisation_id}"
    )
    return KeyCreated(**key_public(row), key=plain)


@router.get("", response_model=list[KeyPublic], responses=ERRORS, summary="List keys (no secrets)")
def list_keys(admin: AdminDep, session: SessionDep, ctx: CtxDep) -> list[KeyPublic]:
    rows = session.scalars(select(ApiKey).order_by(ApiKey.id)).all()
    ctx.audit.record(admin, "key.list", "keys", result_count=len(rows))
    return [KeyPublic(**key_public(r)) for r in rows]


@router.delete("/{key_id}", response_model=KeyPublic, responses=ERRORS, summary="Revoke a key")
def revoke(key_id: RowId, admin: AdminDep, session: SessionDep, ctx: CtxDep) -> KeyPublic:
    row = revoke_key(session, key_id)
    session.commit()
    ctx.audit.record(admin, "key.revoke", f"key:{key_id}")
    return KeyPublic(**key_public(row))


@router.get("/me", response_model=Whoami, responses=ERRORS, summary="Who am I (any key)")
def whoami(principal: PrincipalDep) -> Whoami:
    return Whoami(
        key_id=principal.key_id,
        role=principal.role,  # type: ignore[arg-type]
        organisation=principal.organisation_id,
        camera_id=principal.camera_id,
        name=principal.name,
    )
