"""Watchlist CRUD and single entries. Every change bumps the list's version (flushed, not committed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.config import GatewaySettings
from gateway.db.models import Camera, Organisation, PersonEntry, PersonPhoto, PlateEntry, Watchlist
from gateway.db.types import utcnow
from gateway.errors import Conflict, InvalidInput, NotFound
from gateway.matching.patterns import PatternError, normalize_pattern
from gateway.watchlists.access import get_editable, visible_query
from gateway.watchlists.schemas import (
    PersonEntryCreate,
    PlateEntryCreate,
    WatchlistCreate,
    WatchlistPublic,
    WatchlistUpdate,
)

EntryT = TypeVar("EntryT", PlateEntry, PersonEntry)
RowT = TypeVar("RowT", Organisation, Camera)


def bump(wl: Watchlist) -> None:
    wl.version += 1
    wl.updated_at = utcnow()


def _existing(session: Session, model: type[RowT], ids: list[str], kind: str, kind_uk: str) -> list[RowT]:
    """The rows with these ids, each once, in order; 404 for the first one missing."""
    found = []
    for ident in dict.fromkeys(ids):
        row = session.get(model, ident)
        if row is None:
            raise NotFound(kind, ident, kind_uk)
        found.append(row)
    return found


def _orgs(session: Session, ids: list[str]) -> list[Organisation]:
    return _existing(session, Organisation, ids, "organisation", "Організацію")


def _cameras(session: Session, ids: list[str]) -> list[Camera]:
    return _existing(session, Camera, ids, "camera", "Камеру")


def entry_count(session: Session, wl: Watchlist) -> int:
    model = PlateEntry if wl.kind == "plates" else PersonEntry
    return session.scalar(select(func.count()).select_from(model).where(model.watchlist_id == wl.id)) or 0


def to_public(session: Session, wl: Watchlist) -> WatchlistPublic:
    return WatchlistPublic(
        id=wl.id,
        kind=wl.kind,  # type: ignore[arg-type]
        owner_org=wl.owner_org,
        name=wl.name,
        description=wl.description,
        version=wl.version,
        face_threshold=wl.face_threshold,
        shared_with=sorted(o.id for o in wl.shared_with),
        camera_ids=sorted(c.id for c in wl.cameras),
        enabled=wl.enabled,
        entry_count=entry_count(session, wl),
        created_at=wl.created_at,
        updated_at=wl.updated_at,
    )


def list_visible(session: Session, principal: Principal) -> list[Watchlist]:
    return list(session.scalars(visible_query(principal).order_by(Watchlist.id)))


def create_watchlist(session: Session, principal: Principal, data: WatchlistCreate) -> Watchlist:
    if principal.organisation_id is None:
        raise InvalidInput("organisation", "this key has no organisation", "цей ключ не має організації")
    if data.kind == "plates" and data.face_threshold is not None:
        raise InvalidInput("face_threshold", "only persons lists have one", "є лише у списків осіб")
    wl = Watchlist(
        kind=data.kind,
        owner_org=principal.organisation_id,
        name=data.name,
        description=data.description,
        face_threshold=data.face_threshold,
        enabled=data.enabled,
        created_by=principal.key_id,
        version=1,
    )
    wl.shared_with = [o for o in _orgs(session, data.shared_with) if o.id != principal.organisation_id]
    wl.cameras = _cameras(session, data.camera_ids)
    session.add(wl)
    session.flush()
    return wl


def update_watchlist(session: Session, principal: Principal, wid: int, data: WatchlistUpdate) -> Watchlist:
    wl = get_editable(session, principal, wid)
    fields = data.model_dump(exclude_unset=True)
    if "face_threshold" in fields and wl.kind == "plates" and fields["face_threshold"] is not None:
        raise InvalidInput("face_threshold", "only persons lists have one", "є лише у списків осіб")
    for name in ("name", "description", "face_threshold", "enabled"):
        if name in fields and (fields[name] is not None or name == "face_threshold"):
            setattr(wl, name, fields[name])
    if data.shared_with is not None:
        wl.shared_with = [o for o in _orgs(session, data.shared_with) if o.id != wl.owner_org]
    if data.camera_ids is not None:
        wl.cameras = _cameras(session, data.camera_ids)
    bump(wl)
    session.flush()
    return wl


def _still_ahead(valid_until: datetime | None) -> datetime | None:
    """``valid_until`` (in UTC already: ``UtcDateTime``); 422 if it has passed already (the bulk
    uploads' 'expired')."""
    if valid_until is None:
        return None
    if valid_until <= utcnow():
        when = f"{valid_until:%Y-%m-%d %H:%M} UTC"
        raise InvalidInput("valid_until", f"{when} is in the past", f"{when} вже минула")
    return valid_until


def _entry_fields(
    wl: Watchlist, data: PlateEntryCreate | PersonEntryCreate, created_by: int | None
) -> dict[str, Any]:
    """What plate and person entries share."""
    return {
        "watchlist_id": wl.id,
        "reason": data.reason,
        "valid_until": _still_ahead(data.valid_until),
        "notes": data.notes,
        "created_by": created_by,
    }


def _added(session: Session, wl: Watchlist, entry: EntryT, bump_version: bool) -> EntryT:
    session.add(entry)
    if bump_version:
        bump(wl)
    session.flush()
    return entry


def add_plate_entry(
    session: Session,
    wl: Watchlist,
    data: PlateEntryCreate,
    created_by: int | None,
    *,
    bump_version: bool = True,
) -> PlateEntry:
    if wl.kind != "plates":
        raise InvalidInput("watchlist", "this is a persons list", "це список осіб")
    try:
        pattern, wildcard = normalize_pattern(data.plate)
    except PatternError as exc:
        raise InvalidInput("plate", exc.detail, exc.detail_uk) from exc
    fields = _entry_fields(wl, data, created_by)
    _not_in_list(session, wl, pattern)
    entry = PlateEntry(pattern=pattern, is_wildcard=wildcard, **fields)
    return _added(session, wl, entry, bump_version)


def _not_in_list(session: Session, wl: Watchlist, pattern: str) -> None:
    """409 if ``pattern`` is in ``wl`` already (the bulk upload's 'exists')."""
    query = select(PlateEntry.id).where(PlateEntry.watchlist_id == wl.id, PlateEntry.pattern == pattern)
    found = session.scalar(query.limit(1))
    if found is not None:
        raise Conflict(
            f"{pattern} is already in this list (entry {found}).",
            f"{pattern} вже є в цьому списку (запис {found}).",
        )


def add_person_entry(
    session: Session,
    wl: Watchlist,
    data: PersonEntryCreate,
    created_by: int | None,
    *,
    bump_version: bool = True,
) -> PersonEntry:
    if wl.kind != "persons":
        raise InvalidInput("watchlist", "this is a plates list", "це список номерів")
    entry = PersonEntry(label=data.label, **_entry_fields(wl, data, created_by))
    return _added(session, wl, entry, bump_version)


def get_plate_entry(session: Session, wl: Watchlist, entry_id: int) -> PlateEntry:
    entry = session.get(PlateEntry, entry_id)
    if entry is None or entry.watchlist_id != wl.id:
        raise NotFound("plate entry", entry_id, "Запис номера")
    return entry


def get_person_entry(session: Session, wl: Watchlist, entry_id: int) -> PersonEntry:
    entry = session.get(PersonEntry, entry_id)
    if entry is None or entry.watchlist_id != wl.id:
        raise NotFound("person entry", entry_id, "Запис особи")
    return entry


def delete_entries(session: Session, wl: Watchlist) -> None:
    model = PlateEntry if wl.kind == "plates" else PersonEntry
    session.execute(delete(model).where(model.watchlist_id == wl.id))


def collect_children(session: Session, wl: Watchlist) -> tuple[list[int], list[str]]:
    """Plate entry ids (for the matcher) and photo paths (for the files) of a list about to go."""
    plate_ids = list(session.scalars(select(PlateEntry.id).where(PlateEntry.watchlist_id == wl.id)))
    paths = list(session.scalars(select(PersonPhoto.path).where(PersonPhoto.watchlist_id == wl.id)))
    return plate_ids, paths


def remove_photo_files(settings: GatewaySettings, paths: list[str]) -> None:
    root = settings.photo_root.resolve()
    for rel in paths:
        path = (root / rel).resolve()
        if path.is_relative_to(root):
            path.unlink(missing_ok=True)


def get_photo(session: Session, entry: PersonEntry, photo_id: int) -> PersonPhoto:
    photo = session.get(PersonPhoto, photo_id)
    if photo is None or photo.entry_id != entry.id:
        raise NotFound("photo", photo_id, "Фото")
    return photo
