"""/v1/reports: residents send photo/video evidence; the council or police it is addressed to reads it.

The files are kept as sent and shown to people only: no plate or face recognition, no enrolment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import FileResponse
from sqlalchemy.orm import Session

from gateway.api.params import Offset
from gateway.api.uploads import OneFile, read_capped
from gateway.audit.log import AuditContext
from gateway.audit.refusals import row_refusals
from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.db.models import ResidentReport
from gateway.deps import AuditCtxDep, CtxDep, SessionDep, require_role
from gateway.errors import ERROR_RESPONSES, JPEG_RESPONSE, DomainError, multipart_example
from gateway.reports import service
from gateway.reports.schemas import (
    Recipient,
    ReportForm,
    ReportPublic,
    ReportsPage,
    ReportStatus,
    StatusChange,
)
from recognizers.common.image_errors import ImageError
from shared.schemas import ErrorBody

router = APIRouter(prefix="/v1/reports", tags=["reports"])

ResidentDep = Annotated[
    Principal, Depends(require_role("resident", what=("send a report", "надсилати повідомлення")))
]
ReaderDep = Annotated[
    Principal,
    Depends(
        require_role(
            "resident", "council", "police", what=("read resident reports", "читати повідомлення мешканців")
        )
    ),
]
RecipientDep = Annotated[
    Principal,
    Depends(
        require_role(
            "council", "police", what=("review resident reports", "розглядати повідомлення мешканців")
        )
    ),
]

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "no such report, or not visible to you"}
}
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    400: {"model": ErrorBody, "description": "the file is empty"},
    404: {"model": ErrorBody, "description": "camera_id is unknown or not visible to residents"},
    413: {"model": ErrorBody, "description": "file, image pixels or video length over the limit"},
    415: {"model": ErrorBody, "description": "not a JPEG/PNG/WebP photo nor an MP4/WebM/MOV video"},
    422: {
        "model": ErrorBody,
        "description": "invalid field, corrupt image, or a video whose container is malformed or that "
        "cannot be decoded within the decoder's memory and time limits",
    },
    429: {"model": ErrorBody, "description": "daily report limit reached (see Retry-After)"},
    503: {
        "model": ErrorBody,
        "description": "the file could not be stored now, or videos cannot be checked (the decoder's "
        "memory limit is set below what it needs); see Retry-After",
    },
}
FILE_RESPONSE: dict[str, Any] = {
    "description": "the file as the resident sent it, with its content type",
    "content": {
        **JPEG_RESPONSE["content"],
        "video/mp4": {
            "schema": {"type": "string", "format": "binary"},
            "example": "(binary MP4: 00 00 00 20 66 74 79 70 69 73 6F 6D ...)",
        },
    },
}


def _visible(
    ctx: AppContext, session: Session, principal: Principal, report_id: str, action: str, audit: AuditContext
) -> ResidentReport:
    """The report, or 404 audited as ``action`` (denied: someone else's; not_found: none)."""
    with row_refusals(ctx.audit, session, principal, action, "report", ResidentReport, report_id, ctx=audit):
        return service.get_report(session, principal, report_id)


def _submit(
    ctx: AppContext, resident: Principal, audit_ctx: AuditContext, form: ReportForm, data: bytes
) -> Any:
    try:
        with ctx.sessions() as session:
            created = service.submit(ctx.settings, session, resident, form, data)
    except (DomainError, ImageError) as exc:
        code = getattr(exc, "code", "error")
        ctx.audit.record(resident, "report.create", "reports", ctx=audit_ctx, outcome="rejected", detail=code)
        raise
    report, media = created.report, created.media
    ctx.audit.record(
        resident,
        "report.create",
        f"report:{report.id}",
        ctx=audit_ctx,
        result_count=1,
        detail=f"kind={report.kind} to={report.addressed_to} bytes={report.size_bytes} "
        f"camera={report.camera_id} size={media.width}x{media.height} seconds={media.duration_s}",
    )
    return report


@router.post(
    "",
    response_model=ReportPublic,
    status_code=201,
    responses=UPLOAD_ERRORS,
    summary="Send a photo or video to the council or the police (residents)",
    openapi_extra=multipart_example(
        file="(binary JPEG/PNG/WebP photo up to 15 MiB, or MP4/WebM/MOV video up to 100 MiB and 120 s)",
        description="Хтось скинув сміття біля зупинки / Rubbish dumped by the bus stop",
        addressed_to="council",
        camera_id="gate-north",
        observed_at="2026-11-26T08:40:00+02:00",
    ),
)
async def create_report(
    file: OneFile,
    description: Annotated[str, Form(min_length=1, max_length=2000, description="what happened")],
    resident: ResidentDep,
    ctx: CtxDep,
    audit_ctx: AuditCtxDep,
    addressed_to: Annotated[Recipient, Form(description="council (default) or police")] = "council",
    camera_id: Annotated[str | None, Form(max_length=64, description="a camera you may view")] = None,
    observed_at: Annotated[
        datetime | None, Form(description="when it happened: ISO 8601 with a time zone, not in the future")
    ] = None,
) -> Any:
    """Never analysed for faces or plates and never enrolled into a watchlist. Audited."""
    limits = ctx.settings.limits
    data = await read_capped(file, max(limits.max_report_photo_bytes, limits.max_report_video_bytes))
    form = ReportForm(
        description=description,
        addressed_to=addressed_to,
        camera_id=camera_id or None,
        observed_at=observed_at,
    )
    return await anyio.to_thread.run_sync(_submit, ctx, resident, audit_ctx, form, data)


@router.get(
    "",
    response_model=ReportsPage,
    responses=ERROR_RESPONSES,
    summary="Reports: residents their own, council and police those addressed to them",
)
def list_reports(
    principal: ReaderDep,
    session: SessionDep,
    ctx: CtxDep,
    audit_ctx: AuditCtxDep,
    status: Annotated[ReportStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> ReportsPage:
    """Newest first. Audited."""
    page = service.list_reports(session, principal, status, limit, offset)
    what = f"status={status}" if status else "all"
    ctx.audit.record(principal, "reports.list", what, ctx=audit_ctx, result_count=page.count)
    return page


@router.get(
    "/{report_id}",
    response_model=ReportPublic,
    responses=ERROR_RESPONSES | NOT_FOUND,
    summary="One report (its sender or the organisation it is addressed to)",
)
def get_report(
    report_id: str, principal: ReaderDep, session: SessionDep, ctx: CtxDep, audit_ctx: AuditCtxDep
) -> ReportPublic:
    row = _visible(ctx, session, principal, report_id, "report.view", audit_ctx)
    ctx.audit.record(principal, "report.view", f"report:{row.id}", ctx=audit_ctx, result_count=1)
    return service.public(row)


@router.get(
    "/{report_id}/file",
    response_class=FileResponse,
    responses=ERROR_RESPONSES | NOT_FOUND | {200: FILE_RESPONSE},
    summary="A report's photo or video (its sender or the organisation it is addressed to)",
)
def get_report_file(
    report_id: str, principal: ReaderDep, session: SessionDep, ctx: CtxDep, audit_ctx: AuditCtxDep
) -> FileResponse:
    """Every download is audited."""
    row = _visible(ctx, session, principal, report_id, "report.file", audit_ctx)
    path = service.file_path(ctx.settings, row)
    ctx.audit.record(principal, "report.file", f"report:{row.id}", ctx=audit_ctx, result_count=1)
    return FileResponse(path, media_type=row.content_type, headers={"Cache-Control": "no-store"})


@router.post(
    "/{report_id}/status",
    response_model=ReportPublic,
    responses=ERROR_RESPONSES | NOT_FOUND,
    summary="Mark a report in review or closed, with a note (the organisation it is addressed to)",
)
def set_status(
    report_id: str,
    body: StatusChange,
    principal: RecipientDep,
    session: SessionDep,
    ctx: CtxDep,
    audit_ctx: AuditCtxDep,
) -> ReportPublic:
    row = _visible(ctx, session, principal, report_id, "report.status", audit_ctx)
    service.change_status(session, principal, row, body)
    ctx.audit.record(
        principal, "report.status", f"report:{row.id}", ctx=audit_ctx, detail=f"status={row.status}"
    )
    return service.public(row)
