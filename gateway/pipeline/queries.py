"""Read side: past sightings by plate/camera/time, and alerts visible to an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, union
from sqlalchemy.orm import InstrumentedAttribute, Session

from gateway.auth.keys import Principal
from gateway.db.events import Alert, PlateReadRow, Sighting
from gateway.db.models import Watchlist, watchlist_shares
from gateway.errors import InvalidInput, NotFound
from gateway.matching.patterns import PatternError, normalize_pattern
from shared.plate_grammar import same_plate_star_patterns, same_plate_texts

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


def _plate_clauses(plate: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The pass's plate matches, and the pass's plate or one of its reads matches. A read joins a pass
    when it may be a misreading of it, so the pass can read as another plate than one of its frames did
    (an unsure read of the next car one character off): a search finds the pass by that frame's read
    too. The ids come from a union of two indexed lookups: an ``OR`` of the two would make PostgreSQL
    scan every sighting (100k passes: 24 ms an exact search against 2 ms). A 1995 plate is found with
    or without its two-digit region number, and a transit plate with or without its small prefix, as a
    camera may have missed it or a person left it out."""
    try:
        pattern, wildcard = normalize_pattern(plate)
    except PatternError as exc:
        raise InvalidInput("plate", exc.detail, exc.detail_uk) from None
    # a 1995 plate is found with or without its region number, a transit plate with or without its prefix
    patterns = (pattern, *same_plate_texts(pattern, wildcards=wildcard))
    # ... and for a * pattern, whose other form the stored text's format and length tell
    others = same_plate_star_patterns(pattern)

    def matches(column: InstrumentedAttribute[str], fmt: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        if not wildcard:
            return column.in_(patterns)
        return or_(
            *(column.like(_like(p)) for p in patterns),
            *(and_(column.like(_like(p)), fmt == f.value, func.length(column) == n) for p, f, n in others),
        )

    by_pass = matches(Sighting.plate_text, Sighting.plate_format)
    either = Sighting.id.in_(
        union(
            select(Sighting.id).where(by_pass),
            select(PlateReadRow.sighting_id).where(matches(PlateReadRow.text, PlateReadRow.plate_format)),
        )
    )
    return by_pass, either


def _like(pattern: str) -> str:
    """A plate pattern as SQL LIKE: normalised plates hold only A-Z and 0-9, so nothing needs escaping."""
    return pattern.replace("?", "_").replace("*", "%")


def _letters_only() -> ColumnElement[bool]:
    """A sighting of letters only and no Ukrainian format (``pipeline.match.letters_only``)."""
    digit = or_(*(Sighting.plate_text.contains(str(d)) for d in range(10)))
    return and_(Sighting.plate_format == "unknown", ~digit)


class SightingRow(NamedTuple):
    sighting: Sighting
    has_hit: bool  # it hit a list the caller sees (an alert visible to the caller)
    found_by_read: bool  # the pass reads as another plate; one of its frames read the plate searched for


def search_sightings(
    session: Session, principal: Principal, q: SightingQuery, letters_only_kept: bool = False
) -> list[SightingRow]:
    """Sightings, each with whether it hit a list the caller sees and whether only one of its reads
    (not the pass's plate) matched the plate searched for (``sightings_statement``)."""
    rows = session.execute(sightings_statement(principal, q, letters_only_kept)).all()
    return [SightingRow(row, bool(hit), bool(other)) for row, hit, other in rows]


def sightings_statement(
    principal: Principal, q: SightingQuery, letters_only_kept: bool = False
) -> Select[Sighting, bool, bool]:
    """The query of ``search_sightings``: each sighting, whether it hit a list the caller sees, and
    whether it was found by one of its reads only.

    The stored ``Sighting.has_hit`` says whether it hit any list at all: kept for retention, never
    shown, because it would tell the council about police lists and the police about council lists.
    For the same reason, unless every letters-only read is kept (``letters_only_kept``), a letters-only
    sighting that hit a list the caller does not see is left out: it was stored only for that hit."""
    visible_hit = (
        select(Alert.id).where(Alert.sighting_id == Sighting.id, alert_visible_to(principal)).exists()
    )
    hit = and_(Sighting.has_hit.is_(True), visible_hit)
    if q.plate:
        by_pass, either = _plate_clauses(q.plate)
        stmt = select(Sighting, hit, ~by_pass).where(either)
    else:
        stmt = select(Sighting, hit, false())
    if not letters_only_kept:
        stmt = stmt.where(or_(~_letters_only(), Sighting.has_hit.is_(False), visible_hit))
    if q.camera_id:
        stmt = stmt.where(Sighting.camera_id == q.camera_id)
    if q.since:
        stmt = stmt.where(Sighting.last_seen >= q.since)
    if q.until:
        stmt = stmt.where(Sighting.first_seen <= q.until)
    stmt = stmt.order_by(Sighting.first_seen.desc(), Sighting.id).limit(min(q.limit, MAX_LIMIT))
    return stmt.offset(q.offset)


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
