"""How busy the recognizers have been lately: the gateway asks for the plate recognizer's finer look
only while they have time to spare (``VARTA_PIPELINE__PLATES_FINER_LOOK=when_idle``).

The finer look detects a frame with no plate found again at 1.5 times the scale: of 150 rendered
vehicles approaching a camera it raised the alert for 141 against 136 without, of 150 others for 137
either way (``recognizers.bench.passes``; on real photos of Ukrainian cars it read 23 of 25 plates
against 18), and it costs a second detector run at 2.25 times the pixels on every
frame with no plate, most of a camera's motion frames. A camera agent sends one frame at a time and
spools what the gateway cannot take, so the frames in flight say nothing about a backlog; the busy
share does: the recognizers' wall time over the last ``WINDOW_S`` seconds, as a share of them (two
frames recognized side by side count twice). Below ``IDLE_SHARE`` the next frame gets the finer look;
above it, frames are read at the first look only until the load falls again.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

WINDOW_S = 10.0
#: the busy share under which a frame gets the finer look: a frame with it takes up to about twice
#: as long, so at half the load the recognizers still keep up
IDLE_SHARE = 0.5


class BusyMeter:
    """Not thread-safe: the frame processor records and asks from the event loop."""

    def __init__(self, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = float(window_s)
        self._clock = clock
        self._runs: deque[tuple[float, float]] = deque()  # (ended at, seconds)

    def record(self, seconds: float) -> None:
        """A recognizer run of ``seconds`` wall time has just ended."""
        self._runs.append((self._clock(), max(0.0, float(seconds))))

    def share(self) -> float:
        """The recognizers' wall time within the last window, as a share of it."""
        start = self._clock() - self.window_s
        while self._runs and self._runs[0][0] < start:
            self._runs.popleft()
        return sum(seconds for _, seconds in self._runs) / self.window_s

    def idle(self, share: float = IDLE_SHARE) -> bool:
        return self.share() < share
