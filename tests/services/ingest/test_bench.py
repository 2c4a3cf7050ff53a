"""``varta bench ingest`` prints figures and, as its last line, one JSON object with the issue's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

DATA = Path(
    os.environ.get("VARTA_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data")
)


def test_bench_last_line_is_json_with_the_keys() -> None:
    if not (DATA / "video_clips").is_dir():
        pytest.skip(f"shared clips not found at {DATA} (set VARTA_SHARED_DATA)")
    cmd = [sys.executable, "-m", "varta.cli", "bench", "ingest"]
    cmd += ["--shared-data", str(DATA), "--max-frames", "150"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    last = json.loads(res.stdout.strip().splitlines()[-1])
    fps = last["ingest"]["decode_fps_per_core"]
    assert fps["overall"] > 0 and fps["640x360"] > 0 and fps["1080p"] > 0
    share = last["ingest"]["sent_share"]
    assert 0.0 <= share["overall"] <= 1.0
    # the static control clip (one frame held still) sends nothing: motion gating works
    assert share["per_clip"]["static_control_640x360.mp4"] == 0.0
    assert share["per_clip"]["bgslibrary_video.avi"] > 0.0
