"""What the person routes do: entries and their photos, face templates kept in step, every step audited."""

from __future__ import annotations

import anyio
from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext
from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.errors import InvalidInput, TooLarge, Unavailable, UploadRejected
from gateway.watchlists import service
from gateway.watchlists.access import get_editable, get_visible
from gateway.watchlists.persons_bulk import add_single_photo, import_persons_zip
from gateway.watchlists.recording import record, refusals_recorded, remove_and_commit
from gateway.watchlists.schemas import BulkResult, PersonEntryCreate, PersonEntryPublic, UploadMode
from gateway.watchlists.views import person_public

#: why a photo or a ZIP is refused, each audited as a rejected upload: a bad file, one too large, the
#: wrong list (a plates list), the face recognizer or index down. A list the caller may not change is
#: audited by the route (``list_refusals``), so it is not here.
REFUSED = (UploadRejected, TooLarge, InvalidInput, Unavailable)


def add(
    ctx: AppContext, editor: Principal, session: Session, watchlist_id: int, body: PersonEntryCreate
) -> PersonEntryPublic:
    wl = get_editable(session, editor, watchlist_id)
    entry = service.add_person_entry(session, wl, body, editor.key_id)
    session.commit()
    record(ctx, editor, "watchlist.person.add", f"person_entry:{entry.id}", wl)
    return person_public(entry)


def delete(ctx: AppContext, editor: Principal, session: Session, watchlist_id: int, entry_id: int) -> None:
    wl = get_editable(session, editor, watchlist_id)
    entry = service.get_person_entry(session, wl, entry_id)
    photos = [p.path for p in entry.photos]
    remove_and_commit(session, wl, entry)
    if ctx.face_index is not None:
        ctx.face_index.delete_by_entry(str(entry_id))
    service.remove_photo_files(ctx.settings, photos)
    record(ctx, editor, "watchlist.person.delete", f"person_entry:{entry_id}", wl)


def _entry_view(ctx: AppContext, editor: Principal, watchlist_id: int, entry_id: int) -> PersonEntryPublic:
    with ctx.sessions() as session:
        return person_public(
            service.get_person_entry(session, get_visible(session, editor, watchlist_id), entry_id)
        )


async def enrol_photo(
    ctx: AppContext, editor: Principal, watchlist_id: int, entry_id: int, data: bytes
) -> PersonEntryPublic:
    action = "watchlist.photo.add"
    target = f"person_entry:{entry_id}"
    with refusals_recorded(ctx, editor, action, target, REFUSED, watchlist_id=watchlist_id):
        photo, version = await add_single_photo(ctx, editor, watchlist_id, entry_id, data)
    target = f"photo:{photo.id}"
    record(ctx, editor, action, target, watchlist_id=watchlist_id, watchlist_version=version, result_count=1)
    return await anyio.to_thread.run_sync(_entry_view, ctx, editor, watchlist_id, entry_id)


def read_photo(
    ctx: AppContext,
    editor: Principal,
    purpose: AuditContext,
    session: Session,
    ids: tuple[int, int, int],
) -> bytes:
    """The enrolled photo's bytes (``ids``: list, entry, photo), its reading audited with the purpose."""
    watchlist_id, entry_id, photo_id = ids
    wl = get_visible(session, editor, watchlist_id)
    photo = service.get_photo(session, service.get_person_entry(session, wl, entry_id), photo_id)
    data = (ctx.settings.photo_root / photo.path).read_bytes()
    record(ctx, editor, "watchlist.photo.read", f"photo:{photo_id}", wl, ctx=purpose, result_count=1)
    return data


def delete_photo(ctx: AppContext, editor: Principal, session: Session, ids: tuple[int, int, int]) -> None:
    """One photo and its face template (``ids``: list, entry, photo)."""
    watchlist_id, entry_id, photo_id = ids
    wl = get_editable(session, editor, watchlist_id)
    photo = service.get_photo(session, service.get_person_entry(session, wl, entry_id), photo_id)
    point_id, path = photo.point_id, photo.path
    remove_and_commit(session, wl, photo)
    if ctx.face_index is not None:
        ctx.face_index.delete([point_id])
    service.remove_photo_files(ctx.settings, [path])
    record(ctx, editor, "watchlist.photo.delete", f"photo:{photo_id}", wl)


async def upload(
    ctx: AppContext, editor: Principal, watchlist_id: int, data: bytes, mode: UploadMode
) -> BulkResult:
    """A ZIP of photos plus manifest.csv: all enrolled in one transaction, or none."""
    action, target = "watchlist.persons.upload", f"watchlist:{watchlist_id}"
    with refusals_recorded(ctx, editor, action, target, REFUSED, watchlist_id=watchlist_id):
        count, rejected, version = await import_persons_zip(ctx, editor, watchlist_id, data, mode)
    record(
        ctx,
        editor,
        action,
        target,
        watchlist_id=watchlist_id,
        watchlist_version=version,
        result_count=count,
        detail=f"mode={mode} rejected={len(rejected)}",
    )
    return BulkResult(mode=mode, accepted=count, rejected=rejected, watchlist_version=version)
