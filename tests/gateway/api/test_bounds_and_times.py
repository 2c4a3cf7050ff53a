"""Numbers and times beyond what the database holds, and times without a zone, are a 422 that says so.

Each case here was a 500 before: an id or page position past 2**63 - 1 overflowed SQLite's INTEGER, a
time without a zone reached a UTC column, a time whose UTC equivalent lies before year 1 overflowed,
and an authorisation's daily window given with a zone was stored (and switched face matching on) before
its answer failed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

import cv2
import numpy as np
import pytest

from gateway.db.models import FaceAuthorisation
from gateway.pipeline.context import authorisation_active

HUGE = str(2**63)
ANCIENT = "0001-01-01T00:00:00+01:00"  # year 0 in UTC


def _jpeg() -> bytes:
    ok, buf = cv2.imencode(".jpg", np.full((64, 64, 3), 128, np.uint8))
    assert ok
    return buf.tobytes()


def _assert_422(r: Any, field: str, en: str, uk: str) -> None:
    assert r.status_code == 422, (r.status_code, r.text)
    body = r.json()
    assert body.get("field") == field, body
    assert en in body["detail"] and uk in body["detail_uk"], body
    assert "Input should" not in body["detail_uk"] and "Value error" not in body["detail_uk"], body


def _camera(gw: Any) -> tuple[str, str]:
    cam = f"bt-{uuid.uuid4().hex[:8]}"
    with gw.client(gw.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": cam, "name": "Bounds"}).status_code == 201
        r = c.post(f"/v1/cameras/{cam}/keys", json={})
        assert r.status_code == 201, r.text
        return cam, str(r.json()["key"])


def test_ids_and_page_positions_past_the_column_range_are_422(gateway: Any) -> None:
    council = gateway.key("council", "council")
    police = {"X-Purpose": "bounds test", "X-Case-Number": "12026-77"}
    with gateway.client(council) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": f"b-{uuid.uuid4().hex[:6]}"}).json()[
            "id"
        ]
        cases = [
            (c.get(f"/v1/watchlists/{HUGE}"), "watchlist_id"),
            (c.delete(f"/v1/watchlists/{wl}/plates/{HUGE}"), "entry_id"),
            (c.get(f"/v1/watchlists/{wl}/entries", params={"offset": str(2**64)}), "offset"),
            (c.get("/v1/sightings", params={"offset": str(2**64)}), "offset"),
            (c.get("/v1/alerts", params={"offset": str(2**64)}), "offset"),
            (c.get("/v1/reports", params={"offset": str(2**64)}), "offset"),
        ]
    with gateway.client(gateway.admin_key) as c:
        cases.append((c.delete(f"/v1/keys/{HUGE}"), "key_id"))
        cases.append((c.get("/v1/audit", params={"after_id": HUGE}), "after_id"))
        cases.append((c.get("/v1/audit", params={"watchlist_id": HUGE}), "watchlist_id"))
    with gateway.client(gateway.key("police", "police"), **police) as c:
        cases.append((c.get(f"/v1/authorisations/{HUGE}"), "auth_id"))
    for r, field in cases:
        _assert_422(r, field, "must be <=", "має бути не більше")
    with gateway.client(council) as c:  # an id in range that names nothing is still a 404
        assert c.get("/v1/watchlists/2147483647").status_code == 404
        assert c.get(f"/v1/watchlists/{wl}").status_code == 200


def test_time_filters_need_a_zone(gateway: Any) -> None:
    with gateway.client(gateway.key("council", "council")) as c:
        naive = [
            (c.get("/v1/sightings", params={"since": "2026-11-01T00:00:00"}), "since"),
            (c.get("/v1/alerts", params={"until": "2026-11-01T00:00:00"}), "until"),
        ]
        zoned = c.get("/v1/sightings", params={"since": "2026-11-01T00:00:00+02:00"})
    with gateway.client(gateway.admin_key) as c:
        naive.append((c.get("/v1/audit", params={"since": "2026-11-01T00:00:00"}), "since"))
    for r, field in naive:
        _assert_422(r, field, "needs a time zone", "потрібен часовий пояс")
    assert zoned.status_code == 200


def test_a_number_is_no_date_and_time(gateway: Any) -> None:
    """Pydantic would read ``20261231`` as seconds since 1970: a search from 1970, an entry expired then."""
    council = gateway.key("council", "council")
    with gateway.client(council) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": "numbers"}).json()
        answers = [
            (c.get("/v1/sightings", params={"since": "20261231"}), "since"),
            (c.get("/v1/alerts", params={"until": "1764000000"}), "until"),
            (c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA1234BB", "valid_until": 20991231}),
             "valid_until"),
            (c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA1234BB", "valid_until": "2.1e9"}),
             "valid_until"),
        ]  # fmt: skip
        assert c.get(f"/v1/watchlists/{wl['id']}").json()["entry_count"] == 0
    for r, field in answers:
        _assert_422(r, field, "not a number", "а не числом")


def test_times_outside_utc_range_are_422_and_nothing_is_stored(gateway: Any) -> None:
    out = ("out of range", "поза допустимим діапазоном")
    council = gateway.key("council", "council")
    with gateway.client(council) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": f"t-{uuid.uuid4().hex[:6]}"}).json()[
            "id"
        ]
        _assert_422(
            c.post(f"/v1/watchlists/{wl}/plates", json={"plate": "AA5555BB", "valid_until": ANCIENT}),
            "valid_until",
            *out,
        )
        assert c.get(f"/v1/watchlists/{wl}/entries").json()["count"] == 0
        _assert_422(c.get("/v1/sightings", params={"since": ANCIENT}), "since", *out)
    with gateway.client(gateway.admin_key) as c:
        _assert_422(c.get("/v1/audit", params={"until": ANCIENT}), "until", *out)
    cam, cam_key = _camera(gateway)
    headers = {"X-Camera-Id": cam, "Idempotency-Key": uuid.uuid4().hex, "Content-Type": "image/jpeg"}
    with gateway.client(cam_key) as c:
        r = c.post(
            "/v1/frames", content=_jpeg(), headers=headers | {"X-Capture-Time": "0001-01-01T00:30:00+01:00"}
        )
        _assert_422(r, "X-Capture-Time", *out)
        old = (datetime.now(UTC) - timedelta(days=400)).isoformat()
        r = c.post("/v1/frames", content=_jpeg(), headers=headers | {"X-Capture-Time": old})
        _assert_422(r, "X-Capture-Time", "days in the past", "днів у минулому")
    with gateway.client(gateway.key("resident")) as c:
        form = {"description": "a car", "recipient": "council", "observed_at": ANCIENT}
        r = c.post("/v1/reports", data=form, files={"file": ("p.jpg", _jpeg(), "image/jpeg")})
        _assert_422(r, "observed_at", *out)
        assert c.get("/v1/reports").json()["count"] == 0


def _auth(**over: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "legal_basis": "court ruling 9/9/26",
        "purpose": "missing person",
        "case_number": "12026-88",
        "camera_ids": ["bt-auth"],
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "expires_at": (now + timedelta(days=1)).isoformat(),
    } | over


def test_a_daily_window_with_a_zone_is_stored_in_utc(gateway: Any) -> None:
    with gateway.client(gateway.admin_key) as c:
        c.post("/v1/cameras", json={"id": "bt-auth", "name": "Auth", "faces_enabled": True})
    with gateway.client(gateway.key("police", "police")) as c:
        r = c.post("/v1/authorisations", json=_auth(daily_start="08:00:00+02:00", daily_end="10:00:00+02:00"))
        assert r.status_code == 201, r.text
        assert (r.json()["daily_start"], r.json()["daily_end"]) == ("06:00:00", "08:00:00")
        r = c.post("/v1/authorisations", json=_auth(daily_start="00:00:00Z", daily_end="23:59:59Z"))
        assert r.status_code == 201 and r.json()["active"] is True, r.text
        assert c.get(f"/v1/authorisations/{r.json()['id']}").json()["daily_end"] == "23:59:59"
        now = datetime.now(UTC)
        backwards = _auth(expires_at=(now - timedelta(hours=1)).isoformat())
        _assert_422(
            c.post("/v1/authorisations", json=backwards), "expires_at", "must be after", "має бути пізніше"
        )
        half = _auth(daily_start="08:00:00")
        _assert_422(
            c.post("/v1/authorisations", json=half), "daily_end", "give both", "вкажіть і daily_start"
        )
        too_long = _auth(expires_at=(now + timedelta(days=120)).isoformat())
        _assert_422(c.post("/v1/authorisations", json=too_long), "expires_at", "90 days", "90 днів")


def test_a_capture_time_with_a_zone_is_judged_in_utc() -> None:
    """A window of 08:00-10:00 UTC; a frame taken at 07:00 UTC and sent as 09:00+02:00 lies outside it."""
    auth = FaceAuthorisation(
        starts_at=datetime(2026, 11, 1, tzinfo=UTC),
        expires_at=datetime(2026, 12, 1, tzinfo=UTC),
        daily_start=time(8),
        daily_end=time(10),
        revoked_at=None,
    )
    sent = datetime(2026, 11, 20, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    assert not authorisation_active(auth, sent)
    assert authorisation_active(auth, datetime(2026, 11, 20, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize("body", ['{"kind": "plates", "name": ', "not json at all"])
def test_a_body_that_is_not_json_names_no_field(gateway: Any, body: str) -> None:
    with gateway.client(gateway.key("council", "council")) as c:
        r = c.post("/v1/watchlists", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert r.json()["field"] is None, r.json()
    assert "not valid JSON" in r.json()["detail"] and "не є коректним JSON" in r.json()["detail_uk"]
