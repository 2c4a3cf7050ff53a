"""The migration that stops SQLite from reusing ids, on a database written by the schema before it.

Every row survives with its id (no cascade from the table rebuilds), the schema is what the models
declare, and the next ids come after every id still named by an alert or an audit row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, text

import gateway.db.events
import gateway.db.models  # noqa: F401  (both modules register their tables on Base)
from gateway.db.base import Base
from gateway.db.migrate import alembic_config, include_name, upgrade_head
from gateway.db.session import make_engine

BEFORE = "c41d7e2a9b10"  # the revision before ids were made never reused
TS = "2026-11-20 10:00:00"
ROWS = (
    [
        ("organisations", {"id": "council", "name": "c", "name_uk": "г", "created_at": TS}),
        ("organisations", {"id": "police", "name": "p", "name_uk": "п", "created_at": TS}),
        (
            "cameras",
            {
                "id": "cam1",
                "name": "cam1",
                "village": "",
                "road": "",
                "direction": "",
                "plates_enabled": True,
                "faces_enabled": True,
                "enabled": True,
                "resident_visible": False,
                "created_at": TS,
                "updated_at": TS,
            },
        ),
        (
            "api_keys",
            {"id": 1, "prefix": "vk_a", "key_hash": "h1", "role": "admin", "name": "", "created_at": TS},
        ),
        (
            "api_keys",
            {
                "id": 2,
                "prefix": "vk_c",
                "key_hash": "h2",
                "role": "camera",
                "camera_id": "cam1",
                "name": "",
                "created_at": TS,
                "created_by": 1,
            },
        ),
    ]
    + [
        (
            "watchlists",
            {
                "id": i,
                "kind": kind,
                "owner_org": org,
                "name": f"l{i}",
                "description": "",
                "version": 1,
                "enabled": True,
                "created_at": TS,
                "updated_at": TS,
            },
        )
        for i, kind, org in ((1, "plates", "council"), (2, "persons", "police"), (3, "plates", "police"))
    ]
    + [
        ("watchlist_shares", {"watchlist_id": 1, "organisation_id": "police"}),
        ("watchlist_cameras", {"watchlist_id": 3, "camera_id": "cam1"}),
        (
            "plate_entries",
            {
                "id": 1,
                "watchlist_id": 1,
                "pattern": "AA1234BB",
                "is_wildcard": False,
                "reason": "",
                "notes": "",
                "created_at": TS,
            },
        ),
        (
            "plate_entries",
            {
                "id": 2,
                "watchlist_id": 3,
                "pattern": "BH0423EK",
                "is_wildcard": False,
                "reason": "",
                "notes": "",
                "created_at": TS,
            },
        ),
        (
            "person_entries",
            {"id": 1, "watchlist_id": 2, "label": "X", "reason": "", "notes": "", "created_at": TS},
        ),
        (
            "person_photos",
            {
                "id": 1,
                "entry_id": 1,
                "watchlist_id": 2,
                "path": "p.jpg",
                "sha256": "s",
                "width": 1,
                "height": 1,
                "quality": 1.0,
                "face_size_px": 1.0,
                "point_id": "pt1",
                "created_at": TS,
            },
        ),
        (
            "face_authorisations",
            {
                "id": 1,
                "organisation_id": "police",
                "legal_basis": "b",
                "purpose": "p",
                "case_number": "c",
                "starts_at": TS,
                "expires_at": TS,
                "notes": "",
                "created_at": TS,
            },
        ),
        ("face_authorisation_cameras", {"authorisation_id": 1, "camera_id": "cam1"}),
    ]
    + [
        # alerts naming a list and entry deleted before the migration (7, 9), one without its owner recorded
        (
            "alerts",
            {
                "id": f"a{i}",
                "kind": "plate",
                "camera_id": "cam1",
                "frame_id": "f",
                "dedup_key": f"d{i}",
                "entry_id": entry,
                "watchlist_id": wl,
                "watchlist_version": 1,
                "organisation_id": org,
                "rule": "exact",
                "captured_at": TS,
                "created_at": TS,
                "status": "new",
                "confirmations_required": 1,
                "enrolled_photo_id": photo,
            },
        )
        for i, entry, wl, org, photo in ((1, 2, 3, None, None), (2, 9, 7, "police", 4))
    ]
    + [
        (
            "audit_log",
            {
                "id": 1,
                "ts": TS,
                "actor_key_id": 5,
                "role": "admin",
                "action": "x",
                "target": "",
                "outcome": "ok",
                "detail": "",
                "prev_hash": "0",
                "row_hash": "r1",
                "watchlist_id": 8,
            },
        ),
    ]
)
TABLES = sorted({t for t, _ in ROWS})


def insert(engine: Engine) -> None:
    with engine.begin() as conn:
        for table, row in ROWS:
            names = ", ".join(row)
            conn.execute(
                text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + k for k in row)})"), row
            )


def dump(engine: Engine) -> dict[str, list[Any]]:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}")))) for t in TABLES}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_db(request: pytest.FixtureRequest, tmp_path: Path, harness: Any) -> Iterator[Engine]:
    """A database at the revision before this migration, holding a row in every table it rebuilds."""
    with harness.database(request.param, tmp_path) as url:
        engine = make_engine(url)
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, BEFORE)
        insert(engine)
        try:
            yield engine
        finally:
            engine.dispose()


def test_migration_keeps_every_row_and_never_reuses_an_id(old_db: Engine) -> None:
    before = dump(old_db)
    upgrade_head(old_db)
    after = dump(old_db)
    for table in TABLES:
        if table != "alerts":
            assert after[table] == before[table], table
    with old_db.begin() as conn:
        owners = dict(conn.execute(text("SELECT id, organisation_id FROM alerts")).all())
        assert owners == {"a1": "police", "a2": "police"}  # a1's owner from its list, which exists
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() == 1
        # the new ids come after the largest one still named anywhere, not just after today's rows
        new = {
            "watchlists": "INSERT INTO watchlists (kind, owner_org, name, description, version, enabled, "
            "created_at, updated_at) VALUES ('plates', 'council', 'n', '', 1, true, :ts, :ts)",
            "plate_entries": "INSERT INTO plate_entries (watchlist_id, pattern, is_wildcard, reason, notes, "
            "created_at) VALUES (1, 'AA0000AA', false, '', '', :ts)",
            "api_keys": "INSERT INTO api_keys (prefix, key_hash, role, name, created_at) "
            "VALUES ('vk_n', 'h', 'admin', '', :ts)",
        }
        ids = {t: conn.execute(text(q + " RETURNING id"), {"ts": TS}).scalar() for t, q in new.items()}
    assert ids == {"watchlists": 9, "plate_entries": 10, "api_keys": 6}
    if old_db.dialect.name == "sqlite":
        with old_db.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            # deleting a list still cascades to its entries (the rebuilt tables keep their references)
            conn.execute(text("DELETE FROM watchlists WHERE id = 1"))
            assert (
                conn.execute(text("SELECT count(*) FROM plate_entries WHERE watchlist_id = 1")).scalar() == 0
            )
            assert conn.execute(text("SELECT count(*) FROM watchlist_shares")).scalar() == 0
            conn.rollback()
    with old_db.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False, "include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


@pytest.mark.parametrize("old_db", ["sqlite"], indirect=True)  # PostgreSQL sequences never reuse an id
def test_sqlite_schema_says_autoincrement_and_keeps_the_audit_guard(old_db: Engine) -> None:
    assert old_db.dialect.name == "sqlite"
    upgrade_head(old_db)
    with old_db.connect() as conn:
        sql = dict(conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all())
        triggers = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")}
    for table in ("api_keys", "watchlists", "plate_entries", "person_entries", "person_photos"):
        assert "AUTOINCREMENT" in sql[table], table
    assert triggers == {"audit_log_no_update", "audit_log_no_delete"}
    migrated = dump(old_db)
    cfg = alembic_config(old_db.url.render_as_string(hide_password=False))
    with old_db.begin() as conn:  # and back: the rows stay through a downgrade too
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)
    assert dump(old_db) == migrated
