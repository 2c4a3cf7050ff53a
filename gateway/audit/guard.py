"""The database itself keeps the audit log append-only.

The hash chain (``chain.py``) shows an edit after the fact; these triggers refuse it in the first place:
no row of ``audit_log`` may be changed, and rows may be deleted only by the retention purge
(``allow_purge``), which removes a prefix of the chain older than six months. Anyone else who tries
(another tool, a mistaken script) gets an error instead. A database owner can still drop the triggers;
the chain then still exposes what was done.

* PostgreSQL: a ``BEFORE UPDATE OR DELETE`` row trigger and a ``TRUNCATE`` trigger; the purge marks its
  own transaction with ``set_config('varta.audit_purge', 'on', true)``.
* SQLite: ``BEFORE UPDATE`` and ``BEFORE DELETE`` triggers; a delete is let through only when the
  connection's ``varta_audit_purge()`` function says so. Varta registers that function on each of its
  connections (``register_sqlite_function``); in any other program it does not exist, and the delete fails.

The DDL is applied by the migration ``c41d7e2a9b10`` (``install``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

_PURGING: ContextVar[bool] = ContextVar("varta_audit_purge", default=False)

UPDATE_REFUSED = "audit_log is append-only: its rows cannot be changed"
DELETE_REFUSED = "audit_log rows are removed only by the retention purge"

_SQLITE = (
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, '{UPDATE_REFUSED}'); END""",
    f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN varta_audit_purge() IS NOT 1
    BEGIN SELECT RAISE(ABORT, '{DELETE_REFUSED}'); END""",
)
_POSTGRES = (
    f"""CREATE OR REPLACE FUNCTION varta_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION '{UPDATE_REFUSED}';
        END IF;
        IF coalesce(current_setting('varta.audit_purge', true), '') <> 'on' THEN
            RAISE EXCEPTION '{DELETE_REFUSED}';
        END IF;
        RETURN OLD;
    END $$""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION varta_audit_guard()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION varta_audit_guard()""",
)
_DROP_SQLITE = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")
_DROP_POSTGRES = (
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP FUNCTION IF EXISTS varta_audit_guard()",
)


def install(conn: Connection) -> None:
    """Create the triggers (and, on PostgreSQL, their function) on this connection's database."""
    for ddl in _POSTGRES if conn.dialect.name == "postgresql" else _SQLITE:
        conn.execute(text(ddl))


def remove(conn: Connection) -> None:
    for ddl in _DROP_POSTGRES if conn.dialect.name == "postgresql" else _DROP_SQLITE:
        conn.execute(text(ddl))


def register_sqlite_function(dbapi_conn: Any, _record: Any) -> None:
    """``connect`` listener: give a SQLite connection the function the delete trigger asks."""
    dbapi_conn.create_function("varta_audit_purge", 0, lambda: 1 if _PURGING.get() else 0)


@contextmanager
def allow_purge(session: Session) -> Iterator[None]:
    """Let the retention purge delete audit rows in the session's current transaction."""
    token = _PURGING.set(True)
    try:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT set_config('varta.audit_purge', 'on', true)"))
        yield
    finally:
        _PURGING.reset(token)
