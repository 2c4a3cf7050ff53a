"""PostgreSQL's trigram indexes for wildcard plate searches (migration a81f3c6d2e94): built where the
role may create ``pg_trgm``, used by the search the API runs, and skipped with a warning where it may not."""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.bench_search import fill
from gateway.db.migrate import TRIGRAM_INDEXES, alembic_config, upgrade_head
from gateway.db.session import make_engine
from gateway.pipeline.queries import SightingQuery, search_sightings, sightings_statement

pytestmark = pytest.mark.postgres
POLICE = Principal(None, "police", "test")


@pytest.fixture
def pg(harness: Any, tmp_path: Path) -> Iterator[Engine]:
    with harness.database("postgres", tmp_path) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def trigram_indexes(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        sql = "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_trgm'"
        rows = conn.exec_driver_sql(sql)
        return {name: definition for name, definition in rows}


def test_migration_builds_the_trigram_indexes_and_takes_them_away_again(pg: Engine) -> None:
    upgrade_head(pg)
    made = trigram_indexes(pg)
    assert set(made) == set(TRIGRAM_INDEXES)
    for name, (table, column) in TRIGRAM_INDEXES.items():
        assert f"ON public.{table} USING gin ({column} gin_trgm_ops)" in made[name]
    upgrade_head(pg)  # idempotent
    cfg = alembic_config(pg.url.render_as_string(hide_password=False))
    with pg.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "3d6a2f8b1c90")
    assert trigram_indexes(pg) == {}


def test_wildcard_search_uses_the_indexes_and_finds_the_pass(pg: Engine) -> None:
    upgrade_head(pg)
    samples = fill(pg, 2_000)
    plate, _ = random.Random(3).choice(samples)
    pattern = plate[:2] + "??" + plate[4:]  # AB??5678: the digits a witness did not see
    query = SightingQuery(pattern)
    with Session(pg) as session:
        rows = search_sightings(session, POLICE, query)
        assert plate in {r.sighting.plate_text for r in rows}
        assert all(r.sighting.plate_text[:2] == plate[:2] for r in rows)
        # at 2,000 passes reading every row is as cheap; at 100,000 the planner picks the indexes by
        # itself (``python -m gateway.bench_search 100000 URL``: a wildcard 53 -> 2-5 ms at the median)
        session.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = sightings_statement(POLICE, query).compile(dialect=session.get_bind().dialect)
        explain = session.connection().exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)
        plan = "\n".join(r[0] for r in explain)
    for name in TRIGRAM_INDEXES:
        assert name in plan, plan


def test_a_role_that_may_not_create_the_extension_gets_the_schema_without_the_indexes(
    pg: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    role = "varta_t_noext"
    with pg.connect() as conn:  # may create tables in public, not extensions in this database
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        conn.exec_driver_sql(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}")
        conn.commit()
    url = pg.url.set(username=role)
    limited = create_engine(url)
    try:
        with caplog.at_level(logging.WARNING, logger="varta.gateway.db"):
            upgrade_head(limited)
        assert "pg_trgm" in caplog.text
        assert trigram_indexes(pg) == {}
        plate, _ = fill(limited, 200)[7]
        with Session(limited) as session:
            rows = search_sightings(session, POLICE, SightingQuery(plate[:2] + "??" + plate[4:]))
        assert plate in {r.sighting.plate_text for r in rows}  # found, without an index
    finally:
        limited.dispose()
        with pg.connect() as conn:
            conn.exec_driver_sql("DROP OWNED BY varta_t_noext")
            conn.exec_driver_sql(f"DROP ROLE {role}")
            conn.commit()
