"""Camera registry (admin) and face authorisations (police; audited; expire by themselves)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gateway.authorisations.service import is_active
from gateway.db.models import FaceAuthorisation


def test_camera_registry_crud(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        body = {
            "id": "crud-1",
            "name": "Bridge",
            "village": "Ivanivka",
            "lat": 50.1,
            "lon": 30.2,
            "roi": " 0, 10,100,50",
        }
        r = c.post("/v1/cameras", json=body)
        assert (
            r.status_code == 201 and r.json()["roi"] == "0,10,100,50" and r.json()["faces_enabled"] is False
        )
        assert c.post("/v1/cameras", json=body).status_code == 409
        r = c.post("/v1/cameras", json={"id": "Bad Id!", "name": "x"})
        assert r.status_code == 422 and r.json()["field"] == "id"
        r = c.post("/v1/cameras", json={"id": "crud-2", "name": "x", "roi": "1,2,3"})
        assert r.status_code == 422 and r.json()["field"] == "roi"
        assert c.patch("/v1/cameras/crud-1", json={"enabled": False}).json()["enabled"] is False
        assert c.patch("/v1/cameras/nope", json={"enabled": False}).status_code == 404
        assert c.delete("/v1/cameras/crud-1").status_code == 204
        r = c.get("/v1/cameras/crud-1")
        assert r.status_code == 404 and "crud-1" in r.json()["detail"]
    with gateway.client(gateway.key("council", "council")) as c:
        r = c.post("/v1/cameras", json={"id": "x1", "name": "x"})
        assert r.status_code == 403 and "admin" in r.json()["detail"]


def test_deleting_the_only_camera_of_a_list_is_refused_not_widening_it(gateway: Any) -> None:
    """A list for one camera must not be left with none (= every camera) by deleting that camera."""
    with gateway.client(gateway.admin_key) as c:
        for cam in ("only-a", "only-b"):
            assert c.post("/v1/cameras", json={"id": cam, "name": cam}).status_code == 201
    with gateway.client(gateway.key("council", "council")) as c:
        one = c.post("/v1/watchlists", json={"kind": "plates", "name": "a", "camera_ids": ["only-a"]})
        two = c.post(
            "/v1/watchlists", json={"kind": "plates", "name": "ab", "camera_ids": ["only-a", "only-b"]}
        )
        one_id, two_id = one.json()["id"], two.json()["id"]
    with gateway.client(gateway.admin_key) as c:
        r = c.delete("/v1/cameras/only-a")
        assert r.status_code == 409 and str(one_id) in r.json()["detail"], r.text
        assert str(two_id) not in r.json()["detail"] and "камер" in r.json()["detail_uk"]
        assert c.get("/v1/cameras/only-a").status_code == 200
    with gateway.client(gateway.key("council", "council")) as c:
        assert c.get(f"/v1/watchlists/{one_id}").json()["camera_ids"] == ["only-a"]
        assert c.patch(f"/v1/watchlists/{one_id}", json={"camera_ids": ["only-b"]}).status_code == 200
    with gateway.client(gateway.admin_key) as c:
        assert c.delete("/v1/cameras/only-a").status_code == 204
    with gateway.client(gateway.key("council", "council")) as c:
        assert c.get(f"/v1/watchlists/{one_id}").json()["camera_ids"] == ["only-b"]
        assert c.get(f"/v1/watchlists/{two_id}").json()["camera_ids"] == ["only-b"]


def _auth_body(**over: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "legal_basis": "court ruling 1/2/26",
        "purpose": "missing child",
        "case_number": "12026-5",
        "camera_ids": ["auth-cam"],
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "expires_at": (now + timedelta(days=1)).isoformat(),
    } | over


def test_authorisations_are_police_only_validated_and_audited(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        c.post("/v1/cameras", json={"id": "auth-cam", "name": "Auth", "faces_enabled": True})
    police = gateway.key("police", "police")
    with gateway.client(police) as c:
        r = c.post("/v1/authorisations", json=_auth_body())
        assert r.status_code == 201, r.text
        auth = r.json()
        assert (
            auth["active"] is True
            and auth["camera_ids"] == ["auth-cam"]
            and auth["organisation_id"] == "police"
        )
        assert c.post("/v1/authorisations", json=_auth_body(camera_ids=["ghost"])).status_code == 404
        now = datetime.now(UTC)
        bad = _auth_body(expires_at=(now - timedelta(days=2)).isoformat())
        assert c.post("/v1/authorisations", json=bad).status_code == 422
        too_long = _auth_body(expires_at=(now + timedelta(days=400)).isoformat())
        assert "90 days" in c.post("/v1/authorisations", json=too_long).json()["detail"]
        start = now - timedelta(minutes=1)
        longest = {"starts_at": start.isoformat(), "expires_at": (start + timedelta(days=90)).isoformat()}
        r = c.post("/v1/authorisations", json=_auth_body(**longest))
        assert r.status_code == 201 and c.post(f"/v1/authorisations/{r.json()['id']}/revoke").is_success
        # 90 days and 23 hours is not "at most 90 days" (timedelta.days alone read it as 90)
        longer = longest | {"expires_at": (start + timedelta(days=90, hours=23)).isoformat()}
        r = c.post("/v1/authorisations", json=_auth_body(**longer))
        assert r.status_code == 422 and "90" in r.json()["detail_uk"], r.text
        assert c.post(f"/v1/authorisations/{auth['id']}/revoke").json()["active"] is False
        assert c.get("/v1/authorisations/999999").status_code == 404
    for role, org in (("council", "council"), ("admin", None)):
        key = gateway.admin_key if role == "admin" else gateway.key(role, org)
        with gateway.client(key) as c:
            r = c.post("/v1/authorisations", json=_auth_body())
            assert r.status_code == 403 and "police" in r.json()["detail"]
    with gateway.client(gateway.key("auditor")) as c:
        assert any(a["id"] == auth["id"] for a in c.get("/v1/authorisations").json())
        rows = c.get("/v1/audit", params={"action": "authorisation.create", "case_number": "12026-5"}).json()[
            "data"
        ]
        assert rows and rows[-1]["purpose"] == "missing child"


def test_an_authorisation_that_could_never_be_in_force_is_refused(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        c.post("/v1/cameras", json={"id": "auth-cam", "name": "Auth", "faces_enabled": True})
    with gateway.client(gateway.key("police", "police")) as c:
        # the same bound twice, also when one is given in another zone: an empty daily window
        for start, end in (("08:00", "08:00"), ("08:00+02:00", "06:00Z")):
            r = c.post("/v1/authorisations", json=_auth_body(daily_start=start, daily_end=end))
            assert r.status_code == 422 and r.json()["field"] == "daily_end", r.text
            assert "daily_start" in r.json()["detail_uk"]
        now = datetime.now(UTC)
        past = {
            "starts_at": (now - timedelta(days=30)).isoformat(),
            "expires_at": (now - timedelta(days=1)).isoformat(),
        }
        r = c.post("/v1/authorisations", json=_auth_body(**past))
        assert r.status_code == 422 and r.json()["field"] == "expires_at", r.text
        assert "минула" in r.json()["detail_uk"]
        r = c.post("/v1/authorisations", json=_auth_body(daily_start="22:00", daily_end="06:00"))
        assert r.status_code == 201 and c.post(f"/v1/authorisations/{r.json()['id']}/revoke").is_success


def test_authorisation_stops_by_itself_at_expiry() -> None:
    now = datetime.now(UTC)
    auth = FaceAuthorisation(starts_at=now - timedelta(hours=2), expires_at=now - timedelta(seconds=1))
    assert not is_active(auth, now)
    assert is_active(auth, now - timedelta(hours=1))


def test_resident_opens_a_permitted_camera_and_sees_only_public_fields(gateway: Any) -> None:
    public = {"id", "name", "village", "road", "direction", "lat", "lon"}
    with gateway.client(gateway.admin_key) as c:
        body = {"id": "res-open", "name": "Square", "village": "Ivanivka", "roi": "0,0,10,10"}
        assert c.post("/v1/cameras", json=body | {"resident_visible": True}).status_code == 201
        assert c.post("/v1/cameras", json={"id": "res-hidden", "name": "Yard"}).status_code == 201
        full = c.get("/v1/cameras/res-open")
        assert full.status_code == 200 and full.json()["roi"] == "0,0,10,10"
        assert {"resident_visible", "faces_enabled", "created_at"} <= set(full.json())
    with gateway.client(gateway.key("resident")) as c:
        r = c.get("/v1/cameras/res-open")
        assert r.status_code == 200, r.text
        assert set(r.json()) == public and r.json()["village"] == "Ivanivka"
        hidden = c.get("/v1/cameras/res-hidden")
        assert hidden.status_code == 404 and set(hidden.json()) >= {"error", "detail", "detail_uk"}
    with gateway.client(gateway.key("council", "council")) as c:
        assert c.get("/v1/cameras/res-open").json()["roi"] == "0,0,10,10"
