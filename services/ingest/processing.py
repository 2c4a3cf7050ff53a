"""Per-camera processing: fps limit, privacy masks, region of interest, motion gating, JPEG encode.

Order matters for privacy: masks are blacked out on the decoded frame first, so neither the motion
detector nor the JPEG that leaves the agent ever holds a masked pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import cv2
import numpy as np

from services.ingest.config import Camera, PrivacyMask, Rect
from services.ingest.motion import MotionGate


class FpsLimiter:
    """Keep at most ``fps`` frames per second of capture time (average rate, no drift).

    A capture time more than one interval before the last frame kept means the camera's clock
    stepped back: the limiter starts over from it rather than dropping frames until the clock
    catches up with the old time (which could be years)."""

    def __init__(self, fps: float) -> None:
        self.interval = 1.0 / fps
        self._next: float | None = None

    def due(self, t: float) -> bool:
        tol = 0.1 * self.interval
        if self._next is not None and t < self._next - 2 * self.interval:
            self._next = None  # the clock went back
        if self._next is not None and t < self._next - tol:
            return False
        self._next = (
            t + self.interval
            if self._next is None or t - self._next >= self.interval
            else (self._next + self.interval)
        )
        return True


@dataclass(slots=True)
class _Geometry:
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the region of interest in pixels
    keep: np.ndarray | None  # uint8 mask of the region: 255 keep, 0 black out; None if no mask touches it


def build_geometry(width: int, height: int, roi: Rect | None, masks: list[PrivacyMask]) -> _Geometry:
    box = roi.pixels(width, height) if roi is not None else (0, 0, width, height)
    if not masks:
        return _Geometry(box, None)
    full = np.full((height, width), 255, np.uint8)
    for m in masks:
        if m.rect is not None:
            x0, y0, x1, y1 = m.rect.pixels(width, height)
            full[y0:y1, x0:x1] = 0
        elif m.polygon is not None:
            pts = np.array([[round(x * width), round(y * height)] for x, y in m.polygon], np.int32)
            cv2.fillPoly(full, [pts], 0)
    x0, y0, x1, y1 = box
    keep = np.ascontiguousarray(full[y0:y1, x0:x1])
    return _Geometry(box, None if bool(keep.min() == 255) else keep)


@dataclass(slots=True)
class ProcessResult:
    send: list[tuple[datetime, np.ndarray]] = field(default_factory=list)
    gated_out: int = 0


class FrameProcessor:
    """Stateful per camera; not thread-safe (one camera worker owns it)."""

    def __init__(self, cam: Camera) -> None:
        self.cam = cam
        self.gate = MotionGate(cam.motion) if cam.motion.enabled else None
        self._geom: _Geometry | None = None
        self._geom_shape: tuple[int, ...] = ()
        self._preroll: list[tuple[datetime, np.ndarray]] = []
        self._encode_params = [int(cv2.IMWRITE_JPEG_QUALITY), cam.jpeg_quality]

    def masked_roi(self, image: np.ndarray) -> np.ndarray:
        """The region of interest with privacy masks blacked out (a new array when masks apply)."""
        if self._geom is None or image.shape != self._geom_shape:
            h, w = image.shape[:2]
            self._geom = build_geometry(w, h, self.cam.roi, self.cam.privacy_masks)
            self._geom_shape = image.shape
        x0, y0, x1, y1 = self._geom.box
        crop = image[y0:y1, x0:x1]
        if self._geom.keep is not None:
            crop = cv2.bitwise_and(crop, crop, mask=self._geom.keep)
        return crop

    def process(self, image: np.ndarray, capture_time: datetime) -> ProcessResult:
        crop = self.masked_roi(image)
        if self.gate is None:
            return ProcessResult(send=[(capture_time, crop)])
        verdict = self.gate.update(crop)
        if verdict == "pending":
            self._preroll.append((capture_time, crop if crop.base is None else crop.copy()))
            return ProcessResult()
        if verdict == "send":
            out = [*self._preroll, (capture_time, crop)]
            self._preroll = []
            return ProcessResult(send=out)
        dropped = len(self._preroll) + 1
        self._preroll = []
        return ProcessResult(gated_out=dropped)

    def encode(self, crop: np.ndarray) -> bytes:
        ok, buf = cv2.imencode(".jpg", crop, self._encode_params)
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        return buf.tobytes()
