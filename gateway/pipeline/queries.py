"""Read side: past sightings by plate/camera/time, and alerts visible to an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.db.events import Alert, Sighting
from gateway.db.models import Watchlist, watchlist_shares
from gateway.errors import InvalidInput, NotFound
from gateway.watchlists.patterns import PatternError, normalize_pattern

MAX_LIMIT = 500


@dataclass(frozen=True)
class SightingQuery:
    plate: str | None = None
    camera_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0

    def describe(self) -> str:
        parts = [f"{k}={v}" for k, v in vars(self).items() if v is not None and k not in ("limit", "offset")]
        return " ".join(parts) or "all"


def _plate_clause(plate: str) -> ColumnElement[bool]:
    try:
        pattern, wildcard = normalize_pattern(plate)
    except PatternError as exc:
        raise InvalidInput("plate", exc.detail, exc.detail_uk) from None
    if not wildcard:
        return Sighting.plate_text == pattern
    # normalised plates hold only A-Z and 0-9, so no LIKE escaping is needed
    return Sighting.plate_text.like(pattern.replace("?", "_").replace("*", "%"))


def _letters_only() -> ColumnElement[bool]:
    """A sighting of letters only and no Ukrainian format (``pipeline.match.letters_only``)."""
    digit = or_(*(Sighting.plate_text.contains(str(d)) for d in range(10)))
    return and_(Sighting.plate_format == "unknown", ~digit)


def search_sightings(
    session: Session, principal: Principal, q: SightingQuery, letters_only_kept: bool = False
) -> list[tuple[Sighting, bool]]:
    """Sightings, each with whether it hit a list the caller sees (an alert visible to the caller).

    The stored ``Sighting.has_hit`` says whether it hit any list at all: kept for retention, never
    shown, because it would tell the council about police lists and the police about council lists.
    For the same reason, unless every letters-only read is kept (``letters_only_kept``), a letters-only
    sighting that hit a list the caller does not see is left out: it was stored only for that hit."""
    visible_hit = (
        select(Alert.id).where(Alert.sighting_id == Sighting.id, alert_visible_to(principal)).exists()
    )
    stmt = select(Sighting, and_(Sighting.has_hit.is_(True), visible_hit))
    if not letters_only_kept:
        stmt = stmt.where(or_(~_letters_only(), Sighting.has_hit.is_(False), visible_hit))
    if q.plate:
        stmt = stmt.where(_plate_clause(q.plate))
    if q.camera_id:
        stmt = stmt.where(Sighting.camera_id == q.camera_id)
    if q.since:
        stmt = stmt.where(Sighting.last_seen >= q.since)
    if q.until:
        stmt = stmt.where(Sighting.first_seen <= q.until)
    stmt = stmt.order_by(Sighting.first_seen.desc(), Sighting.id).limit(min(q.limit, MAX_LIMIT))
    return [(row, bool(hit)) for row, hit in session.execute(stmt.offset(q.offset)).all()]


def alert_visible_to(principal: Principal) -> ColumnElement[bool]:
    """An alert is the organisation's whose list it hit, recorded on the alert at match time; others see it
    only while that same list is shared with them.

    Visibility never rests on the list id alone: a list with the alert's id is the alert's list only if
    it has the alert's owner and existed before the alert (an id once reused, or a row restored under an
    old id, cannot hand the alert to someone else)."""
    org = principal.organisation_id
    if org is None:
        return false()
    shared = (
        select(watchlist_shares.c.watchlist_id)
        .join(Watchlist, Watchlist.id == watchlist_shares.c.watchlist_id)
        .where(
            watchlist_shares.c.organisation_id == org,
            Watchlist.id == Alert.watchlist_id,
            Watchlist.owner_org == Alert.organisation_id,
            Watchlist.created_at <= Alert.created_at,
        )
        .exists()
    )
    return or_(Alert.organisation_id == org, shared)


def visible_alerts(principal: Principal) -> Select[Alert]:
    """Alerts of lists the caller's organisation owns (or owned) or that are shared with it; nothing else."""
    return select(Alert).where(alert_visible_to(principal))


@dataclass(frozen=True)
class AlertQuery:
    status: str | None = None
    kind: str | None = None
    camera_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


def list_alerts(session: Session, principal: Principal, q: AlertQuery) -> list[Alert]:
    stmt = visible_alerts(principal)
    if q.status:
        stmt = stmt.where(Alert.status == q.status)
    if q.kind:
        stmt = stmt.where(Alert.kind == q.kind)
    if q.camera_id:
        stmt = stmt.where(Alert.camera_id == q.camera_id)
    if q.since:
        stmt = stmt.where(Alert.captured_at >= q.since)
    if q.until:
        stmt = stmt.where(Alert.captured_at <= q.until)
    stmt = stmt.order_by(Alert.created_at.desc(), Alert.id).limit(min(q.limit, MAX_LIMIT)).offset(q.offset)
    return list(session.scalars(stmt).all())


def get_alert(session: Session, principal: Principal, alert_id: str) -> Alert:
    """The alert, or 404 when it does not exist or is not visible (existence is not disclosed)."""
    alert = session.scalar(visible_alerts(principal).where(Alert.id == alert_id))
    if alert is None:
        raise NotFound("alert", alert_id, "Сповіщення")
    return alert
