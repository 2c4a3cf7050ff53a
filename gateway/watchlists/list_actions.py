"""What the list routes do: load and check the list, change it, commit, keep indexes in step, audit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext
from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.watchlists import service
from gateway.watchlists.access import get_editable, get_visible
from gateway.watchlists.live import matcher_remove
from gateway.watchlists.recording import record
from gateway.watchlists.schemas import (
    EntriesPublic,
    WatchlistCreate,
    WatchlistPublic,
    WatchlistsPublic,
    WatchlistUpdate,
)
from gateway.watchlists.views import entries_page


def create(ctx: AppContext, editor: Principal, session: Session, body: WatchlistCreate) -> WatchlistPublic:
    wl = service.create_watchlist(session, editor, body)
    session.commit()
    record(ctx, editor, "watchlist.create", f"watchlist:{wl.id}", wl)
    return service.to_public(session, wl)


def list_all(ctx: AppContext, editor: Principal, session: Session) -> WatchlistsPublic:
    lists = service.list_visible(session, editor)
    record(ctx, editor, "watchlist.list", "watchlists", result_count=len(lists))
    return WatchlistsPublic(data=[service.to_public(session, w) for w in lists], count=len(lists))


def read(ctx: AppContext, editor: Principal, session: Session, watchlist_id: int) -> WatchlistPublic:
    wl = get_visible(session, editor, watchlist_id)
    record(ctx, editor, "watchlist.read", f"watchlist:{wl.id}", wl)
    return service.to_public(session, wl)


def update(
    ctx: AppContext, editor: Principal, session: Session, watchlist_id: int, body: WatchlistUpdate
) -> WatchlistPublic:
    wl = service.update_watchlist(session, editor, watchlist_id, body)
    session.commit()
    detail = ",".join(sorted(body.model_fields_set))
    record(ctx, editor, "watchlist.update", f"watchlist:{wl.id}", wl, detail=detail)
    return service.to_public(session, wl)


def delete(ctx: AppContext, editor: Principal, session: Session, watchlist_id: int) -> None:
    """The list, its entries, their photo files, matcher entries and face templates."""
    wl = get_editable(session, editor, watchlist_id)
    plate_ids, photos = service.collect_children(session, wl)
    version, kind = wl.version, wl.kind
    session.delete(wl)
    session.commit()
    matcher_remove(ctx, plate_ids)
    if kind == "persons" and ctx.face_index is not None:
        ctx.face_index.delete_by_watchlist(str(watchlist_id))
    service.remove_photo_files(ctx.settings, photos)
    target = f"watchlist:{watchlist_id}"
    record(ctx, editor, "watchlist.delete", target, watchlist_id=watchlist_id, watchlist_version=version)


def entries(
    ctx: AppContext,
    editor: Principal,
    purpose: AuditContext,
    session: Session,
    watchlist_id: int,
    q: str | None,
    offset: int,
    limit: int,
) -> EntriesPublic:
    wl = get_visible(session, editor, watchlist_id)
    page = entries_page(session, wl, q, offset, limit)
    record(
        ctx,
        editor,
        "watchlist.entries.read",
        f"watchlist:{wl.id}",
        wl,
        ctx=purpose,
        result_count=page.count,
        detail=f"q={q!r}" if q else "",
    )
    return page
