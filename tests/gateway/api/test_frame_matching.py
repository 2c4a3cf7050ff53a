"""From a posted frame to an alert, over real HTTP on the shared gateways (real plate model): how wanted
plates are typed, and what a retried frame may and may not do."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from gateway.bench import GatewayDriver, frame_headers


@cache
def frame_of(plate: str) -> bytes:
    """A 1280x720 JPEG with ``plate`` printed as the grammar says (the renderer of ``varta synth``)."""
    from recognizers.common.image import encode_jpeg
    from recognizers.synth.cli import render_frame

    return encode_jpeg(render_frame(plate), 90)


@pytest.fixture
def drv(gateway: Any) -> Iterator[GatewayDriver]:
    d = GatewayDriver(gateway.url, gateway.admin_key)
    yield d
    d.close()


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
