"""RTSP reconnects: a stream that gives a frame and drops keeps backing off and ends up failed."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from services.ingest.config import RtspSource
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.sources import rtsp
from services.ingest.sources.rtsp import RtspReader


class OneFrameThenDrop:
    """A capture that opens, yields one frame and then fails, like a camera rebooting in a loop."""

    def __init__(self) -> None:
        self.grabs = 0

    def isOpened(self) -> bool:
        return True

    def grab(self) -> bool:
        self.grabs += 1
        return self.grabs == 1

    def retrieve(self) -> tuple[bool, np.ndarray]:
        return True, np.zeros((8, 8, 3), np.uint8)

    def release(self) -> None:
        return None


def run_reader(
    monkeypatch: pytest.MonkeyPatch, seconds: float, **cfg: Any
) -> tuple[CameraHealth, float, set[HealthState]]:
    """Run a reader on the flapping capture; its health, reconnect count and states seen at the end."""
    monkeypatch.setattr(RtspReader, "_open", lambda self: OneFrameThenDrop())
    metrics = IngestMetrics()
    health = CameraHealth("cam", metrics)
    src = RtspSource.model_validate(
        {"type": "rtsp", "url": "rtsp://10.0.0.5/x", "backoff_initial_s": 0.02, "backoff_max_s": 0.2, **cfg}
    )
    reader = RtspReader("cam", src, health, metrics)
    reader.start()
    time.sleep(seconds)
    states = set()
    for _ in range(30):  # the last 0.3 s
        states.add(health.state)
        time.sleep(0.01)
    reader.close()
    reconnects = metrics.registry.get_sample_value("varta_ingest_reconnects_total", {"camera": "cam"})
    return health, reconnects or 0.0, states


def test_flapping_stream_backs_off_and_reaches_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    health, reconnects, states = run_reader(monkeypatch, 1.2, failed_after=4)
    # without backoff: a reconnect every 10-20 ms, about 100; with it the delay grows to 0.1-0.2 s
    assert reconnects < 25, reconnects
    assert HealthState.FAILED in states, states
    snap = health.snapshot()
    assert "ended or stalled" in str(snap["last_error"])
    assert int(str(snap["consecutive_failures"])) >= 4


def test_stable_stream_resets_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rtsp, "STABLE_AFTER_S", 0.0)  # every stream counts as stable at once
    _, reconnects, _ = run_reader(monkeypatch, 0.5, failed_after=4)
    assert reconnects > 10  # the backoff starts over after each (stable) stream
