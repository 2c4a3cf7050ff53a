"""Keeping the in-memory plate matcher and the face index in step with the database."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select

from gateway.context import AppContext
from gateway.db.models import PersonPhoto, PlateEntry

log = logging.getLogger(__name__)


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


def rebuild_face_index(ctx: AppContext) -> int:
    """Re-insert every enrolled template (after losing the index directory, or switching backends)."""
    if ctx.face_index is None:
        return 0
    with ctx.sessions() as session:
        points = face_points(session.scalars(select(PersonPhoto)))
    if points:
        ctx.face_index.upsert(points)
        ctx.face_index.flush()
    return len(points)
