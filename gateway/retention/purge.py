"""Retention per data class, applied by ``purge(now)``.

* frames (the idempotency record, full frames and crops): ``frames_days``; a file an alert still
  refers to stays with the alert;
* plate reads and sightings without a hit: ``reads_without_hit_days``;
* hits (alerts with reviews and evidence, reads and sightings with a hit): ``hits_days``;
* resident reports and their photo/video files: ``reports_days`` (a file no report names, too);
* audit log: ``audit_days``, never less than six months, cut only as a prefix of the hash chain.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from gateway.audit.guard import allow_purge
from gateway.config import MIN_AUDIT_DAYS, RetentionSettings
from gateway.db.events import Alert, Frame, PlateReadRow, Sighting
from gateway.db.models import AuditRecord, ResidentReport
from gateway.evidence import EvidenceStore

logger = logging.getLogger(__name__)
BATCH = 500


@dataclass
class PurgeReport:
    frames: int = 0
    plate_reads: int = 0
    sightings: int = 0
    alerts: int = 0
    reports: int = 0
    audit_rows: int = 0
    files: int = 0

    def summary(self) -> str:
        return " ".join(f"{k}={v}" for k, v in asdict(self).items())


def _alert_paths(session: Session) -> set[str]:
    rows = session.execute(select(Alert.frame_path, Alert.crop_path))
    return {p for pair in rows for p in pair if p}


def _purge_frames(session: Session, store: EvidenceStore, cutoff: datetime, report: PurgeReport) -> None:
    keep = _alert_paths(session)
    while True:
        frames = session.scalars(select(Frame).where(Frame.received_at < cutoff).limit(BATCH)).all()
        if not frames:
            return
        gone = {p for f in frames for p in (f.evidence or []) if p not in keep}
        for col in (Sighting.frame_path, Sighting.crop_path):
            session.execute(update(Sighting).where(col.in_(gone)).values({col.key: None}))
        session.execute(delete(Frame).where(Frame.id.in_([f.id for f in frames])))
        session.commit()  # rows first: a crash between leaves orphan files, never dangling rows
        report.files += store.remove(sorted(gone))
        report.frames += len(frames)


def _purge_unmatched(session: Session, cutoff: datetime, report: PurgeReport) -> None:
    r = session.execute(
        delete(PlateReadRow).where(PlateReadRow.has_hit.is_(False), PlateReadRow.captured_at < cutoff)
    )
    report.plate_reads += r.rowcount or 0  # type: ignore[attr-defined]
    r = session.execute(delete(Sighting).where(Sighting.has_hit.is_(False), Sighting.last_seen < cutoff))
    report.sightings += r.rowcount or 0  # type: ignore[attr-defined]
    session.commit()


def _purge_hits(session: Session, store: EvidenceStore, cutoff: datetime, report: PurgeReport) -> None:
    while True:
        alerts = session.scalars(select(Alert).where(Alert.created_at < cutoff).limit(BATCH)).all()
        if not alerts:
            break
        paths = {p for a in alerts for p in (a.frame_path, a.crop_path) if p}
        for a in alerts:
            session.delete(a)  # reviews go with it (ORM cascade)
        session.commit()
        paths -= _alert_paths(session)
        # files of a frame that is still kept (frames usually go long before hits) stay with it
        frame_ids = {a.frame_id for a in alerts}
        kept = session.scalars(select(Frame.evidence).where(Frame.id.in_(frame_ids))).all()
        paths -= {p for ev in kept for p in (ev or [])}
        report.files += store.remove(sorted(paths))
        report.alerts += len(alerts)
    r = session.execute(delete(PlateReadRow).where(PlateReadRow.captured_at < cutoff))
    report.plate_reads += r.rowcount or 0  # type: ignore[attr-defined]
    r = session.execute(delete(Sighting).where(Sighting.last_seen < cutoff))
    report.sightings += r.rowcount or 0  # type: ignore[attr-defined]
    session.commit()


def _purge_reports(session: Session, store: EvidenceStore, cutoff: datetime, report: PurgeReport) -> None:
    while True:
        rows = session.scalars(
            select(ResidentReport).where(ResidentReport.created_at < cutoff).limit(BATCH)
        ).all()
        if not rows:
            return
        paths = sorted(r.path for r in rows)
        session.execute(delete(ResidentReport).where(ResidentReport.id.in_([r.id for r in rows])))
        session.commit()  # rows first: a crash between leaves orphan files, never dangling rows
        report.files += store.remove(paths)
        report.reports += len(rows)


def _purge_report_orphans(
    session: Session, store: EvidenceStore, cutoff: datetime, report: PurgeReport
) -> None:
    """Files no report names (the gateway stopped between writing one and committing its row, or a
    write was cut off half-way) go too once they are older than the reports' retention."""
    if not store.root.is_dir():
        return
    old = {
        p.relative_to(store.root).as_posix()
        for p in store.root.rglob("*")
        if p.is_file() and datetime.fromtimestamp(p.stat().st_mtime, UTC) < cutoff
    }
    if not old:
        return
    named = set(session.scalars(select(ResidentReport.path).where(ResidentReport.path.in_(old))))
    report.files += store.remove(sorted(old - named))


def _purge_audit(session: Session, cutoff: datetime, report: PurgeReport) -> None:
    """Only a prefix of the chain goes, so the rest still verifies from its first row."""
    first_kept = session.scalar(select(func.min(AuditRecord.id)).where(AuditRecord.ts >= cutoff))
    with allow_purge(session):  # the database refuses any other delete (gateway/audit/guard.py)
        if first_kept is None:
            r = session.execute(delete(AuditRecord).where(AuditRecord.ts < cutoff))
        else:
            r = session.execute(delete(AuditRecord).where(AuditRecord.id < first_kept))
        report.audit_rows += r.rowcount or 0  # type: ignore[attr-defined]
        session.commit()


def purge_data(
    sessions: sessionmaker[Session],
    store: EvidenceStore,
    policy: RetentionSettings,
    now: datetime,
    reports: EvidenceStore | None = None,
) -> PurgeReport:
    """Apply every class's retention as of ``now`` (frozen in tests); return what went.

    ``reports`` is the store of resident reports' files; without it their rows are left alone.
    """
    report = PurgeReport()
    days = timedelta(days=1)
    with sessions() as session:
        _purge_frames(session, store, now - policy.frames_days * days, report)
        _purge_unmatched(session, now - policy.reads_without_hit_days * days, report)
        _purge_hits(session, store, now - policy.hits_days * days, report)
        if reports is not None:
            _purge_reports(session, reports, now - policy.reports_days * days, report)
            _purge_report_orphans(session, reports, now - policy.reports_days * days, report)
        _purge_audit(session, now - max(policy.audit_days, MIN_AUDIT_DAYS) * days, report)
    store.prune_empty_dirs()
    if reports is not None:
        reports.prune_empty_dirs()
    logger.info("retention purge at %s: %s", now.isoformat(), report.summary())
    return report
