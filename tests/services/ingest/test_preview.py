"""Live preview: masked and downscaled; sent on a timer regardless of motion; never delays frames.

The gateway's preview route is tested on the gateway side; here the agent talks real HTTP to a small
recording server that implements the route's contract (204 on success, or a scripted failure).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from conftest import first_frame, wait_for
from ingest_rtsp_server import free_port

from services.ingest.agent import Agent
from services.ingest.config import Camera, parse_config
from services.ingest.preview import PreviewEncoder

MASK = {"rect": {"x": 0.25, "y": 0.25, "w": 0.5, "h": 0.5}}


def camera(**kw: Any) -> Camera:
    return Camera.model_validate({"id": "c", "village": "v", "name": "n", "source": {"type": "push"}, **kw})


def bright(h: int, w: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.integers(120, 255, (h, w, 3), dtype=np.uint8)


# ---------------------------------------------------------------------------------------------- unit


def test_preview_is_downscaled_to_max_side_and_mask_stays_black() -> None:
    enc = PreviewEncoder(camera(preview_every_s=2, preview_max_side=320, privacy_masks=[MASK]))
    jpeg = enc.encode(bright(720, 1280))
    img = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape == (180, 320, 3)
    # the mask covers x 80..240, y 45..135 of the preview; look 8 px (a JPEG block) inside its edge
    inner = img[53:127, 88:232]
    assert inner.max() <= 16 and inner.mean() < 1.5
    assert img[:40, :].mean() > 100 and img[:, 250:].mean() > 100  # the rest is kept


def test_portrait_and_small_frames() -> None:
    enc = PreviewEncoder(camera(preview_every_s=2, preview_max_side=400))
    assert enc.image(bright(1000, 500)).shape == (400, 200, 3)  # the long side is the height
    assert enc.image(bright(240, 320)).shape == (240, 320, 3)  # never scaled up


def test_polygon_mask_is_black_in_the_preview() -> None:
    poly = {"polygon": [[0.0, 0.0], [0.5, 0.0], [0.0, 0.5]]}
    enc = PreviewEncoder(camera(preview_every_s=2, preview_max_side=640, privacy_masks=[poly]))
    img = cv2.imdecode(np.frombuffer(enc.encode(bright(720, 1280)), np.uint8), cv2.IMREAD_COLOR)
    assert img.shape == (360, 640, 3)
    assert img[8:60, 8:100].max() <= 16  # near the polygon's right-angle corner


# ---------------------------------------------------------------------------------------------- HTTP


@dataclass
class Gateway:
    """Records ``POST /v1/frames`` (200) and ``POST /v1/cameras/{id}/preview`` (204 or a failure)."""

    port: int
    preview_status: int = 204
    preview_delay_s: float = 0.0
    previews: list[dict[str, Any]] = field(default_factory=list)
    frames: list[float] = field(default_factory=list)  # arrival times (monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


def serve(gw: Gateway) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/v1/frames":
                with gw.lock:
                    gw.frames.append(time.monotonic())
                self._answer(200, {"duplicate": False})
            elif self.path.startswith("/v1/cameras/") and self.path.endswith("/preview"):
                with gw.lock:
                    gw.previews.append(
                        {
                            "path": self.path,
                            "auth": self.headers.get("Authorization"),
                            "time": self.headers.get("X-Capture-Time"),
                            "type": self.headers.get("Content-Type"),
                            "body": body,
                            "at": time.monotonic(),
                        }
                    )
                time.sleep(gw.preview_delay_s)
                if gw.preview_status == 204:
                    self.send_response(204)
                    self.end_headers()
                else:
                    self._answer(gw.preview_status, {"error": "boom", "detail": "x", "detail_uk": "x"})
            else:
                self._answer(404, {"error": "not_found"})

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", gw.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gw = Gateway(free_port())
    server = serve(gw)
    yield gw
    server.shutdown()
    server.server_close()


def make_agent(gateway_url: str, tmp_path: Path, cam: dict[str, Any], key: str = "cam-p-key") -> Agent:
    """An agent with one camera ``cam-p`` (settings in ``cam``) sending to ``gateway_url``."""
    cfg = parse_config(
        {
            "agent": {
                "gateway_url": gateway_url,
                "spool": {"path": str(tmp_path / "spool.db")},
                "http": {"port": free_port()},
            },
            "villages": [{"id": "v", "name": "V"}],
            "cameras": [{"id": "cam-p", "village": "v", "name": "preview", "key_env": "K", **cam}],
        },
        env={"K": key},
    )
    return Agent(cfg)


def counter(agent: Agent, name: str) -> float:
    v = agent.metrics.registry.get_sample_value(f"varta_ingest_{name}_total", {"camera": "cam-p"})
    return v or 0.0


@pytest.mark.network
def test_previews_keep_coming_on_a_quiet_scene(road_clip: Path, tmp_path: Path, gateway: Gateway) -> None:
    still = first_frame(road_clip)  # 640x360, one still picture: nothing ever moves
    folder = tmp_path / "still"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"{i}.jpg"), still)
    agent = make_agent(
        f"http://127.0.0.1:{gateway.port}",
        tmp_path,
        {
            "fps": 5,
            "source": {"type": "folder", "path": str(folder), "realtime": True, "loop": True},
            "privacy_masks": [MASK],
            "preview_every_s": 1,
            "preview_max_side": 320,
        },
    )
    agent.start(serve_http=False)
    try:
        wait_for(lambda: len(gateway.previews) >= 4, 15, what="4 previews")
    finally:
        agent.stop()
    assert gateway.frames == []  # motion gating sent nothing ...
    assert counter(agent, "frames_gated_out") > 0
    assert counter(agent, "previews_sent") == len(gateway.previews)  # ... previews came anyway
    assert counter(agent, "preview_failures") == 0
    gaps = np.diff([p["at"] for p in gateway.previews])
    assert all(0.7 < g < 1.6 for g in gaps), gaps  # about one a second, not a burst
    for p in gateway.previews:
        assert p["path"] == "/v1/cameras/cam-p/preview"
        assert p["auth"] == "Bearer cam-p-key"
        assert p["type"] == "image/jpeg"
        ts = datetime.fromisoformat(p["time"])
        assert ts.tzinfo is not None
        img = cv2.imdecode(np.frombuffer(p["body"], np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and img.shape == (180, 320, 3)
        assert img[53:127, 88:232].max() <= 16  # the privacy mask is black
        assert img[:, 250:].mean() > 30  # the rest of the picture is there
    times = [p["time"] for p in gateway.previews]
    assert len(set(times)) == len(times)  # each preview is a newer frame


@pytest.mark.network
def test_failing_preview_endpoint_never_delays_frames(
    road_clip: Path, tmp_path: Path, gateway: Gateway
) -> None:
    gateway.preview_status, gateway.preview_delay_s = 500, 1.5  # slow and failing
    agent = make_agent(
        f"http://127.0.0.1:{gateway.port}",
        tmp_path,
        {
            "fps": 5,
            "source": {"type": "file", "path": str(road_clip), "realtime": True},
            "motion": {"enabled": False},
            "preview_every_s": 1,
        },
    )
    agent.start(serve_http=False)
    started = time.monotonic()
    try:
        wait_for(lambda: len(gateway.previews) >= 4, 20, what="4 preview attempts")
        elapsed = time.monotonic() - started
        with gateway.lock:
            frames = list(gateway.frames)
    finally:
        agent.stop()
    # every frame went straight through at 5 fps while each preview hung 1.5 s (twice, with its retry)
    assert len(frames) >= 5 * elapsed - 4, (len(frames), elapsed)
    gaps = np.diff(frames)
    assert gaps.max() < 0.8, gaps.max()
    assert counter(agent, "frames_sent") == len(gateway.frames)
    assert counter(agent, "frames_spooled") == 0 and len(agent.spool) == 0
    # best-effort: each preview is tried at most twice (one retry), then given up and counted
    attempts: dict[str, int] = {}
    for p in gateway.previews:
        attempts[p["time"]] = attempts.get(p["time"], 0) + 1
    assert set(attempts.values()) <= {1, 2} and 2 in attempts.values(), attempts
    assert counter(agent, "previews_sent") == 0
    assert counter(agent, "preview_failures") >= 1


@pytest.mark.network
@pytest.mark.slow
def test_agent_previews_reach_a_resident_through_the_real_gateway(road_clip: Path, tmp_path: Path) -> None:
    """Agent -> real gateway process -> a resident's key: the masked, downscaled picture arrives."""
    from gateway.bench import GatewayDriver, GatewayProcess

    still = first_frame(road_clip)
    folder = tmp_path / "still"
    folder.mkdir()
    cv2.imwrite(str(folder / "0.jpg"), still)
    with GatewayProcess(tmp_path / "gw", ready_timeout_s=180) as gw:
        drv = GatewayDriver(gw.url, gw.admin_key)
        try:
            cam_key = drv.camera("cam-p")
            drv.call("PATCH", "/v1/cameras/cam-p", gw.admin_key, json={"resident_visible": True})
            body = {"role": "resident", "organisation": None, "name": "a resident"}
            resident = str(drv.call("POST", "/v1/keys", gw.admin_key, 201, json=body)["key"])
            camera = {
                "fps": 2,
                "source": {"type": "folder", "path": str(folder), "realtime": True, "loop": True},
                "privacy_masks": [MASK],
                "preview_every_s": 1,
                "preview_max_side": 320,
            }
            agent = make_agent(gw.url, tmp_path, camera, key=cam_key)
            as_resident = {"Authorization": f"Bearer {resident}"}
            agent.start(serve_http=False)
            try:
                wait_for(
                    lambda: drv.http.get("/v1/cameras/cam-p/preview", headers=as_resident).status_code == 200,
                    60,
                    what="a live picture for the resident",
                )
            finally:
                agent.stop()
            r = drv.http.get("/v1/cameras/cam-p/preview", headers=as_resident)
        finally:
            drv.close()
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert datetime.fromisoformat(r.headers["x-capture-time"]).tzinfo is not None
    img = cv2.imdecode(np.frombuffer(r.content, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape == (180, 320, 3)
    assert img[53:127, 88:232].max() <= 16  # the privacy mask is black in what the resident sees
    assert counter(agent, "previews_sent") >= 1 and counter(agent, "preview_failures") == 0
