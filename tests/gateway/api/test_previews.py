"""The live view over real HTTP: a camera's agent posts previews, residents see permitted cameras."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import numpy as np
import pytest


def jpeg(width: int = 160, height: int = 90, shade: int = 90) -> bytes:
    img = np.full((height, width, 3), shade, np.uint8)
    cv2.rectangle(img, (10, 10), (60, 40), (255, 255, 255), -1)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def png() -> bytes:
    ok, buf = cv2.imencode(".png", np.zeros((20, 20, 3), np.uint8))
    assert ok
    return buf.tobytes()


def now_header(delta_s: float = 0.0) -> str:
    return (datetime.now(UTC) + timedelta(seconds=delta_s)).isoformat()


def camera(gw: Any, visible: bool) -> tuple[str, str]:
    """A camera and its own key."""
    cam_id = f"prev-{uuid.uuid4().hex[:8]}"
    with gw.client(gw.admin_key) as c:
        r = c.post("/v1/cameras", json={"id": cam_id, "name": "Road", "resident_visible": visible})
        assert r.status_code == 201, r.text
        r = c.post(f"/v1/cameras/{cam_id}/keys", json={})
        assert r.status_code == 201, r.text
        return cam_id, str(r.json()["key"])


def post(gw: Any, key: str, cam_id: str, body: bytes, when: str | None = None, **headers: str) -> Any:
    with gw.client(key) as c:
        h = {"X-Capture-Time": when or now_header(), "Content-Type": "image/jpeg", **headers}
        return c.post(f"/v1/cameras/{cam_id}/preview", content=body, headers=h)


def view(gw: Any, key: str, cam_id: str) -> Any:
    with gw.client(key) as c:
        return c.get(f"/v1/cameras/{cam_id}/preview")


def test_resident_sees_the_newest_preview_of_a_permitted_camera(gateway: Any) -> None:
    cam, cam_key = camera(gateway, visible=True)
    resident = gateway.key("resident")
    assert view(gateway, resident, cam).status_code == 404  # nothing sent yet
    first, second = jpeg(shade=40), jpeg(shade=200)
    assert post(gateway, cam_key, cam, first).status_code == 204
    assert post(gateway, cam_key, cam, second).status_code == 204
    assert post(gateway, cam_key, cam, first, when=now_header(-60)).status_code == 204  # late delivery
    r = view(gateway, resident, cam)
    assert r.status_code == 200 and r.content == second  # the newest capture, not the last to arrive
    assert r.headers["content-type"] == "image/jpeg" and r.headers["cache-control"] == "no-store"
    assert view(gateway, gateway.key("council", "council"), cam).content == second
    assert view(gateway, gateway.key("police", "police"), cam).status_code == 200
    assert view(gateway, gateway.key("auditor"), cam).status_code == 403  # auditors read logs only
    with gateway.client(gateway.key("auditor")) as c:
        rows = c.get("/v1/audit", params={"action": "camera.preview", "limit": 100}).json()
    views = [row for row in rows["data"] if row["target"] == f"camera:{cam}"]
    assert len(views) >= 4 and {row["result_count"] for row in views} == {0, 1}


def test_hidden_camera_is_not_shown_to_residents(gateway: Any) -> None:
    cam, cam_key = camera(gateway, visible=False)
    assert post(gateway, cam_key, cam, jpeg()).status_code == 204
    r = view(gateway, gateway.key("resident"), cam)
    assert r.status_code == 404 and r.json()["detail_uk"]
    assert "live picture" not in r.json()["detail"]  # the same answer as for a camera that does not exist
    assert view(gateway, gateway.key("council", "council"), cam).status_code == 200


def test_only_the_cameras_own_key_posts_and_bad_pictures_are_refused(gateway: Any) -> None:
    cam, cam_key = camera(gateway, visible=True)
    _, other_key = camera(gateway, visible=True)
    r = post(gateway, other_key, cam, jpeg())
    assert r.status_code == 403 and cam in r.json()["detail"]
    assert post(gateway, gateway.key("resident"), cam, jpeg()).status_code == 403
    assert post(gateway, cam_key, cam, b"").status_code == 422
    r = post(gateway, cam_key, cam, png(), **{"Content-Type": "image/png"})
    assert r.status_code == 415 and "JPEG" in r.json()["detail"]
    assert post(gateway, cam_key, cam, jpeg()[:200]).status_code == 422  # truncated: corrupt
    assert post(gateway, cam_key, cam, jpeg(), when="yesterday").status_code == 422
    big = b"\xff\xd8\xff" + b"\0" * (gateway.settings.limits.max_preview_bytes + 10)
    assert post(gateway, cam_key, cam, big).status_code == 413
    assert view(gateway, gateway.key("resident"), cam).status_code == 404  # none of them was kept
    assert view(gateway, gateway.key("resident"), f"nope-{uuid.uuid4().hex[:6]}").status_code == 404


@pytest.fixture(scope="module")
def quick(backend: str, harness: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A private gateway whose previews go stale after half a second."""
    data_dir = tmp_path_factory.mktemp(f"previews-{backend}")
    with harness.database(backend, data_dir) as url:
        settings = harness.make_settings(data_dir, url, preview_max_age_s=0.5, load_recognizers=False)
        with harness.start_gateway(settings) as gw:
            yield gw


def test_a_stale_preview_is_not_shown_as_live(quick: Any) -> None:
    cam, cam_key = camera(quick, visible=True)
    resident = quick.key("resident")
    assert post(quick, cam_key, cam, jpeg()).status_code == 204
    assert view(quick, resident, cam).status_code == 200
    time.sleep(0.7)
    r = view(quick, resident, cam)
    assert r.status_code == 404 and "no live picture in the last 0.5 s" in r.json()["detail"]
    assert "наживо" in r.json()["detail_uk"]
