"""/v1/audit: read-only access to the audit log (auditor, admin), its chain head and its verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from gateway.api.params import ID_MAX, IdFilter, Since, Until
from gateway.audit.chain import ANCHOR_FORMAT_UK, parse_anchor, verify_chain
from gateway.audit.schemas import AuditPage, AuditRowPublic, ChainHead, ChainVerdict
from gateway.db.models import AuditRecord
from gateway.deps import AuditorDep, CtxDep, SessionDep
from gateway.errors import ERROR_RESPONSES, InvalidInput, NotFound

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get(
    "", response_model=AuditPage, responses=ERROR_RESPONSES, summary="Read the audit log (filtered, paged)"
)
def read_log(
    auditor: AuditorDep,
    session: SessionDep,
    ctx: CtxDep,
    action: Annotated[str | None, Query(description="exact action, or a prefix ending in '*'")] = None,
    actor_key_id: IdFilter = None,
    organisation: str | None = None,
    outcome: str | None = None,
    case_number: str | None = None,
    watchlist_id: IdFilter = None,
    since: Since = None,
    until: Until = None,
    after_id: Annotated[int, Query(ge=0, le=ID_MAX, description="page: rows with a larger id")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    q = select(AuditRecord).where(AuditRecord.id > after_id)
    if action:
        q = q.where(
            AuditRecord.action.startswith(action[:-1])
            if action.endswith("*")
            else AuditRecord.action == action
        )
    for column, value in (
        (AuditRecord.actor_key_id, actor_key_id),
        (AuditRecord.organisation_id, organisation),
        (AuditRecord.outcome, outcome),
        (AuditRecord.case_number, case_number),
        (AuditRecord.watchlist_id, watchlist_id),
    ):
        if value is not None:
            q = q.where(column == value)
    if since is not None:
        q = q.where(AuditRecord.ts >= since)
    if until is not None:
        q = q.where(AuditRecord.ts < until)
    rows = session.scalars(q.order_by(AuditRecord.id).limit(limit)).all()
    ctx.audit.record(auditor, "audit.read", "audit_log", result_count=len(rows))
    data = [AuditRowPublic.model_validate(r) for r in rows]
    return AuditPage(data=data, next_after_id=data[-1].id if len(data) == limit else None)


@router.get("/head", response_model=ChainHead, responses=ERROR_RESPONSES, summary="Read the chain head")
def head(auditor: AuditorDep, session: SessionDep, ctx: CtxDep) -> ChainHead:
    """The newest row's id and hash, as an anchor ``ID:HASH`` to keep outside Varta (a daily e-mail to
    the police, a paper register): ``/verify?anchor=ID:HASH`` later proves the log was not rewritten."""
    row = session.scalars(select(AuditRecord).order_by(AuditRecord.id.desc()).limit(1)).first()
    if row is None:
        raise NotFound("audit row", "newest", "Рядок журналу аудиту")
    ctx.audit.record(auditor, "audit.head", f"audit_log:{row.id}")
    return ChainHead(id=row.id, ts=row.ts, row_hash=row.row_hash, anchor=f"{row.id}:{row.row_hash}")


@router.get(
    "/verify", response_model=ChainVerdict, responses=ERROR_RESPONSES, summary="Verify the hash chain"
)
def verify(
    auditor: AuditorDep,
    session: SessionDep,
    ctx: CtxDep,
    anchor: Annotated[
        list[str] | None, Query(description="ID:HASH from /v1/audit/head, kept outside Varta (repeatable)")
    ] = None,
) -> ChainVerdict:
    try:
        anchors = [parse_anchor(a) for a in anchor or []]
    except ValueError as exc:
        raise InvalidInput("anchor", str(exc), ANCHOR_FORMAT_UK) from exc
    report = verify_chain(session, anchors=anchors)
    ctx.audit.record(
        auditor,
        "audit.verify",
        "audit_log",
        result_count=report.checked,
        outcome="ok" if report.ok else "failed",
        detail=f"anchors={len(anchors)}" if anchors else "",
    )
    return ChainVerdict(**asdict(report))
