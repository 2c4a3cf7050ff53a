"""Turning entries into their public models, and paging them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.db.models import PersonEntry, PlateEntry, Watchlist
from gateway.watchlists.patterns import normalize_pattern
from gateway.watchlists.schemas import EntriesPublic, PersonEntryPublic, PhotoPublic, PlateEntryPublic


def plate_public(e: PlateEntry) -> PlateEntryPublic:
    return PlateEntryPublic(
        id=e.id,
        watchlist_id=e.watchlist_id,
        pattern=e.pattern,
        is_wildcard=e.is_wildcard,
        reason=e.reason,
        valid_until=e.valid_until,
        notes=e.notes,
        created_at=e.created_at,
    )


def person_public(e: PersonEntry) -> PersonEntryPublic:
    return PersonEntryPublic(
        id=e.id,
        watchlist_id=e.watchlist_id,
        label=e.label,
        reason=e.reason,
        valid_until=e.valid_until,
        notes=e.notes,
        created_at=e.created_at,
        photos=[
            PhotoPublic(
                id=p.id,
                entry_id=p.entry_id,
                width=p.width,
                height=p.height,
                quality=p.quality,
                face_size_px=p.face_size_px,
                created_at=p.created_at,
            )
            for p in e.photos
        ],
    )


def _plate_filter(q: str) -> str:
    try:
        return normalize_pattern(q)[0].replace("?", "_").replace("*", "%")
    except ValueError:
        return q.upper()


def entries_page(session: Session, wl: Watchlist, q: str | None, offset: int, limit: int) -> EntriesPublic:
    if wl.kind == "plates":
        cond = PlateEntry.watchlist_id == wl.id
        if q:
            cond = cond & PlateEntry.pattern.like(f"%{_plate_filter(q)}%")
        total = session.scalar(select(func.count()).select_from(PlateEntry).where(cond)) or 0
        rows = session.scalars(
            select(PlateEntry).where(cond).order_by(PlateEntry.id).offset(offset).limit(limit)
        )
        return EntriesPublic(
            plates=[plate_public(e) for e in rows], count=total, watchlist_version=wl.version
        )
    pcond = PersonEntry.watchlist_id == wl.id
    if q:
        pcond = pcond & func.lower(PersonEntry.label).contains(q.lower())
    total = session.scalar(select(func.count()).select_from(PersonEntry).where(pcond)) or 0
    prow = session.scalars(
        select(PersonEntry).where(pcond).order_by(PersonEntry.id).offset(offset).limit(limit)
    )
    return EntriesPublic(persons=[person_public(e) for e in prow], count=total, watchlist_version=wl.version)


def sniff_image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"
