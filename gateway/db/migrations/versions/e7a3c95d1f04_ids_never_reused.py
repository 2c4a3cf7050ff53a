"""ids never reused: SQLite tables with integer ids become AUTOINCREMENT; alerts keep their list's owner

Without AUTOINCREMENT, SQLite gives a new row the largest id + 1, so deleting the newest list (entry,
photo, key) hands its id to the next one, while alerts, reviews and audit rows still name the old one.
SQLite cannot add AUTOINCREMENT to a table: each table is rebuilt (copy, drop, rename) with every row
and id kept, and its sequence starts above every id still named elsewhere, so ids freed before this
migration are not handed out again either. PostgreSQL sequences never give an id twice; they are only
moved above any id still named elsewhere (after a restore or a hand insert), never back.

Alerts without the organisation of their list (none are written so since the first release) get it from
the list that has the id today, as the visibility check did until now.

Revision ID: e7a3c95d1f04
Revises: c41d7e2a9b10
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "e7a3c95d1f04"
down_revision = "c41d7e2a9b10"
branch_labels = None
depends_on = None

#: table -> the (table, column, condition) that still name its ids after a row is deleted
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "api_keys": (
        ("api_keys", "created_by", ""),
        ("audit_log", "actor_key_id", ""),
        ("alert_reviews", "reviewer_key_id", ""),
        ("resident_reports", "submitted_by_key_id", ""),
        ("resident_reports", "reviewed_by_key_id", ""),
        ("watchlists", "created_by", ""),
        ("plate_entries", "created_by", ""),
        ("person_entries", "created_by", ""),
        ("face_authorisations", "created_by", ""),
        ("face_authorisations", "revoked_by", ""),
    ),
    "watchlists": (("alerts", "watchlist_id", ""), ("audit_log", "watchlist_id", "")),
    "plate_entries": (("alerts", "entry_id", "kind = 'plate'"),),
    "person_entries": (("alerts", "entry_id", "kind = 'face'"),),
    "person_photos": (("alerts", "enrolled_photo_id", ""),),
    "face_authorisations": (),
}


def _largest_named(conn: sa.Connection, table: str) -> int:
    queries = [f"SELECT max(id) FROM {table}"]
    for other, column, where in REFERENCES[table]:
        queries.append(f"SELECT max({column}) FROM {other}" + (f" WHERE {where}" if where else ""))
    return max(int(conn.exec_driver_sql(q).scalar() or 0) for q in queries)


def _alerts_owner() -> None:
    op.execute(
        "UPDATE alerts SET organisation_id = "
        "(SELECT owner_org FROM watchlists WHERE watchlists.id = alerts.watchlist_id) "
        "WHERE organisation_id IS NULL"
    )


def _postgres_sequences(conn: sa.Connection) -> None:
    """Sequences never go back, but one may stand below an id a restore or a hand insert left named."""
    for table in REFERENCES:
        seq = _largest_named(conn, table)
        name = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table}).scalar()
        if name and seq > 0:
            conn.execute(
                sa.text(
                    "SELECT setval(CAST(:s AS regclass), "
                    "greatest(:m, coalesce(pg_sequence_last_value(CAST(:s AS regclass)), 0)))"
                ),
                {"s": name, "m": seq},
            )


def upgrade() -> None:
    _alerts_owner()
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _postgres_sequences(conn)
    if conn.dialect.name != "sqlite":
        return
    # gateway.db.migrate.upgrade_head turns foreign keys off around SQLite migrations, so dropping the
    # old copy of a table cannot cascade to the rows that reference it
    for table in REFERENCES:
        seq = _largest_named(conn, table)
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass  # no change of columns: the table is copied into a new one with the new table option
        conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, seq))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    for table in REFERENCES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass  # no change of columns: the table is copied into a new one with the new table option
