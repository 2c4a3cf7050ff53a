"""Helpers for the service tests: a real uvicorn server in a thread on a free 127.0.0.1 port, images."""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI

from recognizers.service.config import RecognizerServiceSettings
from recognizers.service.main import create_app

SHARED = Path(
    os.environ.get("VARTA_SHARED_DATA") or Path(__file__).resolve().parents[3].parent / "shared" / "data"
)


def shared_file(relative: str) -> Path:
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"shared test data absent: {path} (set VARTA_SHARED_DATA)")
    return path


class LiveServer:
    """A real uvicorn server for ``app``; ``start()`` returns once the socket accepts connections."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self.exit_code: int | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except SystemExit as exc:  # uvicorn exits with 3 when the lifespan startup fails
            self.exit_code = int(exc.code or 0)

    def start(self, timeout: float = 120.0) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the service failed to start")
            if time.monotonic() > deadline:
                raise TimeoutError("the service did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()

    @property
    def state(self) -> Any:
        return self.app.state.varta


@dataclass
class Started:
    server: LiveServer
    client: httpx.Client
    readiness_seen: list[httpx.Response] = field(default_factory=list)


def wait_ready(client: httpx.Client, timeout: float = 120.0) -> list[httpx.Response]:
    """Poll /readiness from the first moment; returns every answer seen, the last one 200."""
    seen: list[httpx.Response] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen.append(client.get("/readiness"))
        if seen[-1].status_code == 200:
            return seen
        time.sleep(0.01)
    raise TimeoutError("the service never became ready")


def start_service(kind: str, settings: RecognizerServiceSettings, recognizer: Any = None) -> Started:
    server = LiveServer(create_app(kind, settings, recognizer)).start()  # type: ignore[arg-type]
    client = httpx.Client(base_url=server.url, timeout=60.0)
    return Started(server, client, wait_ready(client))


def stop_service(started: Started) -> None:
    started.client.close()
    started.server.stop()


# --- images -------------------------------------------------------------------------------------


def encode(ext: str, image: np.ndarray, *params: int) -> bytes:
    ok, buf = cv2.imencode(ext, image, list(params))
    assert ok
    return buf.tobytes()


def reencode(path: Path, ext: str) -> bytes:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert image is not None
    params = (cv2.IMWRITE_WEBP_QUALITY, 95) if ext == ".webp" else ()
    return encode(ext, image, *params)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A tiny JPEG whose frame header claims ``width`` x ``height`` pixels."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3)
    sof += b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    sos = b"\xff\xda" + struct.pack(">H", 12) + b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    return b"\xff\xd8" + sof + sos + b"\x00" * 64 + b"\xff\xd9"


def synthetic_frame(width: int = 640, height: int = 360) -> np.ndarray:
    rng = np.random.default_rng(3)
    return rng.integers(40, 200, size=(height, width, 3), dtype=np.uint8)


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code, body
    assert body["detail"] and body["detail_uk"], body
    assert set(body) == {"error", "detail", "detail_uk"}
    return body
