"""/v1/watchlists: lists, plate entries (single and CSV), person entries (photos single and ZIP)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Response, UploadFile

from gateway.deps import CtxDep, ListEditorDep, PurposeDep, SessionDep
from gateway.errors import ERROR_RESPONSES, TooLarge, UploadErrorBody, UploadRejected
from gateway.watchlists import service
from gateway.watchlists.access import get_editable, get_visible
from gateway.watchlists.live import matcher_add, matcher_remove
from gateway.watchlists.persons_bulk import add_single_photo, import_persons_zip
from gateway.watchlists.plates_bulk import import_plates_csv
from gateway.watchlists.schemas import (
    BulkResult,
    EntriesPublic,
    PersonEntryCreate,
    PersonEntryPublic,
    PlateEntryCreate,
    PlateEntryPublic,
    UploadMode,
    WatchlistCreate,
    WatchlistPublic,
    WatchlistsPublic,
    WatchlistUpdate,
)
from gateway.watchlists.views import entries_page, person_public, plate_public

router = APIRouter(prefix="/v1/watchlists", tags=["watchlists"])
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    413: {"model": UploadErrorBody, "description": "upload larger than the limit"},
    422: {
        "model": UploadErrorBody,
        "description": "rows rejected (row number, field, reason) or unreadable file",
    },
}
ModeQuery = Annotated[UploadMode, Query(description="all_or_nothing: any bad row rejects the upload")]


async def read_capped(file: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The upload is larger than {limit} bytes.", f"Файл більший за {limit} байтів.")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "", response_model=WatchlistPublic, status_code=201, responses=ERROR_RESPONSES, summary="Create a list"
)
def create(body: WatchlistCreate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistPublic:
    wl = service.create_watchlist(session, editor, body)
    session.commit()
    ctx.audit.record(
        editor, "watchlist.create", f"watchlist:{wl.id}", watchlist_id=wl.id, watchlist_version=1
    )
    return service.to_public(session, wl)


@router.get(
    "", response_model=WatchlistsPublic, responses=ERROR_RESPONSES, summary="Lists my organisation sees"
)
def list_all(editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistsPublic:
    lists = service.list_visible(session, editor)
    ctx.audit.record(editor, "watchlist.list", "watchlists", result_count=len(lists))
    return WatchlistsPublic(data=[service.to_public(session, w) for w in lists], count=len(lists))


@router.get("/{watchlist_id}", response_model=WatchlistPublic, responses=ERROR_RESPONSES, summary="One list")
def get(watchlist_id: int, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistPublic:
    wl = get_visible(session, editor, watchlist_id)
    ctx.audit.record(
        editor, "watchlist.read", f"watchlist:{wl.id}", watchlist_id=wl.id, watchlist_version=wl.version
    )
    return service.to_public(session, wl)


@router.patch(
    "/{watchlist_id}", response_model=WatchlistPublic, responses=ERROR_RESPONSES, summary="Change a list"
)
def update(
    watchlist_id: int, body: WatchlistUpdate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> WatchlistPublic:
    wl = service.update_watchlist(session, editor, watchlist_id, body)
    session.commit()
    ctx.audit.record(
        editor,
        "watchlist.update",
        f"watchlist:{wl.id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
        detail=",".join(sorted(body.model_fields_set)),
    )
    return service.to_public(session, wl)


@router.delete(
    "/{watchlist_id}", status_code=204, responses=ERROR_RESPONSES, summary="Delete a list and entries"
)
def delete(watchlist_id: int, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> None:
    wl = get_editable(session, editor, watchlist_id)
    plate_ids, photos = service.collect_children(session, wl)
    version, kind = wl.version, wl.kind
    session.delete(wl)
    session.commit()
    matcher_remove(ctx, plate_ids)
    if kind == "persons" and ctx.face_index is not None:
        ctx.face_index.delete_by_watchlist(str(watchlist_id))
    service.remove_photo_files(ctx.settings, photos)
    ctx.audit.record(
        editor,
        "watchlist.delete",
        f"watchlist:{watchlist_id}",
        watchlist_id=watchlist_id,
        watchlist_version=version,
    )


@router.get(
    "/{watchlist_id}/entries",
    response_model=EntriesPublic,
    responses=ERROR_RESPONSES,
    summary="Entries of a list (police: X-Purpose and X-Case-Number required)",
)
def entries(
    watchlist_id: int,
    editor: ListEditorDep,
    purpose: PurposeDep,
    session: SessionDep,
    ctx: CtxDep,
    q: Annotated[str | None, Query(max_length=64, description="filter by plate/label substring")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EntriesPublic:
    wl = get_visible(session, editor, watchlist_id)
    page = entries_page(session, wl, q, offset, limit)
    ctx.audit.record(
        editor,
        "watchlist.entries.read",
        f"watchlist:{wl.id}",
        ctx=purpose,
        watchlist_id=wl.id,
        watchlist_version=wl.version,
        result_count=page.count,
        detail=f"q={q!r}" if q else "",
    )
    return page


@router.post(
    "/{watchlist_id}/plates",
    response_model=PlateEntryPublic,
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Add a plate or wildcard pattern (AA12??BB)",
)
def add_plate(
    watchlist_id: int, body: PlateEntryCreate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> PlateEntryPublic:
    wl = get_editable(session, editor, watchlist_id)
    entry = service.add_plate_entry(session, wl, body, editor.key_id)
    session.commit()
    matcher_add(ctx, [entry])
    ctx.audit.record(
        editor,
        "watchlist.plate.add",
        f"plate_entry:{entry.id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
    )
    return plate_public(entry)


@router.delete(
    "/{watchlist_id}/plates/{entry_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove a plate entry",
)
def delete_plate(
    watchlist_id: int, entry_id: int, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> None:
    wl = get_editable(session, editor, watchlist_id)
    session.delete(service.get_plate_entry(session, wl, entry_id))
    service.bump(wl)
    session.commit()
    matcher_remove(ctx, [entry_id])
    ctx.audit.record(
        editor,
        "watchlist.plate.delete",
        f"plate_entry:{entry_id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
    )


@router.post(
    "/{watchlist_id}/plates/bulk",
    response_model=BulkResult,
    responses=UPLOAD_ERRORS,
    summary="Upload plates as CSV (UTF-8; columns plate,reason,valid_until,notes)",
)
async def bulk_plates(
    watchlist_id: int,
    file: UploadFile,
    editor: ListEditorDep,
    ctx: CtxDep,
    mode: ModeQuery = "all_or_nothing",
) -> BulkResult:
    data = await read_capped(file, ctx.settings.limits.max_csv_bytes)
    return await run_sync(_bulk_plates_sync, ctx, editor, watchlist_id, data, mode)


def _bulk_plates_sync(ctx: Any, editor: Any, watchlist_id: int, data: bytes, mode: UploadMode) -> BulkResult:
    with ctx.sessions() as session:
        wl = get_editable(session, editor, watchlist_id)
        try:
            outcome = import_plates_csv(session, wl, data, mode, ctx.settings.limits, editor.key_id)
        except Exception as exc:
            session.rollback()
            ctx.audit.record(
                editor,
                "watchlist.plates.upload",
                f"watchlist:{watchlist_id}",
                watchlist_id=wl.id,
                watchlist_version=wl.version,
                outcome="rejected",
                detail=str(exc)[:500],
            )
            raise
        session.commit()
        matcher_add(ctx, outcome.added)
        ctx.audit.record(
            editor,
            "watchlist.plates.upload",
            f"watchlist:{wl.id}",
            watchlist_id=wl.id,
            watchlist_version=wl.version,
            result_count=len(outcome.added),
            detail=f"mode={mode} rejected={len(outcome.rejected)}",
        )
        return BulkResult(
            mode=mode, accepted=len(outcome.added), rejected=outcome.rejected, watchlist_version=wl.version
        )


@router.post(
    "/{watchlist_id}/persons",
    response_model=PersonEntryPublic,
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Add a person (then add photos)",
)
def add_person(
    watchlist_id: int, body: PersonEntryCreate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> PersonEntryPublic:
    wl = get_editable(session, editor, watchlist_id)
    entry = service.add_person_entry(session, wl, body, editor.key_id)
    session.commit()
    ctx.audit.record(
        editor,
        "watchlist.person.add",
        f"person_entry:{entry.id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
    )
    return person_public(entry)


@router.delete(
    "/{watchlist_id}/persons/{entry_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove a person",
)
def delete_person(
    watchlist_id: int, entry_id: int, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> None:
    wl = get_editable(session, editor, watchlist_id)
    entry = service.get_person_entry(session, wl, entry_id)
    photos = [p.path for p in entry.photos]
    session.delete(entry)
    service.bump(wl)
    session.commit()
    if ctx.face_index is not None:
        ctx.face_index.delete_by_entry(str(entry_id))
    service.remove_photo_files(ctx.settings, photos)
    ctx.audit.record(
        editor,
        "watchlist.person.delete",
        f"person_entry:{entry_id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
    )


@router.post(
    "/{watchlist_id}/persons/{entry_id}/photos",
    response_model=PersonEntryPublic,
    status_code=201,
    responses=UPLOAD_ERRORS,
    summary="Enrol one photo (exactly one face, minimum size and quality)",
)
async def add_photo(
    watchlist_id: int, entry_id: int, file: UploadFile, editor: ListEditorDep, ctx: CtxDep
) -> PersonEntryPublic:
    data = await read_capped(file, ctx.settings.limits.max_photo_bytes)
    try:
        photo, version = await add_single_photo(ctx, editor, watchlist_id, entry_id, data)
    except UploadRejected as exc:
        ctx.audit.record(
            editor,
            "watchlist.photo.add",
            f"person_entry:{entry_id}",
            watchlist_id=watchlist_id,
            outcome="rejected",
            detail=exc.detail,
        )
        raise
    ctx.audit.record(
        editor,
        "watchlist.photo.add",
        f"photo:{photo.id}",
        watchlist_id=watchlist_id,
        watchlist_version=version,
        result_count=1,
    )
    return await run_sync(_person_view, ctx, editor, watchlist_id, entry_id)


def _person_view(ctx: Any, editor: Any, watchlist_id: int, entry_id: int) -> PersonEntryPublic:
    with ctx.sessions() as session:
        return person_public(
            service.get_person_entry(session, get_visible(session, editor, watchlist_id), entry_id)
        )


@router.get(
    "/{watchlist_id}/persons/{entry_id}/photos/{photo_id}",
    response_class=Response,
    responses=ERROR_RESPONSES | {200: {"content": {"image/jpeg": {}}, "description": "the enrolled photo"}},
    summary="The enrolled photo (to compare with an alert's crop)",
)
def get_photo(
    watchlist_id: int,
    entry_id: int,
    photo_id: int,
    editor: ListEditorDep,
    purpose: PurposeDep,
    session: SessionDep,
    ctx: CtxDep,
) -> Response:
    wl = get_visible(session, editor, watchlist_id)
    photo = service.get_photo(session, service.get_person_entry(session, wl, entry_id), photo_id)
    data = (ctx.settings.photo_root / photo.path).read_bytes()
    ctx.audit.record(
        editor,
        "watchlist.photo.read",
        f"photo:{photo_id}",
        ctx=purpose,
        watchlist_id=wl.id,
        watchlist_version=wl.version,
        result_count=1,
    )
    return Response(content=data, media_type=sniff_image_type(data))


@router.delete(
    "/{watchlist_id}/persons/{entry_id}/photos/{photo_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove one enrolled photo and its template",
)
def delete_photo(
    watchlist_id: int, entry_id: int, photo_id: int, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> None:
    wl = get_editable(session, editor, watchlist_id)
    photo = service.get_photo(session, service.get_person_entry(session, wl, entry_id), photo_id)
    point_id, path = photo.point_id, photo.path
    session.delete(photo)
    service.bump(wl)
    session.commit()
    if ctx.face_index is not None:
        ctx.face_index.delete([point_id])
    service.remove_photo_files(ctx.settings, [path])
    ctx.audit.record(
        editor,
        "watchlist.photo.delete",
        f"photo:{photo_id}",
        watchlist_id=wl.id,
        watchlist_version=wl.version,
    )


@router.post(
    "/{watchlist_id}/persons/bulk",
    response_model=BulkResult,
    responses=UPLOAD_ERRORS,
    summary="Upload persons as a ZIP of photos + manifest.csv (label,reason,valid_until,photo)",
)
async def bulk_persons(
    watchlist_id: int,
    file: UploadFile,
    editor: ListEditorDep,
    ctx: CtxDep,
    mode: ModeQuery = "all_or_nothing",
) -> BulkResult:
    data = await read_capped(file, ctx.settings.limits.max_zip_bytes)
    try:
        count, rejected, version = await import_persons_zip(ctx, editor, watchlist_id, data, mode)
    except (UploadRejected, TooLarge) as exc:
        ctx.audit.record(
            editor,
            "watchlist.persons.upload",
            f"watchlist:{watchlist_id}",
            watchlist_id=watchlist_id,
            outcome="rejected",
            detail=exc.detail,
        )
        raise
    ctx.audit.record(
        editor,
        "watchlist.persons.upload",
        f"watchlist:{watchlist_id}",
        watchlist_id=watchlist_id,
        watchlist_version=version,
        result_count=count,
        detail=f"mode={mode} rejected={len(rejected)}",
    )
    return BulkResult(mode=mode, accepted=count, rejected=rejected, watchlist_version=version)


def sniff_image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


async def run_sync(func: Any, *args: Any) -> Any:
    return await anyio.to_thread.run_sync(func, *args)
