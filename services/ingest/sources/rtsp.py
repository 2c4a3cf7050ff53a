"""RTSP cameras (EZVIZ local RTSP, Hikvision, any ONVIF camera) through OpenCV's FFmpeg backend.

A reader thread keeps the stream drained (``grab`` every frame, so the camera's and FFmpeg's
buffers never fill with stale video) and converts to BGR only the frame the worker asks for: the
freshest one. Nothing queues up: at most one frame is held. On any failure the thread reconnects
with exponential backoff and jitter; the camera's health moves connecting -> streaming -> backoff
(-> failed after ``failed_after`` consecutive failures, while still retrying at the capped delay).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from urllib.parse import quote, urlsplit, urlunsplit

import cv2

from services.ingest.config import RtspSource
from services.ingest.frames import RawFrame, utcnow
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.sources.base import Backoff, sleep

log = logging.getLogger(__name__)

# a stream counts as recovered (backoff and failure count start over) once it ran this long
STABLE_AFTER_S = 10.0
# OPENCV_FFMPEG_CAPTURE_OPTIONS is process-wide and read when a capture opens: serialise opens.
_OPEN_LOCK = threading.Lock()


def redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def with_credentials(url: str, username: str | None, password: str | None) -> str:
    if not username:
        return url
    parts = urlsplit(url)
    auth = quote(username, safe="")
    if password:
        auth += ":" + quote(password, safe="")
    host = parts.hostname or ""
    netloc = f"{auth}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class RtspReader:
    paced_by_agent = True

    def __init__(self, camera_id: str, cfg: RtspSource, health: CameraHealth, metrics: IngestMetrics) -> None:
        self.camera_id = camera_id
        self.cfg = cfg
        self.health = health
        self.metrics = metrics
        self._stop = threading.Event()
        self._cond = threading.Condition()
        self._want = False
        self._latest: RawFrame | None = None
        self._thread = threading.Thread(target=self._run, name=f"rtsp-{camera_id}", daemon=True)
        self.log_url = redact(cfg.url)

    @property
    def finished(self) -> bool:
        return False

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=self.cfg.read_timeout_s + 5)

    def read(self, timeout: float) -> RawFrame | None:
        deadline = time.monotonic() + timeout
        with self._cond:
            self._latest = None
            self._want = True
            while self._latest is None and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            frame, self._latest = self._latest, None
            self._want = False
            return frame

    # -------------------------------------------------------------------------------------- reader thread

    def _open(self) -> cv2.VideoCapture:
        password = self.cfg.password.get_secret_value() if self.cfg.password else None
        url = with_credentials(self.cfg.url, self.cfg.username, password)
        params = [
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
            int(self.cfg.open_timeout_s * 1000),
            cv2.CAP_PROP_READ_TIMEOUT_MSEC,
            int(self.cfg.read_timeout_s * 1000),
        ]
        with _OPEN_LOCK:
            os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = f"rtsp_transport;{self.cfg.transport}"
            return cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)

    def _run(self) -> None:
        backoff = Backoff(self.cfg.backoff_initial_s, self.cfg.backoff_max_s)
        attempts = 0
        while not self._stop.is_set():
            if attempts:
                self.metrics.reconnects.labels(self.camera_id).inc()
            attempts += 1
            self.health.set(HealthState.CONNECTING)
            cap = self._open()
            try:
                if not cap.isOpened():
                    error = f"cannot open {self.log_url}"
                else:
                    if self._stream(cap) >= STABLE_AFTER_S:
                        backoff.reset()
                    error = f"stream from {self.log_url} ended or stalled"
            finally:
                cap.release()
            if self._stop.is_set():
                return
            self.health.failure(error, self.cfg.failed_after)
            delay = backoff.next_delay()
            log.warning("camera %s: %s; reconnecting in %.1fs", self.camera_id, error, delay)
            if sleep(self._stop, delay):
                return

    def _stream(self, cap: cv2.VideoCapture) -> float:
        """Drain the stream until it fails; the seconds it streamed (0 if no frame came).

        Until it has streamed ``STABLE_AFTER_S`` seconds the camera's failure count is kept, so a
        stream that gives a frame and drops still backs off and ends up ``failed``."""
        first: float | None = None
        stable = False

        def seen() -> None:
            nonlocal stable
            assert first is not None
            stable = stable or time.monotonic() - first >= STABLE_AFTER_S
            self.health.ok(reset_failures=stable)

        while not self._stop.is_set():
            if not cap.grab():
                break
            if first is None:
                first = time.monotonic()
                seen()
                log.info("camera %s: streaming from %s", self.camera_id, self.log_url)
            with self._cond:
                if not self._want:
                    continue
            ok, image = cap.retrieve()
            if not ok or image is None:
                break
            seen()
            with self._cond:
                self._latest = RawFrame(image, utcnow())
                self._want = False
                self._cond.notify_all()
        return 0.0 if first is None else time.monotonic() - first
