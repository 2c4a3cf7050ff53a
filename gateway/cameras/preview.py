"""The latest preview picture of each camera, in memory only: the residents' live view.

The ingest agent sends a small, privacy-masked JPEG every few seconds per camera that has previews
on. Only the newest one is kept, never on disk, never recognised; after ``max_age_s`` without a new
one the camera has no live picture (a stale picture must not pass for a live one).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Preview:
    jpeg: bytes
    captured_at: datetime
    received_at: datetime


class PreviewCache:
    """Newest preview per camera id; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latest: dict[str, Preview] = {}

    def put(self, camera_id: str, preview: Preview, max_age_s: float) -> None:
        """Keep ``preview`` unless a newer capture is already held (deliveries may arrive out of order)
        that is still live (received within ``max_age_s``): a picture stamped ahead of time (a camera
        clock set wrong) holds the view no longer than a live one would."""
        with self._lock:
            held = self._latest.get(camera_id)
            if (
                held is None
                or preview.captured_at >= held.captured_at
                or (preview.received_at - held.received_at).total_seconds() > max_age_s
            ):
                self._latest[camera_id] = preview

    def get(self, camera_id: str, now: datetime, max_age_s: float) -> Preview | None:
        """The newest preview received within ``max_age_s``; older ones are dropped."""
        with self._lock:
            held = self._latest.get(camera_id)
            if held is None:
                return None
            if (now - held.received_at).total_seconds() > max_age_s:
                del self._latest[camera_id]
                return None
            return held

    def forget(self, camera_id: str) -> None:
        with self._lock:
            self._latest.pop(camera_id, None)
