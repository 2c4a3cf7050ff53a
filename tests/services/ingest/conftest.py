"""Shared helpers of the ingest agent tests: data paths, configs, processes, metrics."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
REPO = HERE.parents[2]


def shared_data() -> Path:
    return Path(os.environ.get("VARTA_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def clips_dir() -> Path:
    d = shared_data() / "video_clips"
    if not (d / "clips.csv").exists():
        pytest.skip(f"shared test data not found at {d} (set VARTA_SHARED_DATA)")
    return d


@pytest.fixture(scope="session")
def road_clip(clips_dir: Path) -> Path:
    return clips_dir / "bgslibrary_video.avi"


def first_frame(path: Path) -> np.ndarray:
    """The first picture of a video file."""
    cap = cv2.VideoCapture(str(path))
    ok, img = cap.read()
    cap.release()
    assert ok, path
    return img


def wait_for(pred: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def scrape(port: int) -> dict[tuple[str, str], float]:
    """``{(sample name, camera label or ''): value}`` from the agent's /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    out: dict[tuple[str, str], float] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, s.labels.get("camera", ""))] = s.value
    return out


def camera_state(port: int, camera: str, state: str) -> float | None:
    """The 0/1 value of ``varta_ingest_camera_state{camera, state}``; None when /metrics does not answer."""
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    except httpx.HTTPError:
        return None
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            labels = s.labels
            if s.name == "varta_ingest_camera_state" and (labels.get("camera"), labels.get("state")) == (
                camera,
                state,
            ):
                return s.value
    return None


def try_scrape(port: int) -> dict[tuple[str, str], float]:
    try:
        return scrape(port)
    except httpx.HTTPError:
        return {}


def write_config(
    path: Path, gateway_port: int, http_port: int, spool: Path, cameras: list[dict[str, Any]], **agent: Any
) -> Path:
    doc = {
        "agent": {
            "gateway_url": f"http://127.0.0.1:{gateway_port}",
            "http": {"host": "127.0.0.1", "port": http_port},
            "spool": {"path": str(spool)},
            "backoff_initial_s": 0.2,
            "backoff_max_s": 1.0,
            **agent,
        },
        "villages": [{"id": "test", "name": "Тестове"}],
        "cameras": cameras,
    }
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    return path


def start_agent(
    config: Path, env: dict[str, str], *extra: str, log: Path | None = None
) -> subprocess.Popen[bytes]:
    out = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "varta.cli", "ingest", "run", "--config", str(config), *extra],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def start_receiver(port: int, record: Path, keys: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        str(HERE / "ingest_fake_gateway.py"),
        "--port",
        str(port),
        "--record",
        str(record),
    ]
    for cam, key in keys.items():
        args += ["--key", f"{cam}={key}"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == b"ready", line
    return proc


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(5)


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; any still running at the end are killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait(5)
