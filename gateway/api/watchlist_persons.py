"""/v1/watchlists/{id}/persons: person entries and their photos, one at a time or as a ZIP."""

from __future__ import annotations

from fastapi import APIRouter, Response

from gateway.api.params import RowId
from gateway.api.uploads import UPLOAD_ERRORS, ModeQuery, OneFile, read_capped
from gateway.audit.refusals import list_refusals
from gateway.deps import CtxDep, ListEditorDep, PurposeDep, SessionDep
from gateway.errors import ERROR_RESPONSES, JPEG_RESPONSE, multipart_example
from gateway.watchlists import person_actions
from gateway.watchlists.schemas import BulkResult, PersonEntryCreate, PersonEntryPublic
from gateway.watchlists.views import sniff_image_type

router = APIRouter(prefix="/v1/watchlists", tags=["watchlists"])


@router.post(
    "/{watchlist_id}/persons",
    response_model=PersonEntryPublic,
    status_code=201,
    responses=ERROR_RESPONSES,
    summary="Add a person (then add photos)",
)
def add_person(
    watchlist_id: RowId, body: PersonEntryCreate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> PersonEntryPublic:
    with list_refusals(ctx, editor, "watchlist.person.add", watchlist_id):
        return person_actions.add(ctx, editor, session, watchlist_id, body)


@router.delete(
    "/{watchlist_id}/persons/{entry_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove a person",
)
def delete_person(
    watchlist_id: RowId, entry_id: RowId, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> None:
    with list_refusals(ctx, editor, "watchlist.person.delete", watchlist_id):
        person_actions.delete(ctx, editor, session, watchlist_id, entry_id)


@router.post(
    "/{watchlist_id}/persons/{entry_id}/photos",
    response_model=PersonEntryPublic,
    status_code=201,
    responses=UPLOAD_ERRORS,
    summary="Enrol one photo (exactly one face, minimum size and quality)",
    openapi_extra=multipart_example(file="(binary JPEG, PNG or WebP with exactly one face)"),
)
async def add_photo(
    watchlist_id: RowId, entry_id: RowId, file: OneFile, editor: ListEditorDep, ctx: CtxDep
) -> PersonEntryPublic:
    data = await read_capped(file, ctx.settings.limits.max_photo_bytes)
    with list_refusals(ctx, editor, "watchlist.photo.add", watchlist_id):
        return await person_actions.enrol_photo(ctx, editor, watchlist_id, entry_id, data)


@router.get(
    "/{watchlist_id}/persons/{entry_id}/photos/{photo_id}",
    response_class=Response,
    responses=ERROR_RESPONSES | {200: {**JPEG_RESPONSE, "description": "the enrolled photo"}},
    summary="The enrolled photo (to compare with an alert's crop)",
)
def get_photo(
    watchlist_id: RowId,
    entry_id: RowId,
    photo_id: RowId,
    editor: ListEditorDep,
    purpose: PurposeDep,
    session: SessionDep,
    ctx: CtxDep,
) -> Response:
    target = f"photo:{photo_id}"
    with list_refusals(ctx, editor, "watchlist.photo.read", watchlist_id, target=target, audit_ctx=purpose):
        data = person_actions.read_photo(ctx, editor, purpose, session, (watchlist_id, entry_id, photo_id))
    return Response(content=data, media_type=sniff_image_type(data))


@router.delete(
    "/{watchlist_id}/persons/{entry_id}/photos/{photo_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove one enrolled photo and its template",
)
def delete_photo(
    watchlist_id: RowId,
    entry_id: RowId,
    photo_id: RowId,
    editor: ListEditorDep,
    session: SessionDep,
    ctx: CtxDep,
) -> None:
    with list_refusals(ctx, editor, "watchlist.photo.delete", watchlist_id):
        person_actions.delete_photo(ctx, editor, session, (watchlist_id, entry_id, photo_id))


@router.post(
    "/{watchlist_id}/persons/bulk",
    response_model=BulkResult,
    responses=UPLOAD_ERRORS,
    summary="Upload persons as a ZIP of photos + manifest.csv (label,reason,valid_until,photo)",
    openapi_extra=multipart_example(
        file="(binary ZIP: manifest.csv with 'label,reason,valid_until,photo' rows, e.g. "
        "'Іван Петренко,missing person,2027-01-31,photos/ivan1.jpg', and the photos it names)"
    ),
)
async def bulk_persons(
    watchlist_id: RowId,
    file: OneFile,
    editor: ListEditorDep,
    ctx: CtxDep,
    mode: ModeQuery = "all_or_nothing",
) -> BulkResult:
    data = await read_capped(file, ctx.settings.limits.max_zip_bytes)
    with list_refusals(ctx, editor, "watchlist.persons.upload", watchlist_id):
        return await person_actions.upload(ctx, editor, watchlist_id, data, mode)
