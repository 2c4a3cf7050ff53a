"""Run Alembic programmatically (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

#: PostgreSQL only (migration a81f3c6d2e94): GIN trigram indexes for wildcard plate searches, by name,
#: with their table and column. They are not in the models (SQLite has none, and a role that may not
#: create ``pg_trgm`` goes without), so schema comparison leaves them out (``include_name``).
TRIGRAM_INDEXES = {
    "ix_sightings_plate_text_trgm": ("sightings", "plate_text"),
    "ix_plate_reads_text_trgm": ("plate_reads", "text"),
}


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's filter for schema comparison: every object but the optional trigram indexes."""
    return not (type_ == "index" and name in TRIGRAM_INDEXES)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_head(engine: Engine) -> None:
    """Bring the database to the newest revision (idempotent).

    On SQLite, foreign keys are off while migrating: a migration that rebuilds a table (copy, drop,
    rename) would otherwise let the drop cascade to every row referencing it. SQLite changes that
    setting only outside a transaction; the references are checked before the migration commits.
    """
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"migration left rows with broken references: {broken[:5]}")
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def autogenerate(engine: Engine, message: str) -> None:
    """Developer helper: write a new revision from the difference between models and database."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
