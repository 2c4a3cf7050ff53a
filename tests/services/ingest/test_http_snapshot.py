"""HTTP snapshot source against a local camera-like server with digest auth (Hikvision ISAPI path)."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import cv2
import numpy as np
import pytest
from ingest_rtsp_server import free_port
from pydantic import SecretStr

from services.ingest.config import HttpSnapshotSource
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.sources.http_snapshot import HttpSnapshotReader, decode_jpeg

PATH = "/ISAPI/Streaming/channels/101/picture"
REALM = "IP Camera(C6184)"


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


class DigestCamera:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.nonces: set[str] = set()
        self.jpeg = cv2.imencode(".jpg", np.full((90, 160, 3), 120, np.uint8))[1].tobytes()
        self.statuses: list[int] = []

    def check(self, header: str, method: str) -> bool:
        if not header.startswith("Digest "):
            return False
        f = dict(re.findall(r'(\w+)="?([^",]+)"?', header[7:]))
        if f.get("nonce") not in self.nonces or f.get("username") != self.user:
            return False
        ha1 = md5(f"{self.user}:{REALM}:{self.password}")
        ha2 = md5(f"{method}:{f.get('uri')}")
        expected = md5(f"{ha1}:{f['nonce']}:{f.get('nc')}:{f.get('cnonce')}:{f.get('qop')}:{ha2}")
        return f.get("response") == expected and f.get("uri") == PATH


@pytest.fixture
def camera() -> Iterator[tuple[DigestCamera, int]]:
    cam = DigestCamera("varta", "pa55-word")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != PATH:
                return self._send(404, b"", {})
            if not cam.check(self.headers.get("Authorization", ""), "GET"):
                nonce = secrets.token_hex(8)
                cam.nonces.add(nonce)
                challenge = f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'
                return self._send(401, b"", {"WWW-Authenticate": challenge})
            self._send(200, cam.jpeg, {"Content-Type": "image/jpeg"})

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            cam.statuses.append(status)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield cam, port
    server.shutdown()
    server.server_close()


def make(port: int, password: str) -> tuple[HttpSnapshotReader, CameraHealth]:
    src = HttpSnapshotSource(
        type="http_snapshot",
        url=f"http://127.0.0.1:{port}{PATH}",
        auth="digest",
        username="varta",
        password_env="P",
    )
    src._password = SecretStr(password)
    health = CameraHealth("hik", IngestMetrics())
    return HttpSnapshotReader("hik", src, health), health


def test_digest_auth_snapshot(camera: tuple[DigestCamera, int]) -> None:
    cam, port = camera
    r, health = make(port, "pa55-word")
    frame = r.read(5)
    assert frame is not None and frame.image.shape == (90, 160, 3)
    assert cam.statuses == [401, 200]  # challenge, then the digest answer
    assert health.state == HealthState.STREAMING
    r.close()


def test_wrong_password_marks_failed(camera: tuple[DigestCamera, int]) -> None:
    _cam, port = camera
    r, health = make(port, "nope")
    r._stop.set()  # no backoff sleep in the test
    assert r.read(5) is None
    assert health.state == HealthState.FAILED and "401" in (health.last_error or "")
    r.close()


def test_a_snapshot_claiming_too_many_pixels_is_refused_before_decoding() -> None:
    """A camera's (or anyone's on its network) few hundred bytes must not cost the agent 1.2 GB."""
    jpeg = bytearray(cv2.imencode(".jpg", np.full((16, 16, 3), 90, np.uint8))[1].tobytes())
    assert decode_jpeg(bytes(jpeg)) is not None
    at = jpeg.index(b"\xff\xc0")
    jpeg[at + 5 : at + 9] = (20000).to_bytes(2, "big") * 2
    assert decode_jpeg(bytes(jpeg)) is None
