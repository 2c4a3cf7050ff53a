"""on PostgreSQL, trigram indexes serve wildcard plate searches (``AB??5678``, ``AB*CD``)

A wildcard search (``GET /v1/sightings?plate=...``) is a ``LIKE`` over the passes' plates and their
reads; without these indexes it reads every row of both tables (about half a second at a million
passes). ``pg_trgm`` is a trusted extension since PostgreSQL 13, so a database owner may create it;
where the role may not, the migration says so in the log and goes on without the indexes (searches
stay correct, only slower). SQLite, the embedded default, has no such index and is left alone.

Revision ID: a81f3c6d2e94
Revises: 3d6a2f8b1c90
Create Date: 2026-11-28 21:00:00
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

from gateway.db.migrate import TRIGRAM_INDEXES

revision = "a81f3c6d2e94"
down_revision = "3d6a2f8b1c90"
branch_labels = None
depends_on = None

log = logging.getLogger("varta.gateway.db")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning(
            "PostgreSQL extension pg_trgm could not be created (%s): wildcard plate searches will read "
            "every pass; a superuser can run CREATE EXTENSION pg_trgm in this database and restart the "
            "gateway / розширення pg_trgm не створено: пошук номера з шаблоном читатиме всі проїзди",
            str(exc.orig).strip().splitlines()[0],
        )
        return
    for name, (table, column) in TRIGRAM_INDEXES.items():
        bind.exec_driver_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        op.get_bind().exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
