"""Cameras that push: they POST a JPEG (typically on their own motion trigger) to the agent.

``POST /v1/push/{camera_id}`` with ``Authorization: Bearer <the camera's push key>`` and the raw
JPEG as body (optional ``X-Capture-Time``, RFC 3339). The HTTP handler decodes the image and hands
it to this receiver; the camera worker then runs it through the same masks, region and gating as any
other frame. At most a few frames wait here: when the worker is behind, the oldest is dropped.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections import deque
from datetime import datetime

import numpy as np

from services.ingest.config import PushSource
from services.ingest.frames import RawFrame
from services.ingest.metrics import CameraHealth

log = logging.getLogger(__name__)

QUEUE_MAX = 8


class PushReceiver:
    paced_by_agent = False

    def __init__(self, camera_id: str, cfg: PushSource, health: CameraHealth) -> None:
        self.camera_id = camera_id
        self.cfg = cfg
        self.health = health
        self._queue: deque[RawFrame] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self.overflow = 0

    @property
    def finished(self) -> bool:
        return False

    def start(self) -> None:
        return None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def authorized(self, bearer: str) -> bool:
        key = self.cfg.key
        return key is not None and hmac.compare_digest(bearer.encode(), key.get_secret_value().encode())

    def offer(self, image: np.ndarray, capture_time: datetime) -> None:
        with self._cond:
            if len(self._queue) >= QUEUE_MAX:
                self._queue.popleft()
                self.overflow += 1
                log.warning(
                    "camera %s: pushed frames arrive faster than they are processed; oldest dropped",
                    self.camera_id,
                )
            self._queue.append(RawFrame(image, capture_time))
            self._cond.notify_all()
        self.health.ok()

    def read(self, timeout: float) -> RawFrame | None:
        with self._cond:
            if not self._queue and not self._closed:
                self._cond.wait(timeout)
            return self._queue.popleft() if self._queue else None
