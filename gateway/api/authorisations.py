"""/v1/authorisations: prior authorisation for live face matching (police write; auditor reads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from gateway.api.params import RowId
from gateway.audit.log import AuditContext
from gateway.auth.keys import Principal
from gateway.authorisations import service
from gateway.authorisations.schemas import AuthorisationCreate, AuthorisationPublic
from gateway.deps import AuditCtxDep, CtxDep, PoliceDep, SessionDep, require_role
from gateway.errors import ERROR_RESPONSES

router = APIRouter(prefix="/v1/authorisations", tags=["authorisations"])
ReaderDep = Annotated[Principal, Depends(require_role("police", "auditor"))]


@router.post(
    "",
    response_model=AuthorisationPublic,
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Record an authorisation: live face matching on its cameras until it expires",
)
def create(
    body: AuthorisationCreate, police: PoliceDep, session: SessionDep, ctx: CtxDep
) -> AuthorisationPublic:
    auth = service.create(session, police, body)
    session.commit()
    ctx.audit.record(
        police,
        "authorisation.create",
        f"authorisation:{auth.id}",
        ctx=_ctx(body.purpose, body.case_number),
        detail=f"cameras={','.join(body.camera_ids)} until={body.expires_at.isoformat()}",
    )
    return service.to_public(auth)


@router.get(
    "", response_model=list[AuthorisationPublic], responses=ERROR_RESPONSES, summary="List authorisations"
)
def list_all(
    reader: ReaderDep, session: SessionDep, ctx: CtxDep, audit_ctx: AuditCtxDep
) -> list[AuthorisationPublic]:
    rows = service.list_for(session, reader)
    ctx.audit.record(reader, "authorisation.list", "authorisations", ctx=audit_ctx, result_count=len(rows))
    return [service.to_public(a) for a in rows]


@router.get(
    "/{auth_id}", response_model=AuthorisationPublic, responses=ERROR_RESPONSES, summary="One authorisation"
)
def get(
    auth_id: RowId, reader: ReaderDep, session: SessionDep, ctx: CtxDep, audit_ctx: AuditCtxDep
) -> AuthorisationPublic:
    auth = service.get_for(session, reader, auth_id)
    ctx.audit.record(reader, "authorisation.read", f"authorisation:{auth_id}", ctx=audit_ctx, result_count=1)
    return service.to_public(auth)


@router.post(
    "/{auth_id}/revoke", response_model=AuthorisationPublic, responses=ERROR_RESPONSES, summary="Stop it now"
)
def revoke(
    auth_id: RowId, police: PoliceDep, session: SessionDep, ctx: CtxDep, audit_ctx: AuditCtxDep
) -> AuthorisationPublic:
    auth = service.revoke(session, police, auth_id)
    session.commit()
    ctx.audit.record(police, "authorisation.revoke", f"authorisation:{auth_id}", ctx=audit_ctx)
    return service.to_public(auth)


def _ctx(purpose: str, case_number: str) -> AuditContext:
    return AuditContext(purpose=purpose, case_number=case_number)
