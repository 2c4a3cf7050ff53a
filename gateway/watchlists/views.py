"""Turning entries into their public models, and paging them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db.models import PersonEntry, PlateEntry, Watchlist
from gateway.matching.patterns import normalize_pattern
from gateway.watchlists.schemas import EntriesPublic, PersonEntryPublic, PlateEntryPublic
from recognizers.common.image_header import image_format


def plate_public(e: PlateEntry) -> PlateEntryPublic:
    return PlateEntryPublic.model_validate(e, from_attributes=True)


def person_public(e: PersonEntry) -> PersonEntryPublic:
    return PersonEntryPublic.model_validate(e, from_attributes=True)


def _plate_filter(q: str) -> str:
    try:
        return normalize_pattern(q)[0].replace("?", "_").replace("*", "%")
    except ValueError:
        return q.upper()


def _page(session: Session, model: Any, cond: Any, offset: int, limit: int) -> tuple[int, list[Any]]:
    total = session.scalar(select(func.count()).select_from(model).where(cond)) or 0
    rows = session.scalars(select(model).where(cond).order_by(model.id).offset(offset).limit(limit))
    return total, list(rows)


def entries_page(session: Session, wl: Watchlist, q: str | None, offset: int, limit: int) -> EntriesPublic:
    if wl.kind == "plates":
        cond = PlateEntry.watchlist_id == wl.id
        if q:
            cond = cond & PlateEntry.pattern.like(f"%{_plate_filter(q)}%")
        total, plates = _page(session, PlateEntry, cond, offset, limit)
        return EntriesPublic(
            plates=[plate_public(e) for e in plates], count=total, watchlist_version=wl.version
        )
    pcond = PersonEntry.watchlist_id == wl.id
    if q:
        pcond = pcond & func.lower(PersonEntry.label).contains(q.lower())
    total, persons = _page(session, PersonEntry, pcond, offset, limit)
    return EntriesPublic(
        persons=[person_public(e) for e in persons], count=total, watchlist_version=wl.version
    )


def sniff_image_type(data: bytes) -> str:
    """Content type of a stored (already validated) photo; JPEG unless its bytes say PNG or WebP."""
    return {"PNG": "image/png", "WebP": "image/webp"}.get(image_format(data) or "", "image/jpeg")
