"""Audit rows for watchlist actions: the list's id and version on each, refusals recorded too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.db.models import Watchlist
from gateway.watchlists.service import bump


def record(
    app: AppContext,
    editor: Principal,
    action: str,
    target: str,
    wl: Watchlist | None = None,
    /,
    **fields: Any,
) -> None:
    """One audit row; with ``wl``, its id and (current) version are on the row. ``fields``: the writer's."""
    if wl is not None:
        fields = {"watchlist_id": wl.id, "watchlist_version": wl.version} | fields
    app.audit.record(editor, action, target, **fields)


def _detail(exc: Any) -> str:
    return str(exc.detail)


@contextmanager
def refusals_recorded(
    app: AppContext,
    editor: Principal,
    action: str,
    target: str,
    errors: type[Exception] | tuple[type[Exception], ...],
    detail: Callable[[Any], str] = _detail,
    wl: Watchlist | None = None,
    /,
    **fields: Any,
) -> Iterator[None]:
    """Audit an action the block refuses with one of ``errors`` (``outcome="rejected"``), then re-raise."""
    try:
        yield
    except errors as exc:
        record(app, editor, action, target, wl, **fields, outcome="rejected", detail=detail(exc))
        raise


@contextmanager
def rolled_back_on_error(session: Session) -> Iterator[None]:
    try:
        yield
    except Exception:
        session.rollback()
        raise


def remove_and_commit(session: Session, wl: Watchlist, child: object) -> None:
    """Delete one entry or photo of ``wl`` and commit it with the list's new version."""
    session.delete(child)
    bump(wl)
    session.commit()
