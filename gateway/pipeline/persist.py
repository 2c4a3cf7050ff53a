"""Store one processed frame in ONE transaction: frame, sightings, plate reads, alerts.

Alerts are deduplicated per (camera, vehicle pass, entry) for plates and per (camera, entry, time
window) for faces; the unique constraints on ``frames`` and ``alerts`` make retries and races safe
even where the checks here would miss them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db.events import Alert, Frame, PlateReadRow, Sighting, new_id
from gateway.db.models import PersonEntry, PersonPhoto
from gateway.pipeline.context import CameraContext, WatchlistInfo
from gateway.pipeline.match import FaceOutcome, PlateMatch, PlateOutcome
from gateway.pipeline.schemas import AlertRef, FaceResult, FrameResult, PlateHitOut, PlateResult, SkipReason

FACE_CONFIRMATIONS = 2  # a face match is a lead: two people must confirm it before anyone acts
PLATE_CONFIRMATIONS = 1


@dataclass
class FramePlan:
    frame_id: str
    camera_id: str
    captured_at: datetime
    received_at: datetime
    idempotency_key: str
    sha256: str
    ctx: CameraContext
    plates: list[PlateOutcome]
    faces: list[FaceOutcome]
    skipped: dict[str, SkipReason]
    static_plates: int = 0  # reads left out as the camera's static text
    letters_only: int = 0  # letters-only reads left out: they matched nothing
    evidence: dict[str, str] = field(default_factory=dict)  # evidence name -> relative path
    new_alerts: list[Alert] = field(default_factory=list)  # filled by persist(), for the audit log


def drop_expired_face_hits(session: Session, faces: list[FaceOutcome], now: datetime) -> None:
    """Expired or deleted person entries, and deleted photos, stop matching by themselves: a template
    left in the index (the index failed after the row went) is no hit, and the face is the next
    template's hit, if any. The photo is found by point."""
    found = [m for f in faces for m in f.candidates]
    if not found:
        return
    ids = {m.entry_id for m in found}
    rows = session.execute(select(PersonEntry.id, PersonEntry.valid_until).where(PersonEntry.id.in_(ids)))
    valid = {i for i, until in rows if until is None or until > now}
    points = {m.point_id for m in found if m.point_id}
    q = select(PersonPhoto.point_id, PersonPhoto.id).where(PersonPhoto.point_id.in_(points))
    photo_of = {point: photo for point, photo in session.execute(q)}
    for f in faces:
        f.hit = next((m for m in f.candidates if m.entry_id in valid and m.point_id in photo_of), None)
        if f.hit is not None:
            f.hit.photo_id = photo_of[f.hit.point_id]


def evidence_names(plan: FramePlan) -> dict[str, int]:
    """Which crops to keep: every plate read, and only faces that matched. ``name -> index``."""
    names = {f"plate-{i}.jpg": i for i in range(len(plan.plates))}
    names.update({f"face-{i}.jpg": i for i, f in enumerate(plan.faces) if f.hit is not None})
    return names


def persist(session: Session, plan: FramePlan, face_window: timedelta) -> FrameResult:
    """Add every row for the frame to ``session`` (the caller commits) and return the answer."""
    result = FrameResult(
        frame_id=plan.frame_id,
        camera_id=plan.camera_id,
        captured_at=plan.captured_at,
        skipped=list(plan.skipped),
        skip_reasons=plan.skipped,
        static_plates_ignored=plan.static_plates,
        letters_only_ignored=plan.letters_only,
    )
    for i, po in enumerate(plan.plates):
        result.plates.append(_store_plate(session, plan, i, po, result.alerts))
    for i, fo in enumerate(plan.faces):
        matched = fo.hit is not None and _store_face(session, plan, i, fo, face_window, result.alerts)
        result.faces.append(FaceResult(bbox=fo.face.bbox, quality=fo.face.quality.score, matched=matched))
    session.add(
        Frame(
            id=plan.frame_id,
            camera_id=plan.camera_id,
            captured_at=plan.captured_at,
            received_at=plan.received_at,
            idempotency_key=plan.idempotency_key,
            sha256=plan.sha256,
            result=result.model_dump(mode="json"),
            evidence=sorted(plan.evidence.values()),
        )
    )
    return result


def _sighting(session: Session, plan: FramePlan, i: int, po: PlateOutcome) -> Sighting:
    up, read = po.update, po.read
    row = session.scalar(
        select(Sighting).where(Sighting.camera_id == plan.camera_id, Sighting.pass_id == up.pass_id)
    )
    crop = plan.evidence.get(f"plate-{i}.jpg")
    frame = plan.evidence.get("frame.jpg")
    if row is None:
        row = Sighting(
            id=new_id(),
            camera_id=plan.camera_id,
            pass_id=up.pass_id,
            first_seen=plan.captured_at,
            n_reads=0,
            confidence=0.0,
            has_hit=False,
        )
        session.add(row)
    if crop is not None and (row.crop_path is None or read.confidence >= row.confidence):
        row.crop_path, row.frame_path = crop, frame
    row.plate_text = up.combined_text or read.text
    row.plate_format = read.format
    row.region_code = read.region.code if read.region else None
    row.region_name = read.region.name_en if read.region else None
    row.confidence = up.combined_confidence
    row.first_seen = min(row.first_seen, plan.captured_at)
    row.last_seen = max(row.last_seen or plan.captured_at, plan.captured_at)
    row.n_reads = max(up.n_reads, (row.n_reads or 0) + 1)
    row.has_hit = bool(row.has_hit) or bool(po.hits)
    session.flush()
    return row


def _store_plate(
    session: Session, plan: FramePlan, i: int, po: PlateOutcome, alerts: list[AlertRef]
) -> PlateResult:
    sighting = _sighting(session, plan, i, po)
    read = po.read
    session.add(
        PlateReadRow(
            id=new_id(),
            frame_id=plan.frame_id,
            sighting_id=sighting.id,
            camera_id=plan.camera_id,
            captured_at=plan.captured_at,
            text=read.text,
            raw_text=read.raw_text[:64],
            plate_format=read.format,
            confidence=read.confidence,
            bbox=read.bbox.model_dump(),
            has_hit=bool(po.hits),
        )
    )
    hits_out = []
    for hit in po.hits:
        hits_out.append(
            PlateHitOut(
                entry_id=hit.entry_id,
                watchlist_id=hit.watchlist_id,
                rule=hit.rule,
                distance=hit.distance,
                matched_text=hit.matched_text,
                pattern=hit.pattern,
            )
        )
        alerts.append(_plate_alert(session, plan, i, po, hit, sighting))
    return PlateResult(
        **read.model_dump(), pass_id=po.update.pass_id, pass_text=sighting.plate_text, hits=hits_out
    )


def _existing(session: Session, camera_id: str, dedup_key: str, entry_id: int) -> Alert | None:
    return session.scalar(
        select(Alert).where(
            Alert.camera_id == camera_id, Alert.dedup_key == dedup_key, Alert.entry_id == entry_id
        )
    )


def _ref(alert: Alert, new: bool) -> AlertRef:
    return AlertRef(
        alert_id=alert.id,
        kind=alert.kind,
        entry_id=alert.entry_id,
        watchlist_id=alert.watchlist_id,
        rule=alert.rule,
        distance=alert.distance,
        similarity=alert.similarity,
        new=new,
    )


def _new_alert(
    session: Session,
    plan: FramePlan,
    *,
    kind: str,
    watchlist: WatchlistInfo | None,
    entry_id: int,
    watchlist_id: int,
    crop_name: str,
    confirmations_required: int,
    **specific: Any,
) -> Alert:
    """Store a new alert of either kind: the fields both kinds share, plus the kind's own."""
    alert = Alert(
        id=new_id(),
        kind=kind,
        camera_id=plan.camera_id,
        frame_id=plan.frame_id,
        entry_id=entry_id,
        watchlist_id=watchlist_id,
        watchlist_version=watchlist.version if watchlist else 0,
        organisation_id=watchlist.owner_org if watchlist else None,
        frame_path=plan.evidence.get("frame.jpg"),
        crop_path=plan.evidence.get(crop_name),
        captured_at=plan.captured_at,
        created_at=plan.received_at,
        status="new",
        confirmations_required=confirmations_required,
        **specific,
    )
    session.add(alert)
    session.flush()
    plan.new_alerts.append(alert)
    return alert


def _plate_alert(
    session: Session, plan: FramePlan, i: int, po: PlateOutcome, h: PlateMatch, sighting: Sighting
) -> AlertRef:
    key = f"plate:{po.update.pass_id}"
    found = _existing(session, plan.camera_id, key, h.entry_id)
    if found is not None:
        return _ref(found, new=False)
    alert = _new_alert(
        session,
        plan,
        kind="plate",
        watchlist=plan.ctx.plate_lists.get(h.watchlist_id),
        entry_id=h.entry_id,
        watchlist_id=h.watchlist_id,
        crop_name=f"plate-{i}.jpg",
        confirmations_required=PLATE_CONFIRMATIONS,
        sighting_id=sighting.id,
        dedup_key=key,
        rule=h.rule,
        distance=float(h.distance),
        read_text=po.read.text,
        matched_text=h.pattern,
    )
    return _ref(alert, new=True)


def _store_face(
    session: Session, plan: FramePlan, i: int, fo: FaceOutcome, window: timedelta, alerts: list[AlertRef]
) -> bool:
    hit = fo.hit
    assert hit is not None
    recent = session.scalar(
        select(Alert)
        .where(
            Alert.kind == "face",
            Alert.camera_id == plan.camera_id,
            Alert.entry_id == hit.entry_id,
            Alert.captured_at >= plan.captured_at - window,
            Alert.captured_at <= plan.captured_at + window,
        )
        .order_by(Alert.captured_at.desc())
        .limit(1)
    )
    if recent is not None:  # the same person still in front of the same camera: one alert
        if all(a.alert_id != recent.id for a in alerts):
            alerts.append(_ref(recent, new=False))
        return True
    alert = _new_alert(
        session,
        plan,
        kind="face",
        watchlist=plan.ctx.person_lists.get(hit.watchlist_id),
        entry_id=hit.entry_id,
        watchlist_id=hit.watchlist_id,
        crop_name=f"face-{i}.jpg",
        confirmations_required=FACE_CONFIRMATIONS,
        sighting_id=None,
        dedup_key=f"face:{plan.frame_id}",
        rule="face",
        similarity=float(hit.score),
        enrolled_photo_id=hit.photo_id,
    )
    alerts.append(_ref(alert, new=True))
    return True
