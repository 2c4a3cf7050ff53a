"""Reads and changes refused because the object is not the caller's: answered 403 or 404, recorded in
the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext, AuditWriter
from gateway.auth.keys import Principal
from gateway.db.models import Watchlist
from gateway.errors import NotFound, ScopeDenied
from gateway.watchlists.access import visible_query

if TYPE_CHECKING:
    from gateway.context import AppContext


@contextmanager
def refusals_audited(
    audit: AuditWriter,
    principal: Principal,
    action: str,
    target: str,
    hidden: Callable[[], bool],
    *,
    ctx: AuditContext | None = None,
    **fields: Any,
) -> Iterator[None]:
    """Audit a ``NotFound`` raised in the block as ``action`` on ``target``, then re-raise it.

    The caller is told "not found" either way (another organisation's object is not disclosed); the
    audit row tells them apart: ``denied`` when ``hidden()`` (it exists but is not visible to the
    caller), ``not_found`` when there is no such object."""
    try:
        yield
    except NotFound as exc:
        outcome = "denied" if hidden() else "not_found"
        detail = f"{exc.kind} not visible to {principal.organisation_id}" if outcome == "denied" else ""
        audit.record(
            principal, action, target, ctx=ctx, outcome=outcome, result_count=0, detail=detail, **fields
        )
        raise


@contextmanager
def row_refusals(
    audit: AuditWriter,
    session: Session,
    principal: Principal,
    action: str,
    kind: str,
    model: type[Any],
    row_id: str,
    *,
    ctx: AuditContext | None = None,
) -> Iterator[None]:
    """``refusals_audited`` for one row asked for by id (an alert, a report), audited on target
    ``<kind>:<id>``: ``denied`` when the row exists (it is someone else's), else ``not_found``."""

    def hidden() -> bool:
        return session.get(model, row_id) is not None

    with refusals_audited(audit, principal, action, f"{kind}:{row_id}", hidden, ctx=ctx):
        yield


def watchlist_hidden(session: Session, principal: Principal, watchlist_id: int) -> Callable[[], bool]:
    """For ``refusals_audited``: the list exists but the caller's organisation may not see it."""

    def hidden() -> bool:
        exists = session.scalar(select(Watchlist.id).where(Watchlist.id == watchlist_id)) is not None
        visible = visible_query(principal).where(Watchlist.id == watchlist_id).with_only_columns(Watchlist.id)
        return exists and session.scalar(visible) is None

    return hidden


@contextmanager
def list_refusals(
    ctx: AppContext,
    principal: Principal,
    action: str,
    watchlist_id: int,
    *,
    target: str | None = None,
    audit_ctx: AuditContext | None = None,
) -> Iterator[None]:
    """Audit a read of or a change to list ``watchlist_id`` refused because the list is not the
    caller's, then re-raise: ``denied`` for another organisation's list (hidden, answered 404) or one
    shared with the caller read-only that it tried to change (answered 403), ``not_found`` when there is
    no such list or entry. ``target`` defaults to the list."""

    def hidden() -> bool:
        with ctx.sessions() as session:
            return watchlist_hidden(session, principal, watchlist_id)()

    target = target or f"watchlist:{watchlist_id}"
    fields: dict[str, Any] = {"ctx": audit_ctx, "watchlist_id": watchlist_id}
    try:
        with refusals_audited(ctx.audit, principal, action, target, hidden, **fields):
            yield
    except ScopeDenied as exc:
        ctx.audit.record(
            principal, action, target, outcome="denied", result_count=0, detail=exc.detail, **fields
        )
        raise
