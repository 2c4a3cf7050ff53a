"""The audit log over real HTTP: a row per action, read-only access, a database that refuses edits, and a
chain that exposes tampering by someone who removed that guard."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from gateway.audit import guard
from gateway.audit.chain import CHAINED_FIELDS, parse_anchor, row_digest, verify_chain
from gateway.cli import admin_main
from gateway.db.models import AuditRecord


def _rows(gateway: Any, **params: Any) -> list[dict[str, Any]]:
    with gateway.client(gateway.key("auditor")) as c:
        r = c.get("/v1/audit", params={"limit": 1000} | params)
        assert r.status_code == 200
        return list(r.json()["data"])


def test_each_action_writes_a_row(gateway: Any) -> None:
    council = gateway.key("council", "council")
    start = _rows(gateway)[-1]["id"]
    with gateway.client(council) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": "audited"}).json()
        c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA9999AA"})
        c.post(f"/v1/watchlists/{wl['id']}/plates/bulk", files={"file": ("a.csv", b"plate\nAA8888AA\n")})
        c.get(f"/v1/watchlists/{wl['id']}/entries")
        c.post("/v1/keys", json={"role": "admin"})  # refused: audited as denied
    rows = [r for r in _rows(gateway, after_id=start) if r["actor_key_id"] is not None]
    mine = [
        (r["action"], r["outcome"])
        for r in rows
        if r["organisation_id"] == "council" and r["role"] == "council"
    ]
    for expected in [
        ("watchlist.create", "ok"),
        ("watchlist.plate.add", "ok"),
        ("watchlist.plates.upload", "ok"),
        ("watchlist.entries.read", "ok"),
        ("access.denied", "denied"),
    ]:
        assert expected in mine
    upload = next(r for r in rows if r["action"] == "watchlist.plates.upload")
    assert (
        upload["result_count"] == 1
        and upload["watchlist_version"] == 3
        and upload["watchlist_id"] == wl["id"]
    )


def test_audit_is_read_only_and_filterable(gateway: Any) -> None:
    with gateway.client(gateway.key("auditor")) as c:
        assert c.delete("/v1/audit").status_code == 405
        assert c.post("/v1/audit", json={}).status_code == 405
        denied = c.get("/v1/audit", params={"outcome": "denied"}).json()["data"]
        assert all(r["outcome"] == "denied" for r in denied)
        prefixed = c.get("/v1/audit", params={"action": "watchlist.*"}).json()["data"]
        assert prefixed and all(r["action"].startswith("watchlist.") for r in prefixed)
    with gateway.client(gateway.key("police", "police")) as c:
        assert c.get("/v1/audit").status_code == 403


@contextmanager
def guard_dropped(engine: Any) -> Iterator[None]:
    """What a database owner could do: drop the append-only triggers (put back afterwards).

    Both steps go through one held connection. SQLite parses ``CREATE TRIGGER`` against the connection's
    cached schema without checking it is current, so a pooled connection that last looked before the
    drop would answer "trigger already exists"."""
    with engine.connect() as conn:
        guard.remove(conn)
        conn.commit()
        try:
            yield
        finally:
            guard.install(conn)
            conn.commit()


def test_the_database_refuses_to_change_or_delete_audit_rows(gateway: Any) -> None:
    engine = gateway.ctx.engine
    with engine.connect() as conn:
        row_id = conn.execute(text("SELECT max(id) FROM audit_log")).scalar_one()
    for sql, refusal in (
        ("UPDATE audit_log SET outcome = 'ok-edited' WHERE id = :i", guard.UPDATE_REFUSED),
        ("DELETE FROM audit_log WHERE id = :i", guard.DELETE_REFUSED),
    ):
        with pytest.raises(DBAPIError, match=refusal), engine.begin() as conn:
            conn.execute(text(sql), {"i": row_id})
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log WHERE id = :i"), {"i": row_id}).scalar() == 1
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match=guard.DELETE_REFUSED), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    if engine.dialect.name == "sqlite":  # another program has no varta_audit_purge(): its delete fails too
        other = sqlite3.connect(engine.url.database)
        with pytest.raises(sqlite3.OperationalError, match="varta_audit_purge"):
            other.execute("DELETE FROM audit_log WHERE id = ?", (row_id,))
        other.close()


@pytest.fixture
def tamper(gateway: Any) -> Any:
    """Edit one audit row behind the API's back (the triggers dropped first); put it back afterwards."""
    engine = gateway.ctx.engine
    with guard_dropped(engine):
        with engine.begin() as conn:
            row_id, outcome = conn.execute(
                text("SELECT id, outcome FROM audit_log ORDER BY id DESC LIMIT 1")
            ).one()
            conn.execute(text("UPDATE audit_log SET outcome = 'ok-edited' WHERE id = :i"), {"i": row_id})
        yield row_id
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET outcome = :o WHERE id = :i"), {"o": outcome, "i": row_id})


def test_chain_verifies_and_detects_a_tampered_row(gateway: Any, tamper: int, monkeypatch: Any) -> None:
    with gateway.client(gateway.key("auditor")) as c:
        verdict = c.get("/v1/audit/verify").json()
    assert verdict["ok"] is False and verdict["bad_id"] == tamper and "hash" in verdict["reason"]
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    monkeypatch.setenv("VARTA_DATABASE_URL", gateway.settings.db_url)
    assert admin_main(["--data-dir", str(gateway.settings.data_dir), "audit-verify"]) == 1


def test_chain_is_intact_without_tampering(gateway: Any, monkeypatch: Any) -> None:
    with gateway.client(gateway.key("auditor")) as c:
        verdict = c.get("/v1/audit/verify").json()
    assert verdict["ok"] is True and verdict["checked"] > 5
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    monkeypatch.setenv("VARTA_DATABASE_URL", gateway.settings.db_url)
    assert admin_main(["--data-dir", str(gateway.settings.data_dir), "audit-verify"]) == 0


def test_deleted_row_breaks_the_link(gateway: Any) -> None:
    engine = gateway.ctx.engine
    with guard_dropped(engine):
        with engine.begin() as conn:
            rows = conn.execute(text("SELECT * FROM audit_log ORDER BY id DESC LIMIT 3")).mappings().all()
            middle = dict(rows[1])
            conn.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": middle["id"]})
        try:
            with gateway.client(gateway.key("auditor")) as c:
                verdict = c.get("/v1/audit/verify").json()
            assert (
                verdict["ok"] is False and verdict["bad_id"] == rows[0]["id"] and "link" in verdict["reason"]
            )
        finally:
            cols = ", ".join(middle)
            with engine.begin() as conn:
                conn.execute(
                    text(f"INSERT INTO audit_log ({cols}) VALUES ({', '.join(':' + k for k in middle)})"),
                    middle,
                )


def test_chain_head_is_an_anchor_the_verification_checks(gateway: Any, monkeypatch: Any) -> None:
    with gateway.client(gateway.key("auditor")) as c:
        head = c.get("/v1/audit/head").json()
        assert head["anchor"] == f"{head['id']}:{head['row_hash']}"
        good = c.get("/v1/audit/verify", params={"anchor": head["anchor"]}).json()
        assert good["ok"] is True
        wrong = c.get("/v1/audit/verify", params={"anchor": f"{head['id']}:{'0' * 64}"}).json()
        assert wrong["ok"] is False and wrong["bad_id"] == head["id"] and "anchor" in wrong["reason"]
        bad = c.get("/v1/audit/verify", params={"anchor": "12:not-a-hash"})
        assert (
            bad.status_code == 422
            and "ID:HASH" in bad.json()["detail"]
            and "ID:HASH" in bad.json()["detail_uk"]
        )
    with gateway.client(gateway.key("police", "police")) as c:
        assert c.get("/v1/audit/head").status_code == 403
    monkeypatch.setenv("VARTA_ENVIRONMENT", "dev")
    monkeypatch.setenv("VARTA_DATABASE_URL", gateway.settings.db_url)
    base = ["--data-dir", str(gateway.settings.data_dir), "audit-verify"]
    assert admin_main([*base, "--anchor", head["anchor"]]) == 0
    assert admin_main([*base, "--anchor", f"{head['id']}:{'f' * 64}"]) == 1
    assert admin_main([*base, "--anchor", "nonsense"]) == 2


@pytest.mark.parametrize(
    "anchor",
    [
        "99999999999999999999:" + "a" * 64,  # beyond the id range: no row could ever have it
        "2147483648:" + "a" * 64,
        "0:" + "0" * 64,  # ids start at 1: passed as "purged" whatever its hash
        "0:" + "f" * 64,
        "٣:" + "a" * 64,  # an Arabic-Indic digit
        "9" * 5000 + ":" + "a" * 64,  # more digits than int() takes
    ],
)
def test_an_anchor_whose_id_names_no_possible_row_is_422(gateway: Any, anchor: str) -> None:
    with gateway.client(gateway.key("auditor")) as c:
        r = c.get("/v1/audit/verify", params={"anchor": anchor})
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["error"] == "validation_error" and err["field"] == "anchor", err
    assert "from 1 to 2147483647" in err["detail"] and "від 1 до 2147483647" in err["detail_uk"], err


def test_the_largest_id_is_an_anchor_that_is_checked() -> None:
    assert parse_anchor(f"2147483647:{'a' * 64}") == (2147483647, "a" * 64)
    assert parse_anchor(f" 1:{'b' * 64} ") == (1, "b" * 64)


def test_an_anchor_catches_a_chain_rewritten_from_end_to_end(gateway: Any) -> None:
    """An attacker who drops the guard, edits a row and recomputes every later hash keeps the chain
    consistent; the anchor recorded before still exposes it."""
    with gateway.client(gateway.key("auditor")) as c:
        anchor = parse_anchor(c.get("/v1/audit/head").json()["anchor"])
    engine = gateway.ctx.engine
    with guard_dropped(engine):
        with engine.begin() as conn:
            original = (
                conn.execute(
                    select(AuditRecord.__table__).where(AuditRecord.id >= anchor[0]).order_by(AuditRecord.id)
                )
                .mappings()
                .all()
            )
            prev = original[0]["prev_hash"]
            for row in original:
                fields = {name: row[name] for name in CHAINED_FIELDS}
                if row["id"] == anchor[0]:
                    fields["outcome"] = "denied" if row["outcome"] == "ok" else "ok"
                new = row_digest(prev, fields)
                conn.execute(
                    text("UPDATE audit_log SET outcome = :o, prev_hash = :p, row_hash = :h WHERE id = :i"),
                    {"o": fields["outcome"], "p": prev, "h": new, "i": row["id"]},
                )
                prev = new
        try:
            with gateway.ctx.sessions() as session:
                assert verify_chain(session).ok  # consistent again: the chain alone cannot tell
                caught = verify_chain(session, anchors=[anchor])
            assert not caught.ok and caught.bad_id == anchor[0] and "anchor" in caught.reason
        finally:
            with engine.begin() as conn:
                for row in original:
                    conn.execute(
                        text(
                            "UPDATE audit_log SET outcome = :o, prev_hash = :p, row_hash = :h WHERE id = :i"
                        ),
                        {"o": row["outcome"], "p": row["prev_hash"], "h": row["row_hash"], "i": row["id"]},
                    )
    with gateway.ctx.sessions() as session:
        assert verify_chain(session, anchors=[anchor]).ok


def test_a_burst_of_audited_requests_does_not_wait_on_the_pool(gateway: Any) -> None:
    """Each audited request holds its own connection while its audit row is written: with one pool,
    30 at once filled it and every one waited 30 s for a second connection (503 database_busy)."""
    council = gateway.key("council", "council")

    def read_alerts(_: int) -> tuple[int, float]:
        start = time.monotonic()
        with gateway.client(council) as c:
            status = c.get("/v1/alerts", params={"limit": 1}).status_code
        return status, time.monotonic() - start

    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(read_alerts, range(30)))
    assert [s for s, _ in answers] == [200] * 30
    assert max(t for _, t in answers) < 20, answers
