"""A video is decoded in a child process with capped memory and time: a frame larger than the video
declares never reaches the gateway's memory, and whatever becomes of the child is a 4xx, not a 500."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from media_helpers import jpeg_frame, lying_webm, mjpeg_movie

from gateway.config import UploadLimits
from gateway.errors import STATUS, TooLarge, Unavailable, UnreadableMedia
from gateway.reports import probe as probe_module
from gateway.reports.probe import probe
from recognizers.common.limits import DEFAULT_MAX_PIXELS

MIB = 1024 * 1024

# VmHWM: the peak of this process's own memory (ru_maxrss would start from the size of the process
# it was forked from, here pytest's)
CHECK_IN_A_FRESH_PROCESS = """
import sys
from gateway.config import UploadLimits
from gateway.errors import DomainError
from gateway.reports.validate import check
try:
    check(open(sys.argv[1], "rb").read(), UploadLimits())
    outcome = "taken"
except DomainError as e:
    outcome = e.code
peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(outcome, int(peak) // 1024)
"""


def test_the_gateway_never_holds_a_frame_larger_than_declared(tmp_path: Path) -> None:
    """The checking process's own peak memory stays that of its code: the 16000x16000 frame (which
    took 830 MB when OpenCV opened the file in this process) is decoded elsewhere."""
    path = tmp_path / "liar.webm"
    path.write_bytes(lying_webm(tmp_path / "clip.webm"))
    done = subprocess.run(
        [sys.executable, "-c", CHECK_IN_A_FRESH_PROCESS, str(path)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)},
        check=True,
        timeout=120,
    )
    outcome, peak_mib = done.stdout.split()
    assert outcome in ("taken", "payload_too_large", "unreadable_media"), done.stderr
    assert int(peak_mib) < 300, f"the checking process peaked at {peak_mib} MiB"


def test_the_memory_cap_refuses_what_it_cannot_hold(tmp_path: Path) -> None:
    """The same file needs more than 512 MiB to open: refused under that cap, opened under the
    default one (the frame is read back at its stream's 64x64)."""
    path = tmp_path / "liar.webm"
    path.write_bytes(lying_webm(tmp_path / "clip.webm"))
    with pytest.raises(UnreadableMedia) as e:
        probe(str(path), UploadLimits(max_report_decode_bytes=512 * MIB), DEFAULT_MAX_PIXELS, None)
    assert "more memory than the decoder may use" in e.value.detail and "пам'яті" in e.value.detail_uk
    opened = probe(str(path), UploadLimits(), DEFAULT_MAX_PIXELS, None)
    assert (opened.width, opened.height, opened.duration_s) == (64, 64, None)


def test_the_child_reads_size_and_length(tmp_path: Path) -> None:
    path = tmp_path / "clip.mov"
    path.write_bytes(mjpeg_movie([jpeg_frame(64, 48)] * 20, width=64, height=48))
    measured = probe(str(path), UploadLimits(), DEFAULT_MAX_PIXELS, 120.0)
    assert (measured.width, measured.height, measured.duration_s) == (64, 48, pytest.approx(2.0))


def test_a_frame_over_the_pixel_limit_is_named(tmp_path: Path) -> None:
    path = tmp_path / "big.mov"
    path.write_bytes(mjpeg_movie([jpeg_frame(640, 480)]))
    with pytest.raises(TooLarge) as e:
        probe(str(path), UploadLimits(), 640 * 480 - 1, None)
    assert "640x480" in e.value.detail and "640x480" in e.value.detail_uk


@pytest.fixture
def child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Replace the child script with one that does what a test says."""

    def use(source: str) -> None:
        script = tmp_path / "child.py"
        script.write_text(source)
        monkeypatch.setattr(probe_module, "CHILD", script)

    return use


@pytest.mark.parametrize(
    "source",
    [
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",  # killed (the kernel's OOM killer)
        "raise MemoryError",  # an allocation refused under the cap, uncaught
        "print('not json')",
        "print('[1, 2]')",
    ],
)
def test_a_child_that_dies_or_answers_nonsense_is_a_4xx(child, source: str) -> None:  # type: ignore[no-untyped-def]
    child(source)
    with pytest.raises(UnreadableMedia) as e:
        probe("/nonexistent.mp4", UploadLimits(), DEFAULT_MAX_PIXELS, None)
    assert "the decoder stopped on it" in e.value.detail and e.value.detail_uk
    assert STATUS[UnreadableMedia] == 422


def test_a_child_that_takes_too_long_is_stopped(child) -> None:  # type: ignore[no-untyped-def]
    child("import time\ntime.sleep(60)")
    started = time.monotonic()
    with pytest.raises(UnreadableMedia) as e:
        probe("/nonexistent.mp4", UploadLimits(max_report_decode_s=0.5), DEFAULT_MAX_PIXELS, None)
    assert time.monotonic() - started < 10
    assert "longer than 0.5 s" in e.value.detail and "0.5 с" in e.value.detail_uk


def test_a_cap_below_what_the_decoder_needs_is_the_server_s_fault(  # type: ignore[no-untyped-def]
    child, caplog: pytest.LogCaptureFixture
) -> None:
    child('print(\'{"error": "memory", "in_use": 999}\')')
    with caplog.at_level(logging.ERROR, logger="gateway.reports.probe"), pytest.raises(Unavailable) as e:
        probe("/nonexistent.mp4", UploadLimits(), DEFAULT_MAX_PIXELS, None)
    assert STATUS[Unavailable] == 503 and e.value.detail_uk
    assert "MAX_REPORT_DECODE_BYTES" in caplog.text and "999" in caplog.text


def test_videos_are_opened_one_at_a_time_and_one_that_waits_too_long_is_a_503(tmp_path: Path) -> None:
    movie = tmp_path / "m.mov"
    movie.write_bytes(mjpeg_movie([jpeg_frame(64, 48)] * 3, width=64, height=48))
    limits = UploadLimits(max_report_decode_s=0.5)
    slots = probe_module._slots(limits.max_report_probes)
    assert slots.acquire(blocking=False)  # another video is being opened
    try:
        with pytest.raises(Unavailable) as refused:
            probe(str(movie), limits, DEFAULT_MAX_PIXELS, None)
        assert STATUS[Unavailable] == 503 and refused.value.headers == {"Retry-After": "60"}
        assert "одночасно" in refused.value.detail_uk
    finally:
        slots.release()
    assert probe(str(movie), limits, DEFAULT_MAX_PIXELS, None).width > 0  # its turn came
