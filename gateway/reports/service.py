"""Create, list, read and review resident reports; who sees what.

* a resident sees the reports their own key sent;
* council and police keys see the reports addressed to their organisation;
* nobody else (admin, auditor, cameras) reads them here.

Creating one: the per-key daily cap, the camera (enabled and visible to residents, or 404 as if it
did not exist), the file's type, size and readability; then the file is written atomically before
the commit that refers to it, and removed again when that commit fails.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.cameras.service import get_camera_as
from gateway.config import GatewaySettings
from gateway.db.models import ResidentReport
from gateway.db.types import utcnow
from gateway.errors import InvalidInput, NotFound, RateLimited, Unavailable
from gateway.reports.schemas import ReportForm, ReportPublic, ReportsPage, ReportStatus, StatusChange
from gateway.reports.store import ReportStore
from gateway.reports.validate import MediaInfo, check
from gateway.timestamps import field_in_utc

logger = logging.getLogger(__name__)
DAY = timedelta(days=1)
CLOCK_SKEW = timedelta(seconds=60)  # a phone's clock a little ahead is not "the future"
RECIPIENT_ROLES = frozenset({"council", "police"})
# One gateway process (the supported deployment) serialises the cap check and the insert; several
# replicas would need a database lock here.
_SUBMIT = threading.Lock()


@dataclass(frozen=True)
class Created:
    report: ReportPublic
    media: MediaInfo


def public(row: ResidentReport) -> ReportPublic:
    return ReportPublic.model_validate(row)


def store_of(settings: GatewaySettings) -> ReportStore:
    return ReportStore(settings.reports_root)


def _check_cap(session: Session, principal: Principal, cap: int) -> None:
    now = utcnow()
    recent = session.scalars(
        select(ResidentReport.created_at)
        .where(ResidentReport.submitted_by_key_id == principal.key_id, ResidentReport.created_at > now - DAY)
        .order_by(ResidentReport.created_at)
    ).all()
    if len(recent) >= cap:
        frees_at = recent[len(recent) - cap] + DAY  # when the oldest report that counts leaves the window
        wait = math.ceil((frees_at - now).total_seconds())
        raise RateLimited(
            f"At most {cap} reports in 24 hours; try again in {wait} s.",
            f"Не більше {cap} повідомлень за 24 години; спробуйте знову через {wait} с.",
            retry_after=wait,
        )


def _check_form(form: ReportForm) -> None:
    if not form.description.strip():
        raise InvalidInput("description", "must not be blank", "не може бути порожнім")
    at = form.observed_at
    if at is None:
        return
    if at.tzinfo is None:
        raise InvalidInput(
            "observed_at", "needs a time zone (e.g. 2026-11-26T08:40:00+02:00)", "потрібен часовий пояс"
        )
    field_in_utc("observed_at", at)
    if at > utcnow() + CLOCK_SKEW:
        raise InvalidInput("observed_at", "lies in the future", "вказує на майбутнє")


def submit(
    settings: GatewaySettings, session: Session, principal: Principal, form: ReportForm, data: bytes
) -> Created:
    """Check everything, write the file, then commit the row; a failed commit takes the file away."""
    assert principal.key_id is not None
    _check_form(form)
    if form.camera_id is not None:  # only a camera the resident may view
        get_camera_as(session, form.camera_id, resident=True)
    cap = settings.limits.max_reports_per_day
    _check_cap(session, principal, cap)  # a key over its cap gets no file decoded
    media = check(data, settings.limits)  # the slow part (a video is opened), outside the lock
    with _SUBMIT:  # count and insert as one step: two uploads at once cannot both pass a full cap
        _check_cap(session, principal, cap)
        return _store(session, principal, form, data, media, store_of(settings))


def _store(
    session: Session,
    principal: Principal,
    form: ReportForm,
    data: bytes,
    media: MediaInfo,
    store: ReportStore,
) -> Created:
    now = utcnow()
    report_id = uuid.uuid4().hex
    rel = store.rel_path(now, report_id, media.type.ext)
    row = ResidentReport(
        id=report_id,
        created_at=now,
        submitted_by_key_id=principal.key_id,
        addressed_to=form.addressed_to,
        camera_id=form.camera_id,
        observed_at=form.observed_at,
        description=form.description.strip(),
        kind=media.type.kind,
        content_type=media.type.content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=rel,
        status="new",
        status_note="",
    )
    try:
        store.write_file(rel, data)
    except OSError as exc:  # disk full or failing: the server's fault, for now; nothing was kept
        logger.error("report %s could not be written: %s", report_id, exc)
        raise Unavailable(
            "The file could not be stored on the server; try again later.",
            "Файл не вдалося зберегти на сервері; спробуйте пізніше.",
            retry_after=60,
        ) from exc
    try:
        session.add(row)
        session.commit()
    except BaseException:
        session.rollback()
        store.remove([rel])
        raise
    return Created(public(row), media)


def _visible(principal: Principal) -> ColumnElement[bool]:
    if principal.role == "resident" and principal.key_id is not None:
        return ResidentReport.submitted_by_key_id == principal.key_id
    if principal.role in RECIPIENT_ROLES and principal.organisation_id:
        return ResidentReport.addressed_to == principal.organisation_id
    return false()


def list_reports(
    session: Session, principal: Principal, status: ReportStatus | None, limit: int, offset: int
) -> ReportsPage:
    conds: list[Any] = [_visible(principal)]
    if status is not None:
        conds.append(ResidentReport.status == status)
    total = int(session.scalar(select(func.count()).select_from(ResidentReport).where(*conds)) or 0)
    rows = session.scalars(
        select(ResidentReport)
        .where(*conds)
        .order_by(ResidentReport.created_at.desc(), ResidentReport.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return ReportsPage(
        data=[public(r) for r in rows], count=len(rows), total=total, limit=limit, offset=offset
    )


def get_report(session: Session, principal: Principal, report_id: str) -> ResidentReport:
    """The report if this principal may see it; 404 alike for missing and not visible."""
    row = session.scalar(select(ResidentReport).where(ResidentReport.id == report_id, _visible(principal)))
    if row is None:
        raise NotFound("report", report_id, "Повідомлення")
    return row


def file_path(settings: GatewaySettings, row: ResidentReport) -> Path:
    path = store_of(settings).resolve(row.path)
    if not path.is_file():
        raise NotFound("report file", row.id, "Файл повідомлення")
    return path


def change_status(session: Session, principal: Principal, row: ResidentReport, body: StatusChange) -> None:
    """Record the recipient's decision on a report it may see (``get_report``)."""
    row.status = body.status
    row.status_note = body.note.strip()
    row.reviewed_by_key_id = principal.key_id
    row.reviewed_at = utcnow()
    session.commit()
