"""/v1/watchlists/{id}/plates: plate entries, one at a time or as a CSV."""

from __future__ import annotations

import anyio
from fastapi import APIRouter

from gateway.api.params import RowId
from gateway.api.uploads import UPLOAD_ERRORS, ModeQuery, OneFile, read_capped
from gateway.audit.refusals import list_refusals
from gateway.deps import CtxDep, ListEditorDep, SessionDep
from gateway.errors import ERROR_RESPONSES, multipart_example
from gateway.watchlists import plate_actions
from gateway.watchlists.schemas import BulkResult, PlateEntryCreate, PlateEntryPublic
from shared.schemas import ErrorBody

router = APIRouter(prefix="/v1/watchlists", tags=["watchlists"])
ADD_ERRORS = ERROR_RESPONSES | {
    409: {"model": ErrorBody, "description": "the plate (normalised) is already in this list"}
}


@router.post(
    "/{watchlist_id}/plates",
    response_model=PlateEntryPublic,
    status_code=201,
    responses=ADD_ERRORS,
    summary="Add a plate or wildcard pattern (AA12??BB)",
)
async def add_plate(
    watchlist_id: RowId, body: PlateEntryCreate, editor: ListEditorDep, ctx: CtxDep
) -> PlateEntryPublic:
    with list_refusals(ctx, editor, "watchlist.plate.add", watchlist_id):
        return await anyio.to_thread.run_sync(plate_actions.add, ctx, editor, watchlist_id, body)


@router.delete(
    "/{watchlist_id}/plates/{entry_id}",
    status_code=204,
    responses=ERROR_RESPONSES,
    summary="Remove a plate entry",
)
def delete_plate(
    watchlist_id: RowId, entry_id: RowId, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> None:
    with list_refusals(ctx, editor, "watchlist.plate.delete", watchlist_id):
        plate_actions.delete(ctx, editor, session, watchlist_id, entry_id)


@router.post(
    "/{watchlist_id}/plates/bulk",
    response_model=BulkResult,
    responses=UPLOAD_ERRORS,
    summary="Upload plates as CSV (UTF-8; columns plate,reason,valid_until,notes)",
    openapi_extra=multipart_example(
        file="plate,reason,valid_until,notes\nАА 1234 ВВ,stolen,2027-06-30,\nAA12??BB,search,,partial plate"
    ),
)
async def bulk_plates(
    watchlist_id: RowId,
    file: OneFile,
    editor: ListEditorDep,
    ctx: CtxDep,
    mode: ModeQuery = "all_or_nothing",
) -> BulkResult:
    data = await read_capped(file, ctx.settings.limits.max_csv_bytes)
    with list_refusals(ctx, editor, "watchlist.plates.upload", watchlist_id):
        return await anyio.to_thread.run_sync(plate_actions.upload, ctx, editor, watchlist_id, data, mode)
