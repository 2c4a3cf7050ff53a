"""What the plate routes do: change a plates list, commit, keep the live matcher in step, audit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.watchlists import service
from gateway.watchlists.access import get_editable
from gateway.watchlists.live import matcher_add, matcher_remove
from gateway.watchlists.plates_bulk import import_plates_csv
from gateway.watchlists.recording import record, refusals_recorded, remove_and_commit, rolled_back_on_error
from gateway.watchlists.schemas import BulkResult, PlateEntryCreate, PlateEntryPublic, UploadMode
from gateway.watchlists.views import plate_public

UPLOAD = "watchlist.plates.upload"


def add(ctx: AppContext, editor: Principal, watchlist_id: int, body: PlateEntryCreate) -> PlateEntryPublic:
    """One plate (blocking: run it in a worker thread). Under the lists' lock, in a session of its own
    opened inside it, so two adds of the same plate cannot both pass the 'already in the list' check."""
    with ctx.watchlist_lock, ctx.sessions() as session:
        wl = get_editable(session, editor, watchlist_id)
        entry = service.add_plate_entry(session, wl, body, editor.key_id)
        session.commit()
        matcher_add(ctx, [entry])
        record(ctx, editor, "watchlist.plate.add", f"plate_entry:{entry.id}", wl)
        return plate_public(entry)


def delete(ctx: AppContext, editor: Principal, session: Session, watchlist_id: int, entry_id: int) -> None:
    wl = get_editable(session, editor, watchlist_id)
    remove_and_commit(session, wl, service.get_plate_entry(session, wl, entry_id))
    matcher_remove(ctx, [entry_id])
    record(ctx, editor, "watchlist.plate.delete", f"plate_entry:{entry_id}", wl)


def upload(
    ctx: AppContext, editor: Principal, watchlist_id: int, data: bytes, mode: UploadMode
) -> BulkResult:
    """A CSV of plates in one transaction (blocking: run it in a worker thread), under the lists' lock
    like a single add, so a plate added meanwhile cannot be added twice."""
    with ctx.watchlist_lock, ctx.sessions() as session:
        wl = get_editable(session, editor, watchlist_id)
        limits, target = ctx.settings.limits, f"watchlist:{watchlist_id}"
        with (
            refusals_recorded(ctx, editor, UPLOAD, target, Exception, lambda e: str(e)[:500], wl),
            rolled_back_on_error(session),
        ):
            outcome = import_plates_csv(session, wl, data, mode, limits, editor.key_id)
        session.commit()
        matcher_add(ctx, outcome.added)
        detail = f"mode={mode} rejected={len(outcome.rejected)}"
        record(ctx, editor, UPLOAD, f"watchlist:{wl.id}", wl, result_count=len(outcome.added), detail=detail)
        return BulkResult(
            mode=mode, accepted=len(outcome.added), rejected=outcome.rejected, watchlist_version=wl.version
        )
