"""Frame records passed between the sources, the processor and the delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class RawFrame:
    """A decoded frame (BGR) and the moment it was captured (timezone-aware)."""

    image: np.ndarray
    capture_time: datetime


@dataclass(slots=True, frozen=True)
class OutFrame:
    """A frame ready for the gateway: masked, cropped, motion-gated and JPEG-encoded."""

    camera_id: str
    capture_time: datetime
    seq: int
    jpeg: bytes

    @property
    def idempotency_key(self) -> str:
        return make_idempotency_key(self.camera_id, self.capture_time, self.seq)

    @property
    def capture_time_rfc3339(self) -> str:
        return self.capture_time.isoformat(timespec="microseconds")


def make_idempotency_key(camera_id: str, capture_time: datetime, seq: int) -> str:
    """Deterministic per frame: the same frame replayed after a crash carries the same key.

    ``<camera id>.<capture time in µs since the epoch>.<sequence>``: at most 63 + 1 + 16 + 1 + 20
    characters, inside the gateway's 1..128 limit.
    """
    micros = int(capture_time.timestamp() * 1_000_000)
    return f"{camera_id}.{micros}.{seq}"
