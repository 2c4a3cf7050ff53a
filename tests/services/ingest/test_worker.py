"""The camera worker: an unexpected error restarts it with backoff and shows in health."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import numpy as np
from conftest import wait_for

from services.ingest import worker as worker_module
from services.ingest.config import Camera
from services.ingest.frames import OutFrame, RawFrame
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.worker import CameraWorker


class FlakySource:
    """Raises an unexpected error on its first ``fail`` reads, then gives frames."""

    paced_by_agent = True
    finished = False

    def __init__(self, health: CameraHealth, fail: int) -> None:
        self.health = health
        self.fail = fail
        self.starts = 0
        self.reads = 0

    def start(self) -> None:
        self.starts += 1

    def read(self, timeout: float) -> RawFrame | None:
        self.reads += 1
        if self.reads <= self.fail:
            raise AttributeError("'str' object has no attribute 'get'")
        self.health.ok()
        return RawFrame(np.full((48, 64, 3), self.reads % 255, np.uint8), datetime.now(UTC))

    def close(self) -> None:
        return None


class Collect:
    def __init__(self) -> None:
        self.frames: list[OutFrame] = []
        self.lock = threading.Lock()

    def submit(self, frame: OutFrame) -> None:
        with self.lock:
            self.frames.append(frame)


def test_crashed_worker_shows_the_error_and_restarts_with_backoff(monkeypatch: Any) -> None:
    monkeypatch.setattr(worker_module, "_RESTART_INITIAL_S", 0.05)
    cam = Camera.model_validate(
        {
            "id": "cam",
            "village": "v",
            "name": "n",
            "fps": 20,
            "motion": {"enabled": False},
            "source": {"type": "folder", "path": "."},
        }
    )
    metrics = IngestMetrics()
    health = CameraHealth("cam", metrics)
    source = FlakySource(health, fail=2)
    sink = Collect()
    w = CameraWorker(cam, source, sink, metrics, None, health)  # type: ignore[arg-type]
    w.start()
    wait_for(lambda: health.snapshot()["last_error"], 5, 0.01, what="error in health")
    snap = health.snapshot()
    assert snap["state"] == HealthState.BACKOFF.value
    assert "worker crashed: AttributeError" in str(snap["last_error"])
    wait_for(lambda: len(sink.frames) >= 3, 10, what="frames after the restart")
    w.stop()
    assert w.done
    assert source.starts == 1 and health.state == HealthState.STREAMING
