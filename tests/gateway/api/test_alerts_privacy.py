"""Alerts and sightings between organisations, over real HTTP on the shared gateways (real plate model).

A police list that is not shared stays invisible to the council: its alerts, their evidence and whether
a sighting hit it, also after the list is deleted and a new list is created. Police state a purpose and
a case number to read alerts; refused reads of another organisation's alert or list are audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import text

from gateway.bench import GatewayDriver, frame_headers

PURPOSE = {"X-Purpose": "stolen car", "X-Case-Number": "12026-0423"}
EVIDENCE = ("crop.jpg", "frame.jpg")


@cache
def rendered(seed: int) -> tuple[str, bytes]:
    from recognizers.common.image import encode_jpeg
    from recognizers.synth import render_plate

    plate = render_plate(seed, layout="current", height_range=(50, 90))
    return plate.text, encode_jpeg(plate.image_bgr, 90)


@dataclass
class Hit:
    camera: str
    plate: str
    watchlist_id: int
    entry_id: int
    alert_id: str


def police(gateway: Any) -> str:
    return str(gateway.key("police", "police"))


def council(gateway: Any) -> str:
    return str(gateway.key("council", "council"))


def hit(gateway: Any, drv: GatewayDriver, seed: int, owner: str = "police", **list_extra: Any) -> Hit:
    """A list of ``owner`` with the rendered plate, on a camera of its own, and one frame that hits it."""
    plate, jpeg = rendered(seed)
    camera = f"priv-{secrets.token_hex(4)}"
    cam_key = drv.camera(camera, faces=False)
    key = gateway.key(owner, owner)
    wl = drv.watchlist(key, "plates", f"{owner} {camera}", camera_ids=[camera], **list_extra)
    entry = drv.plate(key, wl, plate, reason=f"{owner}-reason")
    r = drv.http.post("/v1/frames", content=jpeg, headers=frame_headers(camera, cam_key, "f1"))
    assert r.status_code == 200, r.text
    frame_id = r.json()["frame_id"]  # the camera's answer names no alert: read them as the owner does
    alerts = [a for a in get(gateway, key, "/v1/alerts").json()["data"] if a["frame_id"] == frame_id]
    assert [(a["watchlist_id"], a["entry_id"]) for a in alerts] == [(wl, entry)], alerts
    return Hit(camera, plate, wl, entry, alerts[0]["id"])


def get(gateway: Any, key: str, path: str, **params: Any) -> Any:
    headers = PURPOSE if key == police(gateway) else {}
    with gateway.client(key, **headers) as c:
        return c.get(path, params=params)


def audit_rows(gateway: Any, **params: Any) -> list[dict[str, Any]]:
    with gateway.client(gateway.key("auditor")) as c:
        r = c.get("/v1/audit", params={"limit": 1000} | params)
        assert r.status_code == 200, r.text
        return list(r.json()["data"])


def last_audit_id(gateway: Any) -> int:
    with gateway.client(gateway.key("auditor")) as c:
        return int(c.get("/v1/audit/head").json()["id"])


def assert_invisible_to_council(gateway: Any, h: Hit) -> None:
    key = council(gateway)
    listed = get(gateway, key, "/v1/alerts", camera_id=h.camera)
    assert listed.status_code == 200 and listed.json()["data"] == []
    assert get(gateway, key, f"/v1/alerts/{h.alert_id}").status_code == 404
    for name in EVIDENCE:
        assert get(gateway, key, f"/v1/alerts/{h.alert_id}/evidence/{name}").status_code == 404


def assert_visible_to_police(gateway: Any, h: Hit) -> dict[str, Any]:
    key = police(gateway)
    listed = get(gateway, key, "/v1/alerts", camera_id=h.camera)
    assert [a["id"] for a in listed.json()["data"]] == [h.alert_id], listed.text
    detail = get(gateway, key, f"/v1/alerts/{h.alert_id}")
    assert detail.status_code == 200, detail.text
    for name in EVIDENCE:
        r = get(gateway, key, f"/v1/alerts/{h.alert_id}/evidence/{name}")
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    return dict(detail.json())


# ------------------------------------------------------------------ ids are never reused


def test_a_deleted_lists_id_is_never_given_to_a_new_list(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=23)
    assert_invisible_to_council(gateway, h)
    drv.call("DELETE", f"/v1/watchlists/{h.watchlist_id}", police(gateway), 204)
    new = drv.watchlist(council(gateway), "plates", f"council after {h.camera}")
    entry = drv.plate(council(gateway), new, "AA0001AA")
    assert new > h.watchlist_id and entry > h.entry_id
    # the alert stays with the police, as evidence for its case, and never moves to the council
    assert_invisible_to_council(gateway, h)
    assert assert_visible_to_police(gateway, h)["entry"] is None  # the entry went with its list


def _force_id(gateway: Any, table: str, old: int, new: int) -> None:
    """What a database that reused ids (before AUTOINCREMENT) may hold: a new row under an old id."""
    with gateway.ctx.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET id = :new WHERE id = :old"), {"new": new, "old": old})


def test_alert_visibility_does_not_follow_a_reused_list_id(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=29)
    drv.call("DELETE", f"/v1/watchlists/{h.watchlist_id}", police(gateway), 204)
    new = drv.watchlist(council(gateway), "plates", f"council reuse {h.camera}")
    _force_id(gateway, "watchlists", new, h.watchlist_id)
    entry = drv.plate(council(gateway), h.watchlist_id, "AA0002AA")
    _force_id(gateway, "plate_entries", entry, h.entry_id)
    assert_invisible_to_council(gateway, h)
    detail = assert_visible_to_police(gateway, h)
    assert detail["entry"] is None  # not the council's entry that now has the old id


def test_a_shared_list_shows_its_alerts_until_it_is_deleted(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=31, shared_with=["council"])
    listed = get(gateway, council(gateway), "/v1/alerts", camera_id=h.camera).json()["data"]
    assert [a["id"] for a in listed] == [h.alert_id]
    assert get(gateway, council(gateway), f"/v1/alerts/{h.alert_id}").json()["entry"]["label"] == h.plate
    drv.call("DELETE", f"/v1/watchlists/{h.watchlist_id}", police(gateway), 204)
    assert_invisible_to_council(gateway, h)
    assert_visible_to_police(gateway, h)


def test_a_list_shared_under_a_reused_id_does_not_share_older_alerts(
    gateway: Any, drv: GatewayDriver
) -> None:
    h = hit(gateway, drv, seed=37)
    drv.call("DELETE", f"/v1/watchlists/{h.watchlist_id}", police(gateway), 204)
    new = drv.watchlist(police(gateway), "plates", f"police again {h.camera}")
    _force_id(gateway, "watchlists", new, h.watchlist_id)
    body = {"shared_with": ["council"]}
    drv.call("PATCH", f"/v1/watchlists/{h.watchlist_id}", police(gateway), json=body)
    assert_invisible_to_council(gateway, h)
    assert_visible_to_police(gateway, h)


# ------------------------------------------------------------------ police state why they read alerts


def test_police_read_alerts_only_with_a_purpose_and_a_case_number(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=41, shared_with=["council"])
    paths = [
        "/v1/alerts",
        f"/v1/alerts/{h.alert_id}",
        *(f"/v1/alerts/{h.alert_id}/evidence/{n}" for n in EVIDENCE),
    ]
    for headers in ({}, {"X-Purpose": "stolen car"}, {"X-Case-Number": "12026-0423"}):
        with gateway.client(police(gateway), **headers) as c:
            for path in paths:
                r = c.get(path)
                assert r.status_code == 422, (path, headers, r.text)
                body = r.json()
                assert body["error"] == "purpose_required" and "X-Case-Number" in body["detail_uk"]
    with gateway.client(council(gateway)) as c:  # the council may state them, as for sightings
        assert all(c.get(path).status_code == 200 for path in paths)
    start = last_audit_id(gateway)
    assert_visible_to_police(gateway, h)
    rows = [r for r in audit_rows(gateway, after_id=start) if r["role"] == "police"]
    assert {r["action"] for r in rows} == {"alerts.list", "alert.view", "alert.evidence"}
    assert all((r["purpose"], r["case_number"]) == ("stolen car", "12026-0423") for r in rows)


# ------------------------------------------------------------------ refused reads are audited


def _refusals(gateway: Any, start: int, org: str) -> list[tuple[str, str, str]]:
    rows = audit_rows(gateway, after_id=start, organisation=org)
    return [(r["action"], r["target"], r["outcome"]) for r in rows if r["outcome"] != "ok"]


def test_reading_another_organisations_alert_is_refused_and_audited(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=43)
    start = last_audit_id(gateway)
    assert_invisible_to_council(gateway, h)
    missing = "0" * 32
    with gateway.client(council(gateway), **PURPOSE) as c:
        assert c.get(f"/v1/alerts/{missing}").status_code == 404
        review = c.post(f"/v1/alerts/{h.alert_id}/reviews", json={"decision": "confirm"})
        assert review.status_code == 404 and set(review.json()) >= {"error", "detail", "detail_uk"}
    target = f"alert:{h.alert_id}"
    assert _refusals(gateway, start, "council") == [
        ("alert.view", target, "denied"),
        ("alert.evidence", target, "denied"),
        ("alert.evidence", target, "denied"),
        ("alert.view", f"alert:{missing}", "not_found"),
        ("alert.confirm", target, "denied"),
    ]
    rows = [
        r for r in audit_rows(gateway, after_id=start, organisation="council") if r["outcome"] == "denied"
    ]
    assert all(r["result_count"] == 0 for r in rows) and rows[-1]["case_number"] == "12026-0423"
    assert get(gateway, police(gateway), f"/v1/alerts/{h.alert_id}").status_code == 200


def test_reading_another_organisations_list_is_refused_and_audited(gateway: Any, drv: GatewayDriver) -> None:
    wl = drv.watchlist(police(gateway), "plates", f"police only {secrets.token_hex(3)}")
    start = last_audit_id(gateway)
    with gateway.client(council(gateway)) as c:
        for path in (f"/v1/watchlists/{wl}", f"/v1/watchlists/{wl}/entries", "/v1/watchlists/999999"):
            r = c.get(path)
            assert r.status_code == 404 and r.json()["error"] == "not_found", r.text
    assert _refusals(gateway, start, "council") == [
        ("watchlist.read", f"watchlist:{wl}", "denied"),
        ("watchlist.entries.read", f"watchlist:{wl}", "denied"),
        ("watchlist.read", "watchlist:999999", "not_found"),
    ]


# ------------------------------------------------------ sightings say only what the caller may know


def _has_hit(gateway: Any, key: str, h: Hit) -> list[bool]:
    r = get(gateway, key, "/v1/sightings", plate=h.plate, camera_id=h.camera)
    assert r.status_code == 200, r.text
    return [s["has_hit"] for s in r.json()["data"]]


def test_has_hit_counts_only_lists_the_caller_sees(gateway: Any, drv: GatewayDriver) -> None:
    h = hit(gateway, drv, seed=47)
    assert _has_hit(gateway, police(gateway), h) == [True]
    assert _has_hit(gateway, council(gateway), h) == [False]  # the police list is not the council's business
    body = {"shared_with": ["council"]}
    drv.call("PATCH", f"/v1/watchlists/{h.watchlist_id}", police(gateway), json=body)
    assert _has_hit(gateway, council(gateway), h) == [True]
    drv.call("DELETE", f"/v1/watchlists/{h.watchlist_id}", police(gateway), 204)
    assert _has_hit(gateway, council(gateway), h) == [False]
    assert _has_hit(gateway, police(gateway), h) == [True]  # the hit stays evidence for the police
