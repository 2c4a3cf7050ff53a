"""What every source offers the camera worker, and the shared reconnect backoff."""

from __future__ import annotations

import random
import threading
from typing import Protocol

from services.ingest.frames import RawFrame


class Source(Protocol):
    #: True for live pull sources (rtsp, snapshots): the worker asks for a frame at the camera's fps.
    #: False for files, folders and pushes: they deliver at their own pace and the fps limit filters.
    paced_by_agent: bool

    def start(self) -> None: ...

    def read(self, timeout: float) -> RawFrame | None:
        """The next (for live sources: the freshest) frame, or None when none came within ``timeout``."""
        ...

    @property
    def finished(self) -> bool:
        """True once a finite source (a file that does not loop) has no more frames."""
        ...

    def close(self) -> None: ...


class Backoff:
    """Exponential backoff with jitter: ``initial * 2^n`` capped at ``maximum``, times 0.5..1."""

    def __init__(self, initial: float, maximum: float, rng: random.Random | None = None) -> None:
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        base = min(self.maximum, self.initial * 2 ** min(self.attempt, 30))
        self.attempt += 1
        return base * (0.5 + self._rng.random() / 2)

    def reset(self) -> None:
        self.attempt = 0


def sleep(stop: threading.Event, seconds: float) -> bool:
    """Sleep unless stopped; True when the stop event fired."""
    return stop.wait(max(0.0, seconds))
