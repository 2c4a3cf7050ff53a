"""Open a resident's video in a child process with capped memory and time; the gateway decodes none of it.

``probe_child.py`` runs as a script (``python -P``: its folder is not put on the import path) with
the gateway's interpreter and environment, plus one thread for the maths libraries. It answers in one
line of JSON; whatever else happens to it (killed for taking too much memory or CPU, a crash, no
answer in time) is a refusal of the file, never a server error.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config import UploadLimits
from gateway.errors import TooLarge, Unavailable, UnreadableMedia
from gateway.reports.probe_child import CHILD_ENV

logger = logging.getLogger(__name__)
CHILD = Path(__file__).with_name("probe_child.py")
_STDERR_TAIL = 2000  # characters of the child's error output kept in the log


@dataclass(frozen=True)
class Probed:
    width: int
    height: int
    duration_s: float | None  # None unless asked to measure


def unreadable(why: str, why_uk: str) -> UnreadableMedia:
    return UnreadableMedia(f"The video cannot be read: {why}.", f"Відео неможливо прочитати: {why_uk}.")


def too_many_pixels(width: int, height: int) -> TooLarge:
    return TooLarge(
        f"The video frame is {width}x{height}, more pixels than allowed.",
        f"Кадр відео має розмір {width}x{height}, більше пікселів, ніж дозволено.",
    )


_SLOTS_LOCK = threading.Lock()
_SLOTS: dict[int, threading.BoundedSemaphore] = {}


def _slots(n: int) -> threading.BoundedSemaphore:
    """The ``n`` children that may run at once (each may take ``max_report_decode_bytes``)."""
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(n, threading.BoundedSemaphore(n))


def probe(path: str, limits: UploadLimits, max_pixels: int, measure_up_to: float | None) -> Probed:
    """First frame's size (and, if ``measure_up_to`` is given, the length OpenCV finds) of the file.

    At most ``max_report_probes`` children run at once; a video that waits longer than the time cap
    for its turn is a 503 with ``Retry-After`` (its bytes are not stored)."""
    slots = _slots(limits.max_report_probes)
    if not slots.acquire(timeout=limits.max_report_decode_s):
        raise Unavailable(
            "Too many videos are being checked at once; send it again in a minute.",
            "Забагато відео перевіряється одночасно; надішліть його знову за хвилину.",
            retry_after=60,
        )
    try:
        return _probe(path, limits, max_pixels, measure_up_to)
    finally:
        slots.release()


def _probe(path: str, limits: UploadLimits, max_pixels: int, measure_up_to: float | None) -> Probed:
    timeout = limits.max_report_decode_s
    args = [str(limits.max_report_decode_bytes), str(math.ceil(timeout) + 1), str(max_pixels)]
    args.append("-" if measure_up_to is None else repr(measure_up_to))
    try:
        done = subprocess.run(
            [sys.executable, "-P", str(CHILD), path, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            env=os.environ | CHILD_ENV,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise unreadable(
            f"reading it took longer than {timeout:g} s", f"його читання тривало довше за {timeout:g} с"
        ) from None
    answer = _answer(done)
    if answer is None:
        raise unreadable(
            "the decoder stopped on it: its frames need more memory than the decoder may use (larger "
            "than the video declares) or it is damaged",
            "декодер зупинився на ньому: його кадри потребують більше пам'яті, ніж дозволено декодеру "
            "(більші, ніж заявлено у відео), або воно пошкоджене",
        )
    return _result(answer, limits)


def _answer(done: subprocess.CompletedProcess[bytes]) -> dict[str, Any] | None:
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            answer = json.loads(lines[-1])
        except ValueError:
            answer = None
        if isinstance(answer, dict):
            return answer
    tail = done.stderr.decode("utf-8", "replace")[-_STDERR_TAIL:]
    logger.warning("the video probe ended with status %s: %s", done.returncode, tail)
    return None


def _result(answer: dict[str, Any], limits: UploadLimits) -> Probed:
    error = answer.get("error")
    if error is None:
        duration = answer.get("duration_s")
        return Probed(
            int(answer["width"]), int(answer["height"]), None if duration is None else float(duration)
        )
    if error == "pixels":
        raise too_many_pixels(int(answer["width"]), int(answer["height"]))
    if error == "open":
        raise unreadable("the decoder could not open it", "декодер не зміг його відкрити")
    if error == "first_frame":
        raise unreadable(
            "no first frame could be decoded (it is damaged, or its frames need more memory than the "
            "decoder may use)",
            "не вдалося декодувати перший кадр (відео пошкоджене або його кадри потребують більше "
            "пам'яті, ніж дозволено декодеру)",
        )
    # "memory": the decoder alone takes more than the cap; the settings are wrong, not the file
    logger.error(
        "the video decoder uses %s bytes before reading a file, more than limits.max_report_decode_bytes "
        "(%s): raise VARTA_LIMITS__MAX_REPORT_DECODE_BYTES",
        answer.get("in_use"),
        limits.max_report_decode_bytes,
    )
    raise Unavailable(
        "Videos cannot be checked now: the gateway's decoder memory limit is set too low.",
        "Відео зараз неможливо перевірити: межу пам'яті декодера на шлюзі встановлено занизько.",
        retry_after=3600,
    )
