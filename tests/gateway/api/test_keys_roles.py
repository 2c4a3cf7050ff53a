"""Keys and roles over real HTTP: 401 without a valid key, 403 naming the needed role, least privilege."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any


def test_no_key_and_bad_key_are_401(gateway: Any) -> None:
    with gateway.client() as c:
        r = c.get("/v1/watchlists")
        assert r.status_code == 401
        assert r.json()["error"] == "unauthenticated" and r.json()["detail_uk"]
    with gateway.client("vk_" + "x" * 43) as c:
        assert c.get("/v1/keys/me").status_code == 401


def test_admin_creates_keys_shown_once_and_hashed(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        r = c.post("/v1/keys", json={"role": "auditor", "name": "auditor A"})
        assert r.status_code == 201
        body = r.json()
        assert body["key"].startswith("vk_") and body["key"].startswith(body["prefix"])
        listed = c.get("/v1/keys").json()
        assert body["key"] not in str(listed)
        assert all("key" not in k and "key_hash" not in k for k in listed)
    with gateway.client(body["key"]) as c:
        me = c.get("/v1/keys/me").json()
        assert me["role"] == "auditor" and me["key_id"] == body["id"]


def test_roles_are_refused_with_the_needed_role_named(gateway: Any) -> None:
    council = gateway.key("council", "council")
    with gateway.client(council) as c:
        r = c.post("/v1/keys", json={"role": "admin"})
        assert r.status_code == 403
        assert "admin" in r.json()["detail"] and r.json()["detail_uk"]
        assert c.get("/v1/audit").status_code == 403
        assert c.post("/v1/authorisations", json={}).status_code == 403
    with gateway.client(gateway.key("auditor")) as c:
        assert c.get("/v1/audit").status_code == 200
        r = c.get("/v1/watchlists")
        assert r.status_code == 403 and "council" in r.json()["detail"]


def test_a_key_shows_when_it_was_last_used(gateway: Any) -> None:
    """So an admin can tell a key in use from a forgotten one (or a stolen one still being used)."""
    with gateway.client(gateway.admin_key) as c:
        made = c.post("/v1/keys", json={"role": "auditor", "name": "last used"}).json()
        assert made["last_used_at"] is None
    with gateway.client(made["key"]) as c:
        assert c.get("/v1/keys/me").status_code == 200
    with gateway.client(gateway.admin_key) as c:
        listed = {k["id"]: k for k in c.get("/v1/keys").json()}
    used = listed[made["id"]]["last_used_at"]
    assert used is not None and datetime.fromisoformat(used) >= datetime.fromisoformat(made["created_at"])


def test_key_validation_and_unknown_ids(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        r = c.post("/v1/keys", json={"role": "police"})
        assert r.status_code == 422 and "organisation" in r.json()["detail"]
        r = c.post("/v1/keys", json={"role": "superuser"})
        assert r.status_code == 422 and "role" in r.json()["detail"]
        r = c.post("/v1/keys", json={"role": "council", "organisation": "mafia"})
        assert r.status_code == 404 and "mafia" in r.json()["detail"]
        for role, org in (("police", "council"), ("council", "police")):
            r = c.post("/v1/keys", json={"role": role, "organisation": org})
            assert r.status_code == 422 and r.json()["field"] == "organisation", r.text
            assert f"'{role}'" in r.json()["detail"] and f"«{role}»" in r.json()["detail_uk"]
        for role in ("resident", "auditor"):  # keys of no organisation say so, not ignore it
            r = c.post("/v1/keys", json={"role": role, "organisation": "police"})
            assert r.status_code == 422 and r.json()["field"] == "organisation", r.text
        r = c.delete("/v1/keys/987654")
        assert r.status_code == 404 and "987654" in r.json()["detail"]


def test_revoked_key_stops_working(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        made = c.post("/v1/keys", json={"role": "council", "organisation": "council"}).json()
    with gateway.client(made["key"]) as c:
        assert c.get("/v1/watchlists").status_code == 200
    with gateway.client(gateway.admin_key) as c:
        assert c.delete(f"/v1/keys/{made['id']}").json()["revoked_at"] is not None
    with gateway.client(made["key"]) as c:
        assert c.get("/v1/watchlists").status_code == 401


def test_the_last_admin_key_cannot_be_revoked(harness: Any, tmp_path: Path) -> None:
    """Revoking it would leave the API with no admin (only the server's command line could make one)."""
    with (
        harness.database("sqlite", tmp_path) as url,
        harness.start_gateway(harness.make_settings(tmp_path, url)) as gw,
    ):
        with gw.client(gw.admin_key) as c:
            first = c.get("/v1/keys/me").json()["key_id"]
            r = c.delete(f"/v1/keys/{first}")
            assert (
                r.status_code == 409
                and "admin" in r.json()["detail"]
                and "адміністратора" in r.json()["detail_uk"]
            )
            second = c.post("/v1/keys", json={"role": "admin", "name": "successor"}).json()
            assert c.delete(f"/v1/keys/{first}").json()["revoked_at"] is not None  # another one is left
        with gw.client(second["key"]) as c:
            assert c.delete(f"/v1/keys/{second['id']}").status_code == 409
            assert c.get("/v1/keys").status_code == 200


def test_camera_key_is_scoped_to_its_camera(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": "cam-keys", "name": "Keys"}).status_code == 201
        r = c.post("/v1/cameras/cam-keys/keys", json={"name": "agent"})
        assert r.status_code == 201 and r.json()["camera_id"] == "cam-keys" and r.json()["role"] == "camera"
        cam_key = r.json()["key"]
        assert c.post("/v1/cameras/nope/keys").status_code == 404
    with gateway.client(cam_key) as c:
        assert c.get("/v1/keys/me").json()["camera_id"] == "cam-keys"
        assert c.get("/v1/watchlists").status_code == 403
        assert c.get("/v1/cameras").status_code == 403


def test_resident_sees_only_permitted_cameras_and_no_settings(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        c.post(
            "/v1/cameras",
            json={"id": "cam-public", "name": "Square", "resident_visible": True, "roi": "1,2,3,4"},
        )
        c.post("/v1/cameras", json={"id": "cam-hidden", "name": "Hidden"})
    with gateway.client(gateway.key("resident")) as c:
        cams = c.get("/v1/cameras").json()
        ids = {x["id"] for x in cams}
        assert "cam-public" in ids and "cam-hidden" not in ids
        assert all("roi" not in x and "faces_enabled" not in x for x in cams)
        assert c.get("/v1/cameras/cam-hidden").status_code == 404
        assert c.get("/v1/watchlists").status_code == 403
        assert c.get("/v1/audit").status_code == 403
