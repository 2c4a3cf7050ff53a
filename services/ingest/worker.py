"""One thread per camera: source -> fps limit -> masks/roi -> motion gate -> encode -> delivery."""

from __future__ import annotations

import logging
import threading
import time

from services.ingest.config import Camera
from services.ingest.frames import OutFrame
from services.ingest.metrics import CameraHealth, IngestMetrics
from services.ingest.preview import LatestFrame
from services.ingest.processing import FpsLimiter, FrameProcessor
from services.ingest.sender import Delivery
from services.ingest.sources.base import Backoff, Source

log = logging.getLogger(__name__)

# a worker that crashed on an unexpected error restarts after 1, 2, 4 ... at most 60 s; the delay
# starts over once a run lasted longer than _RESTART_STABLE_S
_RESTART_INITIAL_S = 1.0
_RESTART_MAX_S = 60.0
_RESTART_STABLE_S = 60.0


class CameraWorker:
    def __init__(
        self,
        cam: Camera,
        source: Source,
        delivery: Delivery,
        metrics: IngestMetrics,
        latest: LatestFrame | None = None,
        health: CameraHealth | None = None,
    ) -> None:
        self.cam = cam
        self.health = health
        self.latest = latest  # the newest frame read, for the live preview (masked there, not here)
        self.source = source
        self.delivery = delivery
        self.metrics = metrics
        self.processor = FrameProcessor(cam)
        self.limiter = FpsLimiter(cam.fps)
        self.seq = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"camera-{cam.id}", daemon=True)

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self.source.close()
        self._thread.join(timeout)

    def _run(self) -> None:
        """Run the loop; an unexpected error is logged, shown in health and retried with backoff."""
        backoff = Backoff(_RESTART_INITIAL_S, _RESTART_MAX_S)
        started = False
        while not self._stop.is_set():
            began = time.monotonic()
            try:
                if not started:
                    self.source.start()
                    started = True
                self._loop()
                return
            except Exception as exc:
                if self._stop.is_set():
                    return
                if time.monotonic() - began > _RESTART_STABLE_S:
                    backoff.reset()
                delay = backoff.next_delay()
                error = f"worker crashed: {type(exc).__name__}: {exc}"
                log.exception("camera %s: %s; restarting in %.1fs", self.cam.id, error, delay)
                if self.health is not None:
                    self.health.failure(error)
                if self._stop.wait(delay):
                    return

    def _loop(self) -> None:
        cid = self.cam.id
        interval = 1.0 / self.cam.fps
        next_due = time.monotonic()
        while not self._stop.is_set():
            if self.source.paced_by_agent and self._stop.wait(max(0.0, next_due - time.monotonic())):
                return
            raw = self.source.read(timeout=1.0)
            now = time.monotonic()
            next_due = next_due + interval if now - next_due < interval else now + interval
            if raw is None:
                if self.source.finished:
                    log.info("camera %s: source finished", cid)
                    return
                continue
            self.metrics.frames_read.labels(cid).inc()
            if self.latest is not None:
                self.latest.put(raw)
            if not self.source.paced_by_agent and not self.limiter.due(raw.capture_time.timestamp()):
                self.metrics.frames_skipped.labels(cid).inc()
                continue
            result = self.processor.process(raw.image, raw.capture_time)
            if result.gated_out:
                self.metrics.frames_gated_out.labels(cid).inc(result.gated_out)
            for capture_time, crop in result.send:
                jpeg = self.processor.encode(crop)
                self.delivery.submit(OutFrame(cid, capture_time, self.seq, jpeg))
                self.seq += 1
