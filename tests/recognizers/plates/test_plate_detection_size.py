"""The detection size follows the frame: a 1280x720 frame is detected at 640 px, a larger one at half its
long side up to ``det_max_long_side`` (800), so a plate as many pixels high is not shrunk further on the
map only because the camera sends more pixels around it."""

from __future__ import annotations

import numpy as np
import pytest
from plate_helpers import map_sizes, settings_of

from recognizers.plates import PlateRecognizer, PlateSettings
from recognizers.plates.detector import detection_side
from shared.schemas import BBox


@pytest.mark.parametrize(
    ("h", "w", "side"),
    [
        (720, 1280, 640),  # the frame the default size was chosen for: unchanged
        (360, 640, 640),  # a camera's sub-stream
        (432, 576, 640),  # a photo smaller than the detection size is enlarged as before
        (960, 1280, 640),  # 4:3 of the same width
        (1080, 1920, 800),  # half would be 960: capped
        (1200, 1600, 800),
        (1440, 2560, 800),
        (1300, 1000, 650),  # portrait: the long side counts
    ],
)
def test_detection_side_is_half_the_frame_within_bounds(h: int, w: int, side: int) -> None:
    assert detection_side(h, w, 640, 800) == side


def test_detection_side_bounds_are_the_settings() -> None:
    assert detection_side(1080, 1920, 640, 640) == 640  # the cap at the base size: one fixed size
    assert detection_side(1080, 1920, 640, 960) == 960
    assert detection_side(720, 1280, 1024, 800) == 1024  # a larger base size always wins


def test_max_long_side_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PlateSettings().det_max_long_side == 800
    monkeypatch.setenv("VARTA_PLATES__DET_MAX_LONG_SIDE", "640")
    assert PlateSettings().det_max_long_side == 640
    with pytest.raises(ValueError):
        PlateSettings(det_max_long_side=100)


@pytest.mark.slow
def test_a_frame_is_detected_at_its_own_size(recognizer: PlateRecognizer) -> None:
    rng = np.random.default_rng(7)
    full_hd = rng.integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    assert map_sizes(recognizer, full_hd)[0] == 800
    assert map_sizes(recognizer, full_hd[:720, :1280])[0] == 640
    # a region of interest is a frame of its own size
    assert map_sizes(recognizer, full_hd, BBox(x=0, y=400, w=1600, h=600))[0] == 800
    assert map_sizes(recognizer, full_hd, BBox(x=0, y=400, w=1200, h=600))[0] == 640
    with settings_of(recognizer, PlateSettings(det_max_long_side=640)):
        assert map_sizes(recognizer, full_hd)[0] == 640
