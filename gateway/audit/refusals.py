"""Reads refused because the object is not the caller's: answered 404, recorded in the audit log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext, AuditWriter
from gateway.auth.keys import Principal
from gateway.db.models import Watchlist
from gateway.errors import NotFound
from gateway.watchlists.access import visible_query


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


def watchlist_hidden(session: Session, principal: Principal, watchlist_id: int) -> Callable[[], bool]:
    """For ``refusals_audited``: the list exists but the caller's organisation may not see it."""

    def hidden() -> bool:
        exists = session.scalar(select(Watchlist.id).where(Watchlist.id == watchlist_id)) is not None
        visible = visible_query(principal).where(Watchlist.id == watchlist_id).with_only_columns(Watchlist.id)
        return exists and session.scalar(visible) is None

    return hidden
