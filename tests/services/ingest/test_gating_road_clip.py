"""Motion gating on the fixed road clip, against labels read by eye from the frames.

``bgslibrary_video.avi`` (640x360, fixed camera over a road): frames 0-58 show an empty road; a car
enters at frame 59 and cars cross until about frame 181; frames 100-170 always hold a moving car.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import pytest

from services.ingest.config import Camera
from services.ingest.frames import utcnow
from services.ingest.processing import FrameProcessor

pytestmark = pytest.mark.slow
DATA = Path(
    os.environ.get("VARTA_SHARED_DATA", Path(__file__).resolve().parents[3].parent / "shared" / "data")
)
CLIP = DATA / "video_clips" / "bgslibrary_video.avi"


def _sent_indices(limit: int) -> set[int]:
    cam = Camera.model_validate(
        {"id": "road", "village": "v", "name": "road", "source": {"type": "file", "path": str(CLIP)}}
    )
    proc, cap, now = FrameProcessor(cam), cv2.VideoCapture(str(CLIP), cv2.CAP_FFMPEG), utcnow()
    sent: set[int] = set()
    for i in range(limit):
        ok, image = cap.read()
        if not ok:
            break
        if proc.process(image, now).send:
            sent.add(i)
    return sent


def test_empty_road_sends_nothing_and_passing_cars_are_sent() -> None:
    if not CLIP.exists():
        pytest.skip(f"{CLIP} not found (set VARTA_SHARED_DATA)")
    sent = _sent_indices(175)
    assert not sent & set(range(0, 55)), "frames of the empty road were sent"
    assert set(range(100, 171)) <= sent, "frames with a moving car were gated out"
