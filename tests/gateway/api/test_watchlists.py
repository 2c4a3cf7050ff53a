"""Watchlists over real HTTP: organisation isolation, sharing, versions, entries, purpose headers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote


def _make(gateway: Any, key: str, **body: Any) -> dict[str, Any]:
    with gateway.client(key) as c:
        r = c.post("/v1/watchlists", json={"kind": "plates", "name": "list"} | body)
        assert r.status_code == 201, r.text
        return dict(r.json())


def test_police_lists_are_invisible_to_the_council_and_admin(gateway: Any) -> None:
    police, council = gateway.key("police", "police"), gateway.key("council", "council")
    wl = _make(gateway, police, name="police secret")
    assert wl["owner_org"] == "police"
    for key in (council, gateway.admin_key):
        with gateway.client(key) as c:
            assert wl["id"] not in [w["id"] for w in c.get("/v1/watchlists").json()["data"]]
            r = c.get(f"/v1/watchlists/{wl['id']}")
            assert r.status_code == 404 and str(wl["id"]) in r.json()["detail"]
            assert c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA1234BB"}).status_code == 404


def test_shared_list_is_readable_but_only_the_owner_changes_it(gateway: Any) -> None:
    police, council = gateway.key("police", "police"), gateway.key("council", "council")
    wl = _make(gateway, council, name="shared", shared_with=["police"])
    with gateway.client(police, **{"X-Purpose": "check", "X-Case-Number": "42"}) as c:
        assert c.get(f"/v1/watchlists/{wl['id']}").json()["shared_with"] == ["police"]
        assert c.get(f"/v1/watchlists/{wl['id']}/entries").status_code == 200
        r = c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA1234BB"})
        assert r.status_code == 403 and "owner" in r.json()["detail"]


def test_every_change_bumps_the_version_and_entries_normalise(gateway: Any) -> None:
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="versions")
    base = f"/v1/watchlists/{wl['id']}"
    with gateway.client(council) as c:
        assert wl["version"] == 1
        e = c.post(f"{base}/plates", json={"plate": "аа 1234-вв", "reason": "stolen"}).json()
        assert e["pattern"] == "AA1234BB" and not e["is_wildcard"]
        w = c.post(f"{base}/plates", json={"plate": "ka12??xx"}).json()
        assert w["pattern"] == "KA12??XX" and w["is_wildcard"]
        assert c.get(base).json()["version"] == 3
        assert c.patch(base, json={"name": "renamed"}).json()["version"] == 4
        assert c.delete(f"{base}/plates/{e['id']}").status_code == 204
        got = c.get(base).json()
        assert got["version"] == 5 and got["entry_count"] == 1 and got["name"] == "renamed"
        assert c.get(f"{base}/entries", params={"q": "KA12"}).json()["count"] == 1


def test_plate_entries_reach_the_live_matcher(gateway: Any) -> None:
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="matcher")
    with gateway.client(council) as c:
        e = c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "BC7777AT"}).json()
    hits = gateway.ctx.plate_matcher.match("BC7777AT")
    assert any(h.entry_id == str(e["id"]) and h.rule == "exact" for h in hits)
    with gateway.client(council) as c:
        c.delete(f"/v1/watchlists/{wl['id']}/plates/{e['id']}")
    assert not [h for h in gateway.ctx.plate_matcher.match("BC7777AT") if h.entry_id == str(e["id"])]


def test_unknown_ids_and_validation_name_what_is_wrong(gateway: Any) -> None:
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="validation")
    with gateway.client(council) as c:
        r = c.get("/v1/watchlists/999999")
        assert r.status_code == 404 and "999999" in r.json()["detail"]
        r = c.delete(f"/v1/watchlists/{wl['id']}/plates/424242")
        assert r.status_code == 404 and "424242" in r.json()["detail"]
        r = c.post("/v1/watchlists", json={"kind": "plates", "name": "x", "camera_ids": ["no-such-cam"]})
        assert r.status_code == 404 and "no-such-cam" in r.json()["detail"]
        r = c.post("/v1/watchlists", json={"kind": "cars", "name": "x"})
        assert r.status_code == 422 and r.json()["field"] == "kind"
        r = c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "??"})
        assert r.status_code == 422 and r.json()["detail"].startswith("plate")
        r = c.post(
            f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA1234BB", "valid_until": "2030-01-01T00:00"}
        )
        assert r.status_code == 422 and "valid_until" in r.json()["detail"]
        r = c.post(f"/v1/watchlists/{wl['id']}/persons", json={"label": "x"})
        assert r.status_code == 422 and "plates list" in r.json()["detail"]


def test_police_search_needs_purpose_and_case_number_which_are_audited(gateway: Any) -> None:
    police = gateway.key("police", "police")
    wl = _make(gateway, police, name="purpose")
    path = f"/v1/watchlists/{wl['id']}/entries"
    with gateway.client(police) as c:
        r = c.get(path)
        assert r.status_code == 422 and r.json()["error"] == "purpose_required"
    purpose = "пошук викраденого авто"
    with gateway.client(police, **{"X-Purpose": quote(purpose), "X-Case-Number": "12026-77"}) as c:
        assert c.get(path).status_code == 200
    with gateway.client(gateway.key("auditor")) as c:
        rows = c.get(
            "/v1/audit", params={"action": "watchlist.entries.read", "case_number": "12026-77"}
        ).json()
    row = rows["data"][-1]
    assert row["purpose"] == purpose and row["watchlist_id"] == wl["id"] and row["watchlist_version"] == 1
    assert row["result_count"] == 0 and row["role"] == "police"


def test_delete_list_removes_it(gateway: Any) -> None:
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="to delete")
    with gateway.client(council) as c:
        c.post(f"/v1/watchlists/{wl['id']}/plates", json={"plate": "AA0001AA"})
        assert c.delete(f"/v1/watchlists/{wl['id']}").status_code == 204
        assert c.get(f"/v1/watchlists/{wl['id']}").status_code == 404
    assert not gateway.ctx.plate_matcher.match("AA0001AA", watchlist_ids={str(wl["id"])})


def test_a_single_plate_already_in_the_list_is_a_conflict_and_changes_nothing(gateway: Any) -> None:
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="no duplicates")
    other = _make(gateway, council, name="another list")
    base = f"/v1/watchlists/{wl['id']}"
    with gateway.client(council) as c:
        first = c.post(f"{base}/plates", json={"plate": "BH0423EK"})
        assert first.status_code == 201, first.text
        assert c.post(f"{base}/plates", json={"plate": "ka12??xx"}).status_code == 201
        for plate in ("BH0423EK", "вн 0423-ек", "KA12??XX"):
            r = c.post(f"{base}/plates", json={"plate": plate})
            assert r.status_code == 409, r.text
            body = r.json()
            assert body["error"] == "conflict" and "already in this list" in body["detail"]
            assert "вже є в цьому списку" in body["detail_uk"]
        assert (
            str(first.json()["id"]) in c.post(f"{base}/plates", json={"plate": "BH0423EK"}).json()["detail"]
        )
        got = c.get(base).json()
        assert (got["entry_count"], got["version"]) == (2, 3)
        # the same plate in another list is no conflict
        assert c.post(f"/v1/watchlists/{other['id']}/plates", json={"plate": "BH0423EK"}).status_code == 201


def test_the_same_plate_added_at_once_is_stored_once(gateway: Any) -> None:
    """Adds and uploads of one plate, sent together: one is added, the others refused, none twice."""
    council = gateway.key("council", "council")
    wl = _make(gateway, council, name="racing adds")
    base = f"/v1/watchlists/{wl['id']}"

    def add(i: int) -> int:
        with gateway.client(council) as c:
            if i % 2:
                return int(c.post(f"{base}/plates", json={"plate": "KA7777XX"}).status_code)
            csv = b"plate,reason\nKA7777XX,race\n"
            r = c.post(f"{base}/plates/bulk", files={"file": ("p.csv", csv, "text/csv")})
            return 201 if r.status_code == 200 and r.json()["accepted"] == 1 else int(r.status_code)

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(add, range(16)))
    assert codes.count(201) == 1, codes
    with gateway.client(council) as c:
        assert c.get(base).json()["entry_count"] == 1


def test_a_single_entry_that_has_already_expired_is_refused(gateway: Any) -> None:
    council = gateway.key("council", "council")
    plates = _make(gateway, council, name="expiry")
    persons = _make(gateway, council, kind="persons", name="expiry persons")
    cases = [
        (f"/v1/watchlists/{plates['id']}/plates", {"plate": "AA6666BB"}),
        (f"/v1/watchlists/{persons['id']}/persons", {"label": "Someone"}),
    ]
    with gateway.client(council) as c:
        for path, body in cases:
            for until, needle, needle_uk in [
                ("2001-01-01T00:00:00Z", "in the past", "вже минула"),
                ("9999-12-31T23:00:00-05:00", "out of range", "поза допустимим діапазоном"),
            ]:
                r = c.post(path, json=body | {"valid_until": until})
                assert r.status_code == 422, r.text
                err = r.json()
                assert err["error"] == "validation_error" and err["detail"].startswith("valid_until")
                assert needle in err["detail"] and needle_uk in err["detail_uk"]
        for wl in (plates, persons):
            got = c.get(f"/v1/watchlists/{wl['id']}").json()
            assert (got["entry_count"], got["version"]) == (0, 1)
        ahead = {"valid_until": "2099-01-01T00:00:00+02:00"}
        for path, body in cases:
            r = c.post(path, json=body | ahead)
            assert r.status_code == 201 and r.json()["valid_until"].startswith("2098-12-31T22:00"), r.text


def _audit_after(gateway: Any, start: int, org: str) -> list[tuple[str, str, str]]:
    with gateway.client(gateway.admin_key) as c:
        rows = c.get("/v1/audit", params={"after_id": start, "organisation": org, "limit": 1000}).json()[
            "data"
        ]
    return [(r["action"], r["target"], r["outcome"]) for r in rows]


def _last_audit_id(gateway: Any) -> int:
    with gateway.client(gateway.admin_key) as c:
        return int(c.get("/v1/audit/head").json()["id"])


def test_refused_changes_to_another_organisations_list_are_audited(gateway: Any) -> None:
    """Changing a list one may not change is refused (404 hidden, 403 shared read-only) and recorded."""
    police, council = gateway.key("police", "police"), gateway.key("council", "council")
    hidden = _make(gateway, police, name="police only")
    shared = _make(gateway, police, name="shared", shared_with=["council"])
    start = _last_audit_id(gateway)
    with gateway.client(council) as c:
        for wl, code in ((hidden, 404), (shared, 403)):
            base = f"/v1/watchlists/{wl['id']}"
            assert c.patch(base, json={"name": "mine now"}).status_code == code
            assert c.post(f"{base}/plates", json={"plate": "AA1111AA"}).status_code == code
            csv = ("p.csv", b"plate,reason\nAA2222AA,x\n", "text/csv")
            assert c.post(f"{base}/plates/bulk", files={"file": csv}).status_code == code
            assert c.delete(base).status_code == code
        assert c.delete("/v1/watchlists/2147483000").status_code == 404
    rows = _audit_after(gateway, start, "council")
    for wl in (hidden, shared):
        target = f"watchlist:{wl['id']}"
        for action in (
            "watchlist.update",
            "watchlist.plate.add",
            "watchlist.plates.upload",
            "watchlist.delete",
        ):
            assert (action, target, "denied") in rows, (action, target, rows)
    assert ("watchlist.delete", "watchlist:2147483000", "not_found") in rows
    with gateway.client(police) as c:  # and nothing changed
        got = c.get(f"/v1/watchlists/{hidden['id']}").json()
        assert (got["name"], got["entry_count"]) == ("police only", 0)
