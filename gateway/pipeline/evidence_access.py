"""Evidence files of an alert and the entry it names, for people entitled to see the alert."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from gateway.context import AppContext
from gateway.db.events import Alert
from gateway.db.models import PersonEntry, PersonPhoto, PlateEntry
from gateway.errors import NotFound
from gateway.evidence import EvidenceError, EvidenceStore
from gateway.pipeline.public import EntrySummary


def _missing(alert: Alert, name: str) -> NotFound:
    return NotFound("evidence", f"{alert.id}/{name}", "Доказ")


RowT = TypeVar("RowT", PlateEntry, PersonEntry, PersonPhoto)


def _named_by(alert: Alert, row: RowT | None) -> RowT | None:
    """The row if it is the one the alert names; not a later row that got its id (maybe of another list)."""
    if row is None or row.watchlist_id != alert.watchlist_id or row.created_at > alert.created_at:
        return None
    return row


def _enrolled_path(ctx: AppContext, session: Session, alert: Alert) -> Path | None:
    if alert.enrolled_photo_id is None:
        return None
    photo = _named_by(alert, session.get(PersonPhoto, alert.enrolled_photo_id))
    if photo is None:
        return None
    root = ctx.settings.photo_root.resolve()
    path = (root / photo.path).resolve()
    return path if root in path.parents else None


def evidence_file(ctx: AppContext, session: Session, alert: Alert, name: str) -> Path:
    """Absolute path of ``crop.jpg``, ``frame.jpg`` or ``enrolled.jpg``; 404 when gone (purged)."""
    if name == "enrolled.jpg":
        path = _enrolled_path(ctx, session, alert)
    else:
        rel = alert.crop_path if name == "crop.jpg" else alert.frame_path
        try:
            path = EvidenceStore(ctx.settings.evidence_root).resolve(rel) if rel else None
        except EvidenceError:
            path = None
    if path is None or not path.is_file():
        raise _missing(alert, name)
    return path


def entry_summary(session: Session, alert: Alert) -> EntrySummary | None:
    if alert.kind == "face":
        person = _named_by(alert, session.get(PersonEntry, alert.entry_id))
        return EntrySummary(label=person.label, reason=person.reason) if person else None
    plate = _named_by(alert, session.get(PlateEntry, alert.entry_id))
    return EntrySummary(label=plate.pattern, reason=plate.reason) if plate else None
