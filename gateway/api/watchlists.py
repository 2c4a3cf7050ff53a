"""/v1/watchlists: the lists and their entries page; ``router`` also serves the plate and person routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gateway.api import watchlist_persons, watchlist_plates
from gateway.api.params import Offset, RowId
from gateway.audit.refusals import list_refusals
from gateway.deps import CtxDep, ListEditorDep, PurposeDep, SessionDep
from gateway.errors import ERROR_RESPONSES
from gateway.watchlists import list_actions
from gateway.watchlists.schemas import (
    EntriesPublic,
    WatchlistCreate,
    WatchlistPublic,
    WatchlistsPublic,
    WatchlistUpdate,
)

lists = APIRouter(prefix="/v1/watchlists", tags=["watchlists"])


@lists.post(
    "", response_model=WatchlistPublic, status_code=201, responses=ERROR_RESPONSES, summary="Create a list"
)
def create(body: WatchlistCreate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistPublic:
    return list_actions.create(ctx, editor, session, body)


@lists.get(
    "", response_model=WatchlistsPublic, responses=ERROR_RESPONSES, summary="Lists my organisation sees"
)
def list_all(editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistsPublic:
    return list_actions.list_all(ctx, editor, session)


@lists.get("/{watchlist_id}", response_model=WatchlistPublic, responses=ERROR_RESPONSES, summary="One list")
def get(watchlist_id: RowId, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> WatchlistPublic:
    with list_refusals(ctx, editor, "watchlist.read", watchlist_id):
        return list_actions.read(ctx, editor, session, watchlist_id)


@lists.patch(
    "/{watchlist_id}", response_model=WatchlistPublic, responses=ERROR_RESPONSES, summary="Change a list"
)
def update(
    watchlist_id: RowId, body: WatchlistUpdate, editor: ListEditorDep, session: SessionDep, ctx: CtxDep
) -> WatchlistPublic:
    with list_refusals(ctx, editor, "watchlist.update", watchlist_id):
        return list_actions.update(ctx, editor, session, watchlist_id, body)


@lists.delete(
    "/{watchlist_id}", status_code=204, responses=ERROR_RESPONSES, summary="Delete a list and entries"
)
def delete(watchlist_id: RowId, editor: ListEditorDep, session: SessionDep, ctx: CtxDep) -> None:
    with list_refusals(ctx, editor, "watchlist.delete", watchlist_id):
        list_actions.delete(ctx, editor, session, watchlist_id)


@lists.get(
    "/{watchlist_id}/entries",
    response_model=EntriesPublic,
    responses=ERROR_RESPONSES,
    summary="Entries of a list (police: X-Purpose and X-Case-Number required)",
)
def entries(
    watchlist_id: RowId,
    editor: ListEditorDep,
    purpose: PurposeDep,
    session: SessionDep,
    ctx: CtxDep,
    q: Annotated[str | None, Query(max_length=64, description="filter by plate/label substring")] = None,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> EntriesPublic:
    with list_refusals(ctx, editor, "watchlist.entries.read", watchlist_id, audit_ctx=purpose):
        return list_actions.entries(ctx, editor, purpose, session, watchlist_id, q, offset, limit)


# main.py includes this module's router; the sub-routers keep the original order of paths in the OpenAPI
router = APIRouter()
for part in (lists, watchlist_plates.router, watchlist_persons.router):
    router.include_router(part)
