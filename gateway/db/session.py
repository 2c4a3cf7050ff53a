"""Engine and session factory from a database URL (SQLite: WAL and foreign keys on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from gateway.audit.guard import register_sqlite_function


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str, pool: tuple[int, int] | None = None) -> Engine:
    """Create the engine; for a SQLite file, create its folder first. ``pool``: its size and overflow
    (default: SQLAlchemy's 5 and 10 for SQLite, 10 and 10 for PostgreSQL)."""
    parsed = make_url(url)
    sizes = {} if pool is None else {"pool_size": pool[0], "max_overflow": pool[1]}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10}, **sizes)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", register_sqlite_function)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    return create_engine(url, pool_pre_ping=True, **({"pool_size": 10, "max_overflow": 10} | sizes))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
