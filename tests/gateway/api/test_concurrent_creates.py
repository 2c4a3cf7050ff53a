"""Creates that race each other or a delete: the database's constraint decides, and the request that
lost gets a 409 ``conflict``, never a 500 (the check before the insert cannot see a row another request
has not committed yet)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from gateway.auth.keys import revoke_key
from gateway.cameras.service import delete_camera
from gateway.db.models import Camera
from gateway.errors import Conflict, constraint_violated

THREADS = 6


def at_once(make: Callable[[httpx.Client], httpx.Response], n: int = THREADS) -> list[httpx.Response]:
    """``n`` requests released together (a barrier), each on its own connection."""
    barrier = threading.Barrier(n)
    answers: list[httpx.Response] = []

    def one() -> None:
        with httpx.Client(timeout=60) as c:
            barrier.wait()
            answers.append(make(c))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


@contextmanager
def camera_check_says(monkeypatch: pytest.MonkeyPatch, camera_id: str, exists: bool) -> Iterator[None]:
    """``session.get(Camera, camera_id)`` answers as if the camera did (``exists``) or did not exist,
    whatever the table holds: the view of a request that made its check just before another request's
    insert or delete was committed."""
    real_get = Session.get

    def get(self: Session, entity: Any, ident: Any, **kw: Any) -> Any:
        if entity is not Camera or ident != camera_id:
            return real_get(self, entity, ident, **kw)
        if not exists:
            return None
        row = Camera(id=camera_id, name=camera_id)
        make_transient_to_detached(row)  # a row the session believes is stored
        return self.merge(row, load=False)

    with monkeypatch.context() as m:
        m.setattr(Session, "get", get)
        yield


def assert_conflict(r: httpx.Response) -> None:
    assert r.status_code == 409, r.text
    err = r.json()
    assert err["error"] == "conflict" and err["detail"] and err["detail_uk"], err
    assert not any(w in err["detail_uk"] for w in ("UNIQUE", "constraint", "Integrity")), err


def test_identical_camera_creates_at_once_give_one_201_and_409s(gateway: Any) -> None:
    admin = {"Authorization": f"Bearer {gateway.admin_key}"}
    for trial in range(5):
        body = {"id": f"race-{secrets.token_hex(3)}-{trial}", "name": "race"}
        answers = at_once(lambda c, body=body: c.post(f"{gateway.url}/v1/cameras", json=body, headers=admin))
        codes = sorted(r.status_code for r in answers)
        assert codes == [201] + [409] * (THREADS - 1), [r.text for r in answers]
        for r in answers:
            if r.status_code == 409:
                assert_conflict(r)


def test_a_camera_create_that_lost_the_race_after_its_check_is_409(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cam = f"lost-{secrets.token_hex(3)}"
    with gateway.client(gateway.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": cam, "name": "first"}).status_code == 201
        with camera_check_says(monkeypatch, cam, exists=False):
            assert_conflict(c.post("/v1/cameras", json={"id": cam, "name": "second"}))
        assert c.get(f"/v1/cameras/{cam}").json()["name"] == "first"


def test_references_to_a_camera_deleted_after_the_check_are_409(
    gateway: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A camera key, a watchlist and a face authorisation for a camera another request deleted between
    their check and their insert: the foreign key refuses the row, the answer is a conflict."""
    cam = f"gone-{secrets.token_hex(3)}"
    police = gateway.key("police", "police")
    with gateway.client(gateway.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": cam, "name": cam}).status_code == 201
        assert c.delete(f"/v1/cameras/{cam}").status_code == 204
    with camera_check_says(monkeypatch, cam, exists=True):
        with gateway.client(gateway.admin_key) as c:
            assert_conflict(c.post(f"/v1/cameras/{cam}/keys", json={}))
        with gateway.client(gateway.key("council", "council")) as c:
            assert_conflict(
                c.post("/v1/watchlists", json={"kind": "plates", "name": "x", "camera_ids": [cam]})
            )
        with gateway.client(police) as c:
            now = datetime.now(UTC)
            body = {
                "legal_basis": "court ruling 1/2/3",
                "purpose": "search for a missing child",
                "case_number": "1",
                "camera_ids": [cam],
                "starts_at": now.isoformat(),
                "expires_at": (now + timedelta(days=7)).isoformat(),
            }
            assert_conflict(c.post("/v1/authorisations", json=body))


class _Orig(Exception):
    """A driver error as SQLAlchemy wraps it: PostgreSQL's SQLSTATE, SQLite's extended error name."""

    def __init__(self, text: str, sqlstate: str | None = None, sqlite_errorname: str | None = None) -> None:
        super().__init__(text)
        self.sqlstate = sqlstate
        self.sqlite_errorname = sqlite_errorname


@pytest.mark.parametrize(
    ("orig", "kind"),
    [
        (_Orig("UNIQUE constraint failed: cameras.id", None, "SQLITE_CONSTRAINT_PRIMARYKEY"), "unique"),
        (_Orig("UNIQUE constraint failed: api_keys.prefix", None, "SQLITE_CONSTRAINT_UNIQUE"), "unique"),
        (_Orig("FOREIGN KEY constraint failed", None, "SQLITE_CONSTRAINT_FOREIGNKEY"), "foreign_key"),
        (_Orig('duplicate key value violates unique constraint "cameras_pkey"', "23505"), "unique"),
        (
            _Orig('insert or update on table "api_keys" violates foreign key constraint', "23503"),
            "foreign_key",
        ),
        (_Orig("NOT NULL constraint failed: cameras.name", None, "SQLITE_CONSTRAINT_NOTNULL"), None),
        (_Orig('null value in column "name" violates not-null constraint', "23502"), None),
        (_Orig("CHECK constraint failed: x", None, "SQLITE_CONSTRAINT_CHECK"), None),
        (_Orig("UNIQUE constraint failed: cameras.id"), "unique"),  # no extended name: the text decides
        (_Orig("FOREIGN KEY constraint failed"), "foreign_key"),
    ],
)
def test_only_constraints_a_concurrent_request_can_break_are_conflicts(orig: _Orig, kind: str | None) -> None:
    assert constraint_violated(IntegrityError("INSERT ...", {}, orig)) == kind


def second_while_first_uncommitted(
    sessions: Callable[[], Session], first: Callable[[Session], object], second: Callable[[Session], object]
) -> str:
    """Run ``first`` (flushed, not committed) and, meanwhile, ``second`` in another thread; check that
    the second waits for the first, then commit the first. What became of the second: ``"done"`` or
    ``"refused"`` (a ``Conflict``, rolled back)."""
    outcome: list[str] = []

    def run_second() -> None:
        with sessions() as session:
            try:
                second(session)
                session.commit()
                outcome.append("done")
            except Conflict:
                session.rollback()
                outcome.append("refused")

    with sessions() as session:
        first(session)
        other = threading.Thread(target=run_second)
        other.start()
        other.join(0.5)
        assert other.is_alive() and not outcome  # waiting for the first
        session.commit()
    other.join(20)
    return outcome[0]


def test_deleting_a_lists_last_two_cameras_at_once_leaves_it_one(gateway: Any) -> None:
    """A list with no camera applies to every camera: the first delete holds its change uncommitted
    while the second runs, and the second, once the first is in, finds the list's last camera."""
    tag = secrets.token_hex(3)
    x, y = f"race-x-{tag}", f"race-y-{tag}"
    with gateway.client(gateway.admin_key) as c:
        for cam in (x, y):
            assert c.post("/v1/cameras", json={"id": cam, "name": cam}).status_code == 201
        made = c.post("/v1/watchlists", json={"kind": "plates", "name": tag, "camera_ids": [x, y]})
        assert made.status_code == 201, made.text
    deletes = (lambda s: delete_camera(s, x)), (lambda s: delete_camera(s, y))
    assert second_while_first_uncommitted(gateway.ctx.sessions, *deletes) == "refused"
    with gateway.client(gateway.admin_key) as c:
        assert c.get(f"/v1/watchlists/{made.json()['id']}").json()["camera_ids"] == [y]


def test_two_requests_revoking_the_last_two_admin_keys_at_once_leave_one(
    harness: Any, backend: str, tmp_path: Path
) -> None:
    """The second revocation waits for the first (PostgreSQL: the locked admin keys; SQLite: the write
    lock), then finds no other admin key left. A gateway of its own: the shared one's admin key stays."""
    with (
        harness.database(backend, tmp_path) as url,
        harness.start_gateway(harness.make_settings(tmp_path, url)) as gw,
    ):
        with gw.client(gw.admin_key) as c:
            first = c.get("/v1/keys/me").json()["key_id"]
            second = c.post("/v1/keys", json={"role": "admin", "name": "successor"}).json()
        revokes = (lambda s: revoke_key(s, first)), (lambda s: revoke_key(s, second["id"]))
        assert second_while_first_uncommitted(gw.ctx.sessions, *revokes) == "refused"
        with gw.client(second["key"]) as c:
            assert c.get("/v1/keys").status_code == 200


def test_a_change_to_a_camera_deleted_meanwhile_is_409(gateway: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PATCH read the camera, then another request deleted it before the PATCH wrote: its UPDATE
    matches no row (SQLAlchemy's StaleDataError), which is the same conflict as a lost insert race."""
    from gateway.cameras import service

    cam = f"stale-{secrets.token_hex(3)}"
    with gateway.client(gateway.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": cam, "name": cam}).status_code == 201
    read = service.get_camera

    def read_then_deleted(session: Session, camera_id: str) -> Camera:
        found = read(session, camera_id)
        with gateway.ctx.sessions() as other:
            other.delete(other.get(Camera, camera_id))
            other.commit()
        return found

    monkeypatch.setattr(service, "get_camera", read_then_deleted)
    with gateway.client(gateway.admin_key) as c:
        assert_conflict(c.patch(f"/v1/cameras/{cam}", json={"name": "renamed"}))
    monkeypatch.undo()
    with gateway.client(gateway.admin_key) as c:
        assert c.get(f"/v1/cameras/{cam}").status_code == 404
