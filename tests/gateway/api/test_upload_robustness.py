"""Uploads that go wrong, over real HTTP: a camera's ROI outside its frame, absurd ROIs, stalled and
abandoned uploads (raw sockets), an exhausted database pool, previews with impossible capture times."""

from __future__ import annotations

import json
import logging
import secrets
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cv2
import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import TimeoutError as PoolTimeout

from gateway.bench import GatewayDriver, frame_headers

BODY_TIMEOUT_S = 2.0
FRAMES = "varta_gateway_frames_total"


def jpeg(width: int, height: int) -> bytes:
    img = np.full((height, width, 3), 120, np.uint8)
    cv2.rectangle(img, (40, 40), (200, 120), (255, 255, 255), -1)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def stamp(delta: timedelta = timedelta(0)) -> str:
    return (datetime.now(UTC) + delta).isoformat().replace("+00:00", "Z")


def assert_bilingual(body: dict[str, Any], error: str) -> None:
    assert body["error"] == error, body
    assert body["detail"] and body["detail_uk"] and body["detail_uk"] != body["detail"], body


def frame_count(gw: Any, camera: str, outcome: str) -> float:
    with gw.client() as c:
        text = c.get("/metrics").text
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == FRAMES and s.labels == {"camera": camera, "outcome": outcome}:
                return float(s.value)
    return 0.0


# ------------------------------------------------------------------ raw HTTP over sockets


def open_upload(gw: Any, path: str, headers: dict[str, str], length: int, sent: bytes = b"") -> socket.socket:
    """A POST that declares ``length`` body bytes and sends only ``sent`` of them (for now)."""
    url = urlsplit(gw.url)
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    lines = [f"POST {path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {length}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + sent)
    return sock


def read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    """Status, headers, body of the one answer, and whether the server then closed the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"closed without an answer: {data!r}"
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = sock.recv(65536)
        assert chunk, "closed in the middle of the answer"
        body += chunk
    sock.settimeout(5)
    try:
        closed = sock.recv(1) == b""
    except TimeoutError:
        closed = False
    return int(status_line.split()[1]), headers, body, closed


@pytest.fixture(scope="module")
def small_gateway(harness: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A gateway of its own (SQLite, no recognizers) with a short body timeout."""
    data_dir: Path = tmp_path_factory.mktemp("gw-uploads")
    with harness.database("sqlite", data_dir) as url:
        settings = harness.make_settings(
            data_dir, url, load_recognizers=False, limits={"body_timeout_s": BODY_TIMEOUT_S}
        )
        with harness.start_gateway(settings) as gw:
            yield gw


def camera_with_key(gw: Any) -> tuple[str, str]:
    cam = f"up-{uuid.uuid4().hex[:8]}"
    drv = GatewayDriver(gw.url, gw.admin_key)
    try:
        return cam, drv.camera(cam, faces=False)
    finally:
        drv.close()


@pytest.mark.network
def test_stalled_uploads_hold_no_db_connection_and_time_out_with_408(small_gateway: Any) -> None:
    gw = small_gateway
    cam, key = camera_with_key(gw)
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "image/jpeg"}
    socks = []
    try:
        for i in range(10):  # more stalled uploads than the SQLite pool has connections (5 + 10)
            headers = frame_headers(cam, key, f"stall-{i}")
            socks.append(open_upload(gw, "/v1/frames", headers, 100_000))
            headers = auth | {"X-Capture-Time": stamp()}
            socks.append(open_upload(gw, f"/v1/cameras/{cam}/preview", headers, 100_000))
        time.sleep(0.5)  # every one of them authenticated and waiting for its body
        started = time.monotonic()
        with httpx.Client(base_url=gw.url, timeout=BODY_TIMEOUT_S * 0.75) as c:
            r = c.get("/v1/keys/me", headers={"Authorization": f"Bearer {gw.admin_key}"})
        assert r.status_code == 200, r.text
        assert time.monotonic() - started < BODY_TIMEOUT_S / 2
        for sock in socks:
            status, headers, body, closed = read_answer(sock)
            assert status == 408, body
            assert_bilingual(json.loads(body), "body_timeout")
            assert closed, "the rest of a timed-out body may still come: the connection is closed"
    finally:
        for sock in socks:
            sock.close()
    assert frame_count(gw, cam, "rejected_4xx") == 10


@pytest.mark.network
def test_an_exhausted_db_pool_is_a_503_with_retry_after(small_gateway: Any) -> None:
    engine = small_gateway.ctx.engine
    pool = engine.pool
    old_timeout = pool._timeout  # no public setter; the test only shortens the wait for a connection
    pool._timeout = 0.3
    held = []
    try:
        for _ in range(100):
            held.append(engine.connect())
    except PoolTimeout:
        pass
    try:
        assert held, "no connection could be taken at all"
        with small_gateway.client(small_gateway.admin_key) as c:
            r = c.get("/v1/keys/me")
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) >= 1
        assert_bilingual(r.json(), "database_busy")
    finally:
        for conn in held:
            conn.close()
        pool._timeout = old_timeout
    with small_gateway.client(small_gateway.admin_key) as c:
        assert c.get("/v1/keys/me").status_code == 200


@pytest.mark.network
def test_a_client_leaving_mid_upload_is_counted_499_without_a_traceback(
    small_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    gw = small_gateway
    cam, key = camera_with_key(gw)
    caplog.set_level(logging.INFO)
    sock = open_upload(gw, "/v1/frames", frame_headers(cam, key, "gone-1"), 26202, b"\xff" * 5000)
    time.sleep(0.3)
    sock.close()
    deadline = time.monotonic() + 10
    while frame_count(gw, cam, "client_closed_499") < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert frame_count(gw, cam, "client_closed_499") == 1
    assert frame_count(gw, cam, "error_5xx") == 0
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]


# ------------------------------------------------------------------ ROI


def test_a_camera_roi_outside_its_frame_is_a_bilingual_422(gateway: Any) -> None:
    cam = f"roi-{uuid.uuid4().hex[:8]}"
    with gateway.client(gateway.admin_key) as c:
        body = {"id": cam, "name": cam, "roi": "5000,5000,10,10", "faces_enabled": False}
        assert c.post("/v1/cameras", json=body).status_code == 201
        r = c.post(f"/v1/cameras/{cam}/keys", json={})
        assert r.status_code == 201, r.text
        key = r.json()["key"]
    frame = jpeg(1280, 720)
    with gateway.client() as c:
        for i in range(2):  # the same keep-alive connection answers the next request too
            r = c.post("/v1/frames", content=frame, headers=frame_headers(cam, key, secrets.token_hex(8)))
            assert r.status_code == 422, (i, r.text)
            assert_bilingual(r.json(), "roi_outside_image")
    assert frame_count(gateway, cam, "rejected_4xx") == 2
    assert frame_count(gateway, cam, "error_5xx") == 0


@pytest.mark.parametrize(
    "roi",
    ["99999999999999999999,0,1,1", "0,0,16385,10", "16000,0,385,10", "0,16384,10,1", "9" * 5000 + ",0,1,1"],
)
def test_an_absurd_roi_is_refused_at_create_and_patch(gateway: Any, roi: str) -> None:
    cam = f"roi-{uuid.uuid4().hex[:8]}"
    with gateway.client(gateway.admin_key) as c:
        r = c.post("/v1/cameras", json={"id": cam, "name": cam, "roi": roi})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "roi" and r.json()["detail_uk"]
        r = c.post("/v1/cameras", json={"id": cam, "name": cam, "roi": "0,0,16384,16384"})
        assert r.status_code == 201, r.text
        r = c.patch(f"/v1/cameras/{cam}", json={"roi": roi})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "roi" and r.json()["detail_uk"]
        assert c.get(f"/v1/cameras/{cam}").json()["roi"] == "0,0,16384,16384"


# ------------------------------------------------------------------ previews' capture time


@pytest.mark.parametrize("when", ["2099-01-01T00:00:00Z", "1970-01-01T00:00:00Z"])
def test_a_preview_with_an_impossible_capture_time_is_refused(gateway: Any, when: str) -> None:
    cam = f"prev-{uuid.uuid4().hex[:8]}"
    with gateway.client(gateway.admin_key) as c:
        body = {"id": cam, "name": cam, "resident_visible": True}
        assert c.post("/v1/cameras", json=body).status_code == 201
        key = c.post(f"/v1/cameras/{cam}/keys", json={}).json()["key"]
    picture = jpeg(160, 90)
    with gateway.client(key) as c:
        h = {"Content-Type": "image/jpeg"}
        r = c.post(f"/v1/cameras/{cam}/preview", content=picture, headers=h | {"X-Capture-Time": when})
        assert r.status_code == 422, r.text
        assert r.json()["field"] == "X-Capture-Time" and r.json()["detail_uk"]
        now = stamp()
        r = c.post(f"/v1/cameras/{cam}/preview", content=picture, headers=h | {"X-Capture-Time": now})
        assert r.status_code == 204, r.text
    with gateway.client(gateway.key("resident")) as c:
        r = c.get(f"/v1/cameras/{cam}/preview")
    assert r.status_code == 200 and r.content == picture
    assert datetime.fromisoformat(r.headers["X-Capture-Time"]) == datetime.fromisoformat(now)
