"""One thread per camera: source -> fps limit -> masks/roi -> motion gate -> encode -> delivery."""

from __future__ import annotations

import logging
import threading
import time

from services.ingest.config import Camera
from services.ingest.frames import OutFrame
from services.ingest.metrics import IngestMetrics
from services.ingest.preview import LatestFrame
from services.ingest.processing import FpsLimiter, FrameProcessor
from services.ingest.sender import Delivery
from services.ingest.sources.base import Source

log = logging.getLogger(__name__)


class CameraWorker:
    def __init__(
        self,
        cam: Camera,
        source: Source,
        delivery: Delivery,
        metrics: IngestMetrics,
        latest: LatestFrame | None = None,
    ) -> None:
        self.cam = cam
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
        try:
            self.source.start()
            self._loop()
        except Exception:
            log.exception("camera %s: worker crashed", self.cam.id)

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
