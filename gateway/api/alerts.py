"""Alerts: list, detail with evidence beside the enrolled photo, evidence files, reviews."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from gateway.api.params import Offset, Since, Until
from gateway.audit.log import AuditContext
from gateway.audit.refusals import row_refusals
from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.db.events import Alert
from gateway.deps import CtxDep, PurposeDep, SessionDep, require_role
from gateway.errors import JPEG_RESPONSE
from gateway.pipeline.evidence_access import entry_summary, evidence_file
from gateway.pipeline.public import AlertDetail, AlertPublic, AlertsPublic, ReviewCreate, ReviewPublic
from gateway.pipeline.queries import AlertQuery, get_alert, list_alerts
from gateway.pipeline.review import add_review
from shared.schemas import ErrorBody

router = APIRouter(prefix="/v1", tags=["alerts"])

ReaderDep = Annotated[
    Principal, Depends(require_role("police", "council", what=("read alerts", "читати сповіщення")))
]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no such alert, or not visible to your organisation"}
}
PURPOSE: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "police without X-Purpose/X-Case-Number"}
}


def _visible(
    ctx: AppContext, session: Session, principal: Principal, alert_id: str, action: str, audit: AuditContext
) -> Alert:
    """The alert, or 404 audited as ``action`` (denied: another organisation's; not_found: none)."""
    with row_refusals(ctx.audit, session, principal, action, "alert", Alert, alert_id, ctx=audit):
        return get_alert(session, principal, alert_id)


def _detail(request: Request, alert: Alert, session: Session) -> AlertDetail:
    base = AlertPublic.of(alert, str(request.base_url).rstrip("/"))
    return AlertDetail(
        **base.model_dump(),
        entry=entry_summary(session, alert),
        reviews=[ReviewPublic.of(r) for r in alert.reviews],
    )


@router.get(
    "/alerts", response_model=AlertsPublic, responses=PURPOSE, summary="Alerts of your organisation's lists"
)
def alerts_list(
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    principal: ReaderDep,
    audit_ctx: PurposeDep,
    status: Annotated[Literal["new", "confirmed", "rejected"] | None, Query()] = None,
    kind: Annotated[Literal["plate", "face"] | None, Query()] = None,
    camera_id: Annotated[str | None, Query(max_length=64)] = None,
    since: Since = None,
    until: Until = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> AlertsPublic:
    """Only alerts of watchlists your organisation owns or that are shared with it. Police must state
    `X-Purpose` and `X-Case-Number`; every read is audited with its result count."""
    q = AlertQuery(status, kind, camera_id, since, until, limit, offset)
    rows = list_alerts(session, principal, q)
    what = " ".join(f"{k}={v}" for k, v in vars(q).items() if v is not None and k not in ("limit", "offset"))
    ctx.audit.record(principal, "alerts.list", what or "all", ctx=audit_ctx, result_count=len(rows))
    base = str(request.base_url).rstrip("/")
    return AlertsPublic(data=[AlertPublic.of(a, base) for a in rows], count=len(rows))


@router.get(
    "/alerts/{alert_id}", response_model=AlertDetail, responses=NOT_FOUND | PURPOSE, summary="One alert"
)
def alert_detail(
    alert_id: str,
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    principal: ReaderDep,
    audit_ctx: PurposeDep,
) -> AlertDetail:
    """The hit with links to the frame crop and the enrolled photo, to be compared side by side.
    Police must state `X-Purpose` and `X-Case-Number`."""
    alert = _visible(ctx, session, principal, alert_id, "alert.view", audit_ctx)
    ctx.audit.record(
        principal,
        "alert.view",
        f"alert:{alert.id}",
        ctx=audit_ctx,
        watchlist_id=alert.watchlist_id,
        watchlist_version=alert.watchlist_version,
        result_count=1,
    )
    return _detail(request, alert, session)


@router.get(
    "/alerts/{alert_id}/evidence/{name}",
    response_class=FileResponse,
    responses={**NOT_FOUND, **PURPOSE, 200: {**JPEG_RESPONSE, "description": "the evidence image"}},
    summary="An evidence image: crop.jpg, frame.jpg or enrolled.jpg",
)
def alert_evidence(
    alert_id: str,
    name: Literal["crop.jpg", "frame.jpg", "enrolled.jpg"],
    ctx: CtxDep,
    session: SessionDep,
    principal: ReaderDep,
    audit_ctx: PurposeDep,
) -> FileResponse:
    """Every disclosure of an evidence image is audited (police: with `X-Purpose` and `X-Case-Number`)."""
    alert = _visible(ctx, session, principal, alert_id, "alert.evidence", audit_ctx)
    path = evidence_file(ctx, session, alert, name)
    ctx.audit.record(
        principal,
        "alert.evidence",
        f"alert:{alert.id}/{name}",
        ctx=audit_ctx,
        watchlist_id=alert.watchlist_id,
        result_count=1,
    )
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-store"})


@router.post(
    "/alerts/{alert_id}/reviews",
    response_model=AlertDetail,
    status_code=201,
    responses={
        **NOT_FOUND,
        403: {"model": ErrorBody, "description": "face alerts are reviewed by police only"},
        409: {"model": ErrorBody, "description": "already decided, or you already reviewed it"},
    },
    summary="Confirm or reject an alert",
)
def alert_review(
    alert_id: str,
    body: ReviewCreate,
    request: Request,
    ctx: CtxDep,
    session: SessionDep,
    principal: ReaderDep,
    audit_ctx: PurposeDep,
) -> AlertDetail:
    """A face alert is confirmed only by two different police officers; one rejection closes it. Police
    state `X-Purpose` and `X-Case-Number`, as for reading the alert."""
    action = f"alert.{body.decision}"
    with row_refusals(ctx.audit, session, principal, action, "alert", Alert, alert_id, ctx=audit_ctx):
        alert = add_review(session, principal, alert_id, body.decision, body.note)
    session.commit()
    ctx.audit.record(
        principal,
        f"alert.{body.decision}",
        f"alert:{alert.id}",
        ctx=audit_ctx,
        watchlist_id=alert.watchlist_id,
        watchlist_version=alert.watchlist_version,
        result_count=1,
        detail=f"status={alert.status}",
    )
    return _detail(request, alert, session)
