"""From a posted frame to an alert, over real HTTP on the shared gateways (real plate model): how wanted
plates are typed, and what a retried frame may and may not do."""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.bench import GatewayDriver, frame_headers


@cache
def frame_of(plate: str) -> bytes:
    """A 1280x720 JPEG with ``plate`` printed as the grammar says (the renderer of ``varta synth``)."""
    from recognizers.common.image import encode_jpeg
    from recognizers.synth.cli import render_frame

    return encode_jpeg(render_frame(plate), 90)


def council(gateway: Any) -> str:
    return str(gateway.key("council", "council"))


def new_camera(drv: GatewayDriver) -> tuple[str, str]:
    camera = f"match-{secrets.token_hex(4)}"
    return camera, drv.camera(camera, faces=False)


def alerts_of(gateway: Any, camera: str) -> list[dict[str, Any]]:
    with gateway.client(council(gateway)) as c:
        r = c.get("/v1/alerts", params={"camera_id": camera})
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def post(drv: GatewayDriver, camera: str, key: str, idem: str, jpeg: bytes) -> Any:
    return drv.http.post("/v1/frames", content=jpeg, headers=frame_headers(camera, key, idem))


def test_an_electric_series_typed_in_cyrillic_matches_as_a_wildcard(gateway: Any, drv: GatewayDriver) -> None:
    """A person typing `АА 12?? УА` on a Ukrainian keyboard means the Latin Y of an electric series, as in
    a whole plate `АА 1234 УА`; the pattern must not keep a Cyrillic У that no read ever has."""
    camera, cam_key = new_camera(drv)
    wl = drv.watchlist(council(gateway), "plates", f"ev {camera}", camera_ids=[camera])
    r = drv.http.post(
        f"/v1/watchlists/{wl}/plates",
        json={"plate": "аа 12?? уа", "reason": "stolen"},
        headers={"Authorization": f"Bearer {council(gateway)}"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["pattern"] == "AA12??YA"
    assert post(drv, camera, cam_key, "f1", frame_of("AA 1234 YA")).status_code == 200
    assert [(a["entry_id"], a["rule"]) for a in alerts_of(gateway, camera)] == [(r.json()["id"], "wildcard")]


def test_an_online_series_plate_typed_in_cyrillic_raises_its_alert(gateway: Any, drv: GatewayDriver) -> None:
    """A plate of the online-registration series (`DI 1234 AA`, since 2023) prints a Latin D; a person on a
    Ukrainian keyboard types `ДІ 1234 АА`. The entry, a wildcard of it and the camera's read must meet."""
    camera, cam_key = new_camera(drv)
    wl = drv.watchlist(council(gateway), "plates", f"online {camera}", camera_ids=[camera])
    auth, url = {"Authorization": f"Bearer {council(gateway)}"}, f"/v1/watchlists/{wl}/plates"
    whole = drv.http.post(url, json={"plate": "ДІ 4817 ВН", "reason": "stolen"}, headers=auth)
    assert whole.status_code == 201, whole.text
    wild = drv.http.post(url, json={"plate": "ед 48?? ка", "reason": "wanted"}, headers=auth)
    assert wild.status_code == 201, wild.text
    assert wild.json()["pattern"] == "ED48??KA"
    assert post(drv, camera, cam_key, "f1", frame_of("DI 4817 BH")).status_code == 200
    assert post(drv, camera, cam_key, "f2", frame_of("ED 4890 KA")).status_code == 200
    got = {(a["entry_id"], a["rule"]) for a in alerts_of(gateway, camera)}
    assert got == {(whole.json()["id"], "exact"), (wild.json()["id"], "wildcard")}


def test_an_idempotency_key_reused_for_another_frame_is_refused(gateway: Any, drv: GatewayDriver) -> None:
    """A retry sends the same bytes; another frame under a used key (an agent whose counter restarted) must
    not be answered as the old frame's duplicate and dropped unread: a wanted car on it raised nothing."""
    camera, cam_key = new_camera(drv)
    wl = drv.watchlist(council(gateway), "plates", f"idem {camera}", camera_ids=[camera])
    drv.plate(council(gateway), wl, "KA 7781 CB")
    first = post(drv, camera, cam_key, "agent-000001", frame_of("BH 0423 EK"))
    assert first.status_code == 200 and not first.json()["duplicate"], first.text
    retry = post(drv, camera, cam_key, "agent-000001", frame_of("BH 0423 EK"))
    assert retry.status_code == 200 and retry.json()["duplicate"], retry.text
    assert retry.json()["frame_id"] == first.json()["frame_id"]

    other = post(drv, camera, cam_key, "agent-000001", frame_of("KA 7781 CB"))
    assert other.status_code == 409, other.text
    body = other.json()
    assert "Idempotency-Key" in body["detail"] and "Idempotency-Key" in body["detail_uk"]
    assert alerts_of(gateway, camera) == []
    again = post(drv, camera, cam_key, "agent-000002", frame_of("KA 7781 CB"))  # under a new key: read
    assert again.status_code == 200 and not again.json()["duplicate"]
    assert [a["frame_id"] for a in alerts_of(gateway, camera)] == [again.json()["frame_id"]]


PURPOSE = {"X-Purpose": "missing person", "X-Case-Number": "12026-1"}


def rumsfeld(lfw_dir: Path, n: int) -> bytes:
    """A person no list of the shared gateway holds: the police authorisation these tests give their
    camera lets every police list of all cameras match there, and other modules enrol Colin Powell,
    whose best template would then be theirs (test_restart enrols Rumsfeld on a gateway of its own)."""
    return (lfw_dir / "Donald_Rumsfeld" / f"Donald_Rumsfeld_{n:04d}.jpg").read_bytes()


def person_with_a_lost_photo(
    gateway: Any, drv: GatewayDriver, monkeypatch: pytest.MonkeyPatch, photos: list[bytes]
) -> tuple[str, str, list[str]]:
    """An authorised camera and a police person with ``photos``; the first is deleted while the face index
    fails (a Qdrant server away for a moment), so its row is gone and its template stays. Returns the
    camera, its key and the path of each photo."""
    police = str(gateway.key("police", "police"))
    camera = f"face-{secrets.token_hex(4)}"
    cam_key = drv.camera(camera, faces=True, plates=False)
    wl = drv.watchlist(police, "persons", f"lost photo {camera}", camera_ids=[camera])
    entry = drv.person(police, wl, f"Person {camera}")
    ids = [drv.enrol(police, wl, entry, photo)["photos"][-1]["id"] for photo in photos]
    drv.authorise(police, [camera])

    def index_away(point_ids: Any) -> None:
        raise ConnectionError("the face index is not reachable")

    monkeypatch.setattr(gateway.ctx.face_index, "delete", index_away)
    paths = [f"/v1/watchlists/{wl}/persons/{entry}/photos/{i}" for i in ids]
    with gateway.client(police) as c, contextlib.suppress(httpx.TransportError):  # a 500 (here: a reset)
        c.delete(paths[0])
    monkeypatch.undo()
    assert police_get(gateway, paths[0]).status_code == 404  # the photo is gone
    return camera, cam_key, paths


def police_get(gateway: Any, path: str, **params: Any) -> httpx.Response:
    with gateway.client(str(gateway.key("police", "police")), **PURPOSE) as c:
        return c.get(path, params=params)


@pytest.mark.slow
def test_a_deleted_photo_never_matches_even_if_its_template_stayed_in_the_index(
    gateway: Any, drv: GatewayDriver, lfw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A face that matches a template left in the index must not raise an alert that points to a photo
    nobody may see any more."""
    camera, cam_key, _ = person_with_a_lost_photo(gateway, drv, monkeypatch, [rumsfeld(lfw_dir, 1)])
    frame = post(drv, camera, cam_key, "f1", rumsfeld(lfw_dir, 2))
    assert frame.status_code == 200 and frame.json()["faces"], frame.text
    assert police_get(gateway, "/v1/alerts", camera_id=camera).json()["data"] == []


@pytest.mark.slow
def test_a_face_left_without_its_best_template_matches_the_next(
    gateway: Any, drv: GatewayDriver, lfw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The best template is one that no longer counts (its photo deleted, or its entry expired): the face
    still matches the person's other photo, and the alert shows that one, instead of raising nothing."""
    photos = [rumsfeld(lfw_dir, 1), rumsfeld(lfw_dir, 2)]
    camera, cam_key, paths = person_with_a_lost_photo(gateway, drv, monkeypatch, photos)
    frame = post(drv, camera, cam_key, "f1", rumsfeld(lfw_dir, 1))  # the very picture of the lost template
    assert frame.status_code == 200 and frame.json()["faces"], frame.text
    alerts = police_get(gateway, "/v1/alerts", camera_id=camera).json()["data"]
    assert [a["kind"] for a in alerts] == ["face"], alerts
    enrolled = police_get(gateway, f"/v1/alerts/{alerts[0]['id']}/evidence/enrolled.jpg")
    assert enrolled.status_code == 200 and enrolled.content == police_get(gateway, paths[1]).content


@pytest.mark.parametrize("second", ["BH 7719 EK", "BH 0424 EK"])
def test_two_cars_one_after_the_other_at_the_same_spot_are_two_sightings(
    gateway: Any, drv: GatewayDriver, second: str
) -> None:
    """Cars queueing at a gate stop where the one before stopped: two plates read sure, two seconds
    apart at the same place, are two vehicles, however alike (same region, same series; a fleet's
    consecutive numbers one character apart), not one pass whose text is a vote between them: each must
    be found by its own plate."""
    camera, cam_key = new_camera(drv)
    t0 = datetime.now(UTC) - timedelta(minutes=1)
    for i, plate in enumerate(["BH 0423 EK", second]):
        headers = frame_headers(camera, cam_key, f"q{i}", t0 + timedelta(seconds=2 * i))
        r = drv.http.post("/v1/frames", content=frame_of(plate), headers=headers)
        assert r.status_code == 200 and r.json()["plates"][0]["confidence"] > 0.9, r.text
    with gateway.client(council(gateway)) as c:
        found = c.get("/v1/sightings", params={"camera_id": camera}).json()["data"]
        assert sorted(s["plate_text"] for s in found) == ["BH0423EK", second.replace(" ", "")], found
        typed = second.translate(str.maketrans("BHEK", "ВНЕК"))  # typed in Cyrillic, as a person would
        by_plate = c.get("/v1/sightings", params={"plate": typed}).json()["data"]
        assert [(s["camera_id"], s["found_by_read"]) for s in by_plate] == [(camera, False)]
