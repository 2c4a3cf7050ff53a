"""Push cameras: the agent's own endpoint, authenticated per camera, feeding the same pipeline."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
import yaml
from conftest import wait_for
from ingest_fake_gateway import Recorder, serve
from ingest_rtsp_server import free_port

from services.ingest import cli
from services.ingest.agent import Agent
from services.ingest.config import parse_config


@pytest.mark.network
def test_push_endpoint_auth_validation_and_delivery(tmp_path: Path) -> None:
    gw_port, http_port = free_port(), free_port()
    rec = Recorder(tmp_path / "arrivals.jsonl", {"gate": "gw-key"}, save_dir=tmp_path / "rx")
    server, _ = serve(rec, gw_port)
    cfg = parse_config(
        {
            "agent": {
                "gateway_url": f"http://127.0.0.1:{gw_port}",
                "spool": {"path": str(tmp_path / "s.db")},
                "http": {"port": http_port},
            },
            "villages": [{"id": "v", "name": "V"}],
            "cameras": [
                {
                    "id": "gate",
                    "village": "v",
                    "name": "Gate",
                    "key_env": "GW",
                    "fps": 10,
                    "motion": {"enabled": False},
                    "privacy_masks": [{"rect": {"x": 0, "y": 0, "w": 0.5, "h": 1}}],
                    "source": {"type": "push", "key_env": "PUSH", "max_bytes": 200000},
                }
            ],
        },
        env={"GW": "gw-key", "PUSH": "push-key"},
    )
    agent = Agent(cfg)
    agent.start()
    try:
        url = f"http://127.0.0.1:{http_port}/v1/push/gate"
        wait_for(lambda: _up(http_port), 10, what="agent http")
        jpeg = cv2.imencode(".jpg", np.full((100, 200, 3), 200, np.uint8))[1].tobytes()
        ok = {"Authorization": "Bearer push-key", "Content-Type": "image/jpeg"}
        assert httpx.post(url, content=jpeg, headers={"Authorization": "Bearer gw-key"}).status_code == 401
        assert httpx.post(url, content=jpeg).status_code == 401
        r = httpx.post(f"http://127.0.0.1:{http_port}/v1/push/nope", content=jpeg, headers=ok)
        assert r.status_code == 401 and r.json()["detail_uk"]  # as a wrong key: camera ids are not listed
        r = httpx.post(url, content=b"not a jpeg", headers=ok)
        assert r.status_code == 400 and r.json()["error"] == "undecodable_image"
        assert httpx.post(url, content=b"", headers=ok).status_code == 400
        # a few hundred bytes whose header claims 8000x8000: refused before 192 MB are decoded
        r = httpx.post(url, content=_claiming(jpeg, 8000, 8000), headers=ok)
        assert r.status_code == 413 and r.json()["error"] == "image_too_many_pixels", r.text
        assert "8000x8000" in r.json()["detail_uk"]
        assert httpx.post(url, content=b"\xff" * 300000, headers=ok).status_code == 413
        bad_time = {**ok, "X-Capture-Time": "yesterday"}
        assert httpx.post(url, content=jpeg, headers=bad_time).status_code == 400
        stamp = {**ok, "X-Capture-Time": "2026-05-01T10:00:00+03:00"}
        assert httpx.post(url, content=jpeg, headers=stamp).status_code == 202
        wait_for(lambda: len(rec.arrivals()) == 1, 10, what="pushed frame delivered")
        arrival = rec.arrivals()[0]
        assert arrival["capture_time"].startswith("2026-05-01T10:00:00") and arrival["camera"] == "gate"
        got = cv2.imread(str(next((tmp_path / "rx").glob("*.jpg"))))
        assert got is not None
        assert got[:, :90].max() <= 16 and got[:, 110:].min() > 150  # left half masked before sending
        health = httpx.get(f"http://127.0.0.1:{http_port}/healthz").json()
        assert health["cameras"]["gate"]["state"] == "streaming"
    finally:
        agent.stop()
        server.shutdown()
        server.server_close()


def _claiming(jpeg: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header (SOF0) rewritten to claim ``width`` x ``height``."""
    data = bytearray(jpeg)
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def _up(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _agent_config(tmp_path: Path, host: str, port: int) -> Path:
    cfg = {
        "agent": {
            "gateway_url": f"http://127.0.0.1:{free_port()}",
            "spool": {"path": str(tmp_path / "s.db")},
            "http": {"host": host, "port": port},
        },
        "villages": [{"id": "v", "name": "V"}],
        "cameras": [
            {
                "id": "c",
                "village": "v",
                "name": "C",
                "key_env": "VARTA_TEST_K",
                "source": {"type": "push", "key_env": "VARTA_TEST_K"},
            }
        ],
    }
    path = tmp_path / "agent.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


@pytest.mark.network
@pytest.mark.parametrize("host", ["127.0.0.1", "999.1.1.1"])
def test_http_port_that_cannot_be_opened_stops_the_agent_with_one_line(
    tmp_path: Path, host: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VARTA_TEST_K", "k")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        path = _agent_config(tmp_path, host, busy.getsockname()[1])
        started = time.monotonic()
        assert cli.main(["run", "--config", str(path)]) == 1
    assert time.monotonic() - started < 20
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "agent.http: cannot listen on" in err[0] and "не вдалося відкрити" in err[0]
