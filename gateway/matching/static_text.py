"""Text that stays put in a fixed camera's picture is part of the scene, not a passing vehicle.

An entry camera's frames carry text that never moves: the camera name that EZVIZ and most cameras burn
into the picture, a maker's logo, a village sign, a shop's board. The plate recognizer must keep any
4-10 letters and digits as a possible foreign plate (``GWAGEN`` and ``KMBORAK`` are real ones), so such
text is read on frame after frame, and each of those frames would be stored as a sighting with its whole
picture as evidence.

A read is *static* once the same text has been read at the same place (its centre within half its box
height of where it was first read) in at least ``min_frames`` frames spanning at least ``min_span_s``
of capture time. From then on it is left out before matching and storing, until it has not been read
there for ``forget_s``. A car that stops in view is stored and matched as usual for its first
``min_span_s`` (an alert is raised on its first frame); only after that does it stop adding reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.schemas import PlateRead


@dataclass
class _Spot:
    text: str
    cx: float
    cy: float
    h: float
    first: datetime
    last: datetime
    frames: int = 1

    def holds(self, text: str, cx: float, cy: float) -> bool:
        reach = 0.5 * self.h
        return text == self.text and abs(cx - self.cx) <= reach and abs(cy - self.cy) <= reach


class StaticText:
    """Per camera, the places where the same text keeps being read. Not thread-safe per camera: the
    pipeline serialises each camera's frames (different cameras touch different lists)."""

    def __init__(
        self, min_frames: int = 10, min_span_s: float = 120.0, forget_s: float = 600.0, max_spots: int = 256
    ) -> None:
        self.min_frames = int(min_frames)
        self.min_span_s = float(min_span_s)
        self.forget_s = float(forget_s)
        self.max_spots = int(max_spots)
        self._spots: dict[str, list[_Spot]] = {}

    @property
    def enabled(self) -> bool:
        return self.min_frames > 0

    def is_static(self, camera_id: str, ts: datetime, read: PlateRead) -> bool:
        """Record ``read`` (captured at ``ts``) and say whether it is static text of this camera."""
        if not self.enabled:
            return False
        b = read.bbox
        cx, cy = b.x + b.w / 2, b.y + b.h / 2
        spots = self._spots.setdefault(camera_id, [])
        # forget what was last read long before this frame (a frame replayed from a camera's spool,
        # older than the spots, forgets nothing)
        spots[:] = [s for s in spots if (ts - s.last).total_seconds() <= self.forget_s]
        spot = next((s for s in spots if s.holds(read.text, cx, cy)), None)
        if spot is None:
            spots.append(_Spot(read.text, cx, cy, float(max(b.h, 1)), ts, ts))
            if len(spots) > self.max_spots:  # the least recently read goes first
                spots.remove(min(spots, key=lambda s: s.last))
            return False
        spot.frames += 1
        spot.first, spot.last = min(spot.first, ts), max(spot.last, ts)
        span = (spot.last - spot.first).total_seconds()
        return spot.frames >= self.min_frames and span >= self.min_span_s
