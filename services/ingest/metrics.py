"""Prometheus metrics of the agent, on a registry of its own (never the process-global one)."""

from __future__ import annotations

import threading
import time
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class HealthState(StrEnum):
    CONNECTING = "connecting"
    STREAMING = "streaming"
    BACKOFF = "backoff"
    FAILED = "failed"
    FINISHED = "finished"


class IngestMetrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)

        def counter(name: str, doc: str) -> Counter:
            return Counter(f"varta_ingest_{name}", doc, ["camera"], registry=r)

        self.frames_read = counter("frames_read", "Frames read (decoded) from the camera")
        self.frames_skipped = counter("frames_skipped", "Frames skipped by the per-camera fps limit")
        self.frames_gated_out = counter("frames_gated_out", "Frames not sent because nothing moved")
        self.frames_sent = counter(
            "frames_sent", "Frames the gateway accepted (duplicates of a retry included)"
        )
        self.frames_spooled = counter("frames_spooled", "Frames written to the on-disk spool")
        self.frames_dropped = counter(
            "frames_dropped", "Frames dropped: spool over its bounds or disk full (oldest first), or corrupt"
        )
        self.frames_rejected = counter("frames_rejected", "Frames the gateway refused with a 4xx")
        self.reconnects = counter("reconnects", "Reconnect attempts to the camera")
        self.previews_sent = counter("previews_sent", "Live previews the gateway accepted (204)")
        self.preview_failures = counter(
            "preview_failures", "Live previews not delivered (after at most one retry; never spooled)"
        )
        self.state = Gauge(
            "varta_ingest_camera_state",
            "1 for the camera's current health state",
            ["camera", "state"],
            registry=r,
        )
        self.spool_records = Gauge("varta_ingest_spool_records", "Frames waiting in the spool", registry=r)
        self.spool_bytes = Gauge(
            "varta_ingest_spool_bytes", "Bytes of frames waiting in the spool", registry=r
        )
        self.spool_disk_full = Gauge(
            "varta_ingest_spool_disk_full",
            "1 while the spool's disk is full (frames are dropped)",
            registry=r,
        )
        self.gateway_up = Gauge(
            "varta_ingest_gateway_up", "1 when the last delivery attempt succeeded", registry=r
        )
        self.send_seconds = Histogram(
            "varta_ingest_send_seconds",
            "Time to POST one frame",
            registry=r,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)


class CameraHealth:
    """Health of one camera source; every change is mirrored into the state gauge."""

    def __init__(self, camera_id: str, metrics: IngestMetrics) -> None:
        self.camera_id = camera_id
        self.metrics = metrics
        self._lock = threading.Lock()
        self.state = HealthState.CONNECTING
        self.since = time.time()
        self.last_error: str | None = None
        self.failures = 0
        self.last_frame_at: float | None = None
        self._publish()

    def _publish(self) -> None:
        for s in HealthState:
            self.metrics.state.labels(self.camera_id, s.value).set(1 if s == self.state else 0)

    def set(self, state: HealthState, error: str | None = None) -> None:
        with self._lock:
            if state != self.state:
                self.state, self.since = state, time.time()
            if error is not None:
                self.last_error = error
            self._publish()

    def ok(self, reset_failures: bool = True) -> None:
        """A frame came; ``reset_failures=False`` while a reconnected stream has not proved stable."""
        with self._lock:
            if reset_failures:
                self.failures = 0
            self.last_frame_at = time.time()
        self.set(HealthState.STREAMING)

    def failure(self, error: str, failed_after: int = 10, permanent: bool = False) -> None:
        with self._lock:
            self.failures += 1
            n = self.failures
        self.set(HealthState.FAILED if permanent or n >= failed_after else HealthState.BACKOFF, error)

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "state": self.state.value,
                "since": self.since,
                "last_error": self.last_error,
                "consecutive_failures": self.failures,
                "last_frame_at": self.last_frame_at,
            }
