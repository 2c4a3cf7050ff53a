"""Keeping the in-memory plate matcher and the face index in step with the database."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from gateway.context import AppContext
from gateway.db.models import PersonPhoto, PlateEntry

log = logging.getLogger(__name__)
RECONCILE_CHUNK = 500  # ids per index delete, rows per database read when templates are put back


def plate_ref(entry: PlateEntry) -> object:
    from gateway.matching import PlateEntryRef

    return PlateEntryRef(str(entry.id), str(entry.watchlist_id), entry.pattern, entry.valid_until)


def rebuild_plate_matcher(ctx: AppContext) -> None:
    """One matcher per app, built from every plate entry in the database (expiry is checked at match)."""
    from gateway.matching import PlateMatcher

    m = ctx.settings.match
    matcher = PlateMatcher(fuzzy_threshold=m.plate_fuzzy_threshold if m.plate_fuzzy_enabled else 0.0)
    with ctx.sessions() as session:
        refs = [plate_ref(e) for e in session.scalars(select(PlateEntry))]
    matcher.rebuild(refs)  # type: ignore[arg-type]
    ctx.plate_matcher = matcher
    log.info("plate matcher built with %d entries", len(refs))


def matcher_add(ctx: AppContext, entries: Iterable[PlateEntry]) -> None:
    if ctx.plate_matcher is not None:
        ctx.plate_matcher.add_many([plate_ref(e) for e in entries])


def matcher_remove(ctx: AppContext, entry_ids: Iterable[int]) -> None:
    if ctx.plate_matcher is not None:
        for entry_id in entry_ids:
            ctx.plate_matcher.remove(str(entry_id))


def face_points(photos: Iterable[PersonPhoto]) -> list[object]:
    """FaceIndex points for enrolled photos (vectors kept in the DB so the index can be rebuilt)."""
    import numpy as np

    from gateway.faceindex.base import FacePoint

    return [
        FacePoint(
            point_id=p.point_id,
            vector=np.asarray(p.embedding, dtype=np.float32),
            watchlist_id=str(p.watchlist_id),
            entry_id=str(p.entry_id),
            photo_id=str(p.id),
        )
        for p in photos
        if p.embedding is not None
    ]


@dataclass(frozen=True)
class Reconciled:
    """What ``reconcile_face_index`` changed: template ids taken out of and put into the index."""

    removed: list[str]
    added: list[str]
    unrestorable: list[str]  # enrolled photos missing from the index whose row keeps no template


def reconcile_face_index(ctx: AppContext, index: Any) -> Reconciled:
    """Make the index hold exactly the enrolled templates: points whose photo row is gone are deleted,
    rows whose point is missing are put back from the template kept in the row.

    Run at start-up, before the gateway serves: a delete whose index call failed after the database
    commit, or an older database restored beside a newer index, leaves points that match nothing yet
    take top-k places in every search; a lost or switched index misses points. Ids are compared, never
    vectors, so an index in step costs one listing of its ids and one read of the rows' ids.

    The index is listed before the rows are read: an enrolment puts its point in before it commits its
    row, so a point written after the listing is never taken for stale. That still assumes no other
    process enrols meanwhile (one gateway per index: the embedded index is locked to one process, and
    the gateway runs as one replica beside a Qdrant server)."""
    held = set(index.point_ids())
    with ctx.sessions() as session:
        enrolled = {_canonical(raw): raw for raw in session.scalars(select(PersonPhoto.point_id))}
    stale = sorted(held - enrolled.keys())
    missing = sorted(enrolled.keys() - held)
    for i in range(0, len(stale), RECONCILE_CHUNK):
        index.delete(stale[i : i + RECONCILE_CHUNK])
    added: list[str] = []
    for i in range(0, len(missing), RECONCILE_CHUNK):
        chunk = [enrolled[m] for m in missing[i : i + RECONCILE_CHUNK]]
        with ctx.sessions() as session:
            points = face_points(session.scalars(select(PersonPhoto).where(PersonPhoto.point_id.in_(chunk))))
        index.upsert(points)
        added += [_canonical(p.point_id) for p in points]  # type: ignore[attr-defined]
    if stale or added:
        index.flush()
    done = Reconciled(stale, sorted(added), sorted(set(missing) - set(added)))
    _log_reconciled(done, len(enrolled))
    return done


def _canonical(point_id: str) -> str:
    """The index's form of a row's point id: rows hold ``str(uuid4())``, already in it (a fast path
    worth a fifth of a second at 100,000 photos); any other spelling of a UUID is parsed."""
    if len(point_id) == 36 and point_id.islower():
        return point_id
    try:
        return str(uuid.UUID(point_id))
    except ValueError:
        return point_id  # never in the index; put back, it is refused with the index's own error


def _sample(ids: list[str], n: int = 10) -> str:
    more = f" and {len(ids) - n} more" if len(ids) > n else ""
    return ", ".join(ids[:n]) + more


def _log_reconciled(done: Reconciled, enrolled: int) -> None:
    if done.removed:
        log.warning(
            "face index: removed %d template(s) whose photo is no longer enrolled: %s",
            len(done.removed),
            _sample(done.removed),
        )
    if done.added:
        log.warning(
            "face index: put back %d enrolled template(s) it was missing: %s",
            len(done.added),
            _sample(done.added),
        )
    if done.unrestorable:
        log.error(
            "face index: %d enrolled photo(s) have no template in the index nor in the database "
            "(enrol them again): %s",
            len(done.unrestorable),
            _sample(done.unrestorable),
        )
    log.info(
        "face index in step with the database: %d enrolled template(s)", enrolled - len(done.unrestorable)
    )
