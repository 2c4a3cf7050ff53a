"""Recorded footage: a video file (any container or raw .h264/.h265 stream FFmpeg reads) or a folder
of images. For tests, benchmarks and replaying footage through the same pipeline as a live camera.

Capture times are ``start_time`` (default: when the file is opened) plus the frame's position, so a
replay is deterministic when ``start_time`` is set. ``realtime: true`` paces frames at their native
rate, like a live camera; otherwise frames come as fast as they decode and the fps limit keeps the
camera's rate in capture time.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import cv2

from services.ingest.config import FileSource, FolderSource
from services.ingest.frames import RawFrame, utcnow
from services.ingest.metrics import CameraHealth, HealthState

log = logging.getLogger(__name__)


def _unreadable(health: CameraHealth, error: str) -> None:
    """The footage gives no frame at all: an error in the log and a failed camera, not a quiet finish."""
    log.error("camera %s: %s", health.camera_id, error)
    health.failure(error, permanent=True)


class _Paced:
    def __init__(self, realtime: bool, start_time: datetime | None) -> None:
        self.realtime = realtime
        self.start = start_time or utcnow()
        self._wall0: float | None = None
        self._stop = threading.Event()

    def stamp(self, offset_s: float) -> datetime:
        if self.realtime:
            if self._wall0 is None:
                self._wall0 = time.monotonic()
            self._stop.wait(max(0.0, self._wall0 + offset_s - time.monotonic()))
        return self.start + timedelta(seconds=offset_s)


class VideoFileReader:
    paced_by_agent = False

    def __init__(self, cfg: FileSource, health: CameraHealth) -> None:
        self.cfg = cfg
        self.health = health
        self._pace = _Paced(cfg.realtime, cfg.start_time)
        self._cap: cv2.VideoCapture | None = None
        self._fps = 25.0
        self._index = 0  # frames since the first open (continues across loops)
        self._finished = False

    @property
    def finished(self) -> bool:
        return self._finished

    def _open(self) -> bool:
        self._cap = cv2.VideoCapture(str(self.cfg.path), cv2.CAP_FFMPEG)
        if not self._cap.isOpened():
            _unreadable(self.health, f"cannot open {self.cfg.path} as a video")
            return False
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self._fps = fps if 1.0 <= fps <= 240.0 else 25.0
        return True

    def start(self) -> None:
        if not self._open():
            self._finished = True

    def close(self) -> None:
        self._pace._stop.set()
        if self._cap is not None:
            self._cap.release()

    def read(self, timeout: float) -> RawFrame | None:
        if self._finished or self._cap is None:
            return None
        ok, image = self._cap.read()
        if not ok:
            if self.cfg.loop and self._index > 0:
                self._cap.release()
                if self._open():
                    ok, image = self._cap.read()
            if not ok:
                self._finished = True
                if self._index == 0:
                    _unreadable(self.health, f"no frame could be decoded from {self.cfg.path}")
                else:
                    self.health.set(HealthState.FINISHED)
                return None
        t = self._pace.stamp(self._index / self._fps)
        self._index += 1
        self.health.ok()
        return RawFrame(image, t)


class ImageFolderReader:
    """Images sorted by name, spaced ``1 / fps`` apart in capture time."""

    paced_by_agent = False

    def __init__(self, cfg: FolderSource, fps: float, health: CameraHealth) -> None:
        self.cfg = cfg
        self.interval = 1.0 / fps
        self.health = health
        self._pace = _Paced(cfg.realtime, cfg.start_time)
        self._files: list[Path] = []
        self._pos = 0
        self._index = 0
        self._finished = False

    @property
    def finished(self) -> bool:
        return self._finished

    def start(self) -> None:
        self._files = sorted(p for p in Path(self.cfg.path).glob(self.cfg.pattern) if p.is_file())
        if not self._files:
            _unreadable(self.health, f"no files matching {self.cfg.pattern} in {self.cfg.path}")
            self._finished = True

    def close(self) -> None:
        self._pace._stop.set()

    def read(self, timeout: float) -> RawFrame | None:
        while not self._finished:
            if self._pos >= len(self._files):
                if not self.cfg.loop or self._index == 0:
                    self._finished = True
                    if self._index == 0:
                        _unreadable(self.health, f"no readable image in {self.cfg.path}")
                    else:
                        self.health.set(HealthState.FINISHED)
                    return None
                self._pos = 0
            path = self._files[self._pos]
            self._pos += 1
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                log.warning("skipping %s: not a readable image", path)
                continue
            t = self._pace.stamp(self._index * self.interval)
            self._index += 1
            self.health.ok()
            return RawFrame(image, t)
        return None
