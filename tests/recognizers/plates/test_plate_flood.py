"""Flooded regions: where the frame-size DB map fills a whole surface as one "text" region, the surface
is re-detected in tiles at twice the scale, so a plate on it is still found."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from plate_helpers import rect

from recognizers.plates import PlateRecognizer, PlateSettings, refine
from recognizers.synth import render_plate
from recognizers.synth.cli import render_frame

# rendered frames (no clip backgrounds) whose map at det size 640 floods a region holding the plate:
# read with the tiled pass, not without it (measured with the small PP-OCRv6 models; seeds 9100-9700
# hold 49 flooded frames, of which 10 are read only with the pass and none only without it)
FLOOD_SEEDS = (9205, 9208, 9350, 9438, 9504, 9517, 9544)


def _holds(points: np.ndarray, x: float, y: float) -> bool:
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return bool(x0 <= x <= x1 and y0 <= y <= y1)


def test_flooded_is_a_share_of_the_image() -> None:
    assert refine.flooded(rect(0, 0, 1279, 719), 1280, 720, 0.1)
    assert refine.flooded(rect(100, 100, 548, 356), 1280, 720, 0.1)  # 448x256: 12 % of the frame
    assert not refine.flooded(rect(100, 100, 400, 300), 1280, 720, 0.1)  # 300x200: 6.5 %
    assert not refine.flooded(rect(500, 300, 620, 330), 1280, 720, 0.1)  # a plate


def test_a_box_shaped_like_one_line_of_text_is_a_line_however_large() -> None:
    assert refine.text_line(rect(300, 400, 1000, 552))  # a plate close up: 700x152, 4.6 times as wide
    assert refine.text_line(rect(0, 0, 350, 100))  # 3.5: a plate seen at 40 degrees of yaw
    assert not refine.text_line(rect(100, 100, 548, 356))  # 1.75: a surface
    assert not refine.text_line(rect(0, 0, 1280, 720))
    assert not refine.text_line(rect(0, 0, 1200, 100))  # 12: no line of a plate, a band of texture


def test_a_flooded_frame_is_tiled_two_by_two_with_overlap() -> None:
    tiles = refine.flood_tiles(rect(0, 0, 1280, 720), 1280, 720)
    assert len(tiles) == 4
    for x0, y0, x1, y1 in tiles:
        assert 0 <= x0 < x1 <= 1280 and 0 <= y0 < y1 <= 720
        assert x1 - x0 <= 640 * (1 + refine.FLOOD_OVERLAP) + 1  # a step, grown on its inner side only
        assert y1 - y0 <= 360 * (1 + refine.FLOOD_OVERLAP) + 1
    left, right = tiles[0], tiles[1]
    assert left[2] - right[0] >= 2 * refine.FLOOD_OVERLAP * 640 - 1  # a plate on the seam stays whole
    covered = np.zeros((720, 1280), bool)
    for x0, y0, x1, y1 in tiles:
        covered[y0:y1, x0:x1] = True
    assert covered.all()


def test_a_small_flood_is_one_tile_grown_and_clipped() -> None:
    tiles = refine.flood_tiles(rect(1000, 500, 1300, 800), 1280, 720)  # runs off the frame
    assert len(tiles) == 1
    x0, y0, x1, y1 = tiles[0]
    assert (x1, y1) == (1280, 720)
    assert x0 < 1000 and y0 < 500  # grown by the overlap
    assert len(refine.flood_tiles(rect(0, 0, 700, 200), 1280, 720)) == 2  # wider than half the frame


def test_flood_settings_are_validated() -> None:
    assert PlateSettings(max_flood_tiles=0).max_flood_tiles == 0
    with pytest.raises(ValueError):
        PlateSettings(flood_share=0)
    with pytest.raises(ValueError):
        PlateSettings(max_flood_tiles=-1)


@pytest.mark.slow
def test_plate_on_a_flooded_surface_is_found(
    recognizer: PlateRecognizer, read_count: Callable[..., int]
) -> None:
    assert recognizer.detector is not None
    samples = [render_plate(seed) for seed in FLOOD_SEEDS]
    for s in samples:  # the premise: the map floods a region that holds the plate
        h, w = s.image_bgr.shape[:2]
        strong, weak = recognizer.detector.detect_with_weak(
            s.image_bgr, weak_thresh=recognizer.settings.det_weak_thresh
        )
        cx, cy = s.bbox.x + s.bbox.w / 2, s.bbox.y + s.bbox.h / 2
        floods = [b.points for b in strong + weak if refine.flooded(b.points, w, h, 0.1)]
        assert any(_holds(p, cx, cy) for p in floods), s.text
    found = read_count(recognizer, samples, None)
    without = read_count(recognizer, samples, PlateSettings(max_flood_tiles=0))
    assert found >= 5, found  # 7 of 7 measured
    assert without <= 1, without  # 0 of 7 measured without the tiled pass


@pytest.mark.slow
def test_a_plate_close_up_is_read_without_tiling_its_line(
    recognizer: PlateRecognizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plate 200 px high in a 720p frame: its line's box covers a tenth of the frame, but it is one line
    of text, so the frame is not re-detected in tiles (two more detector runs at twice the frame's scale)."""
    frame = render_frame("BH 0423 EK", 1280, 720, plate_height=200)
    tiled: list[object] = []
    lines_in_flood = refine.lines_in_flood

    def spy(detector: object, image: np.ndarray, tiles: list[object], *args: object) -> object:
        tiled.extend(tiles)
        return lines_in_flood(detector, image, tiles, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(refine, "lines_in_flood", spy)
    assert [p.text for p in recognizer.recognize(frame)] == ["BH0423EK"]
    assert tiled == []
    monkeypatch.setattr(refine, "text_line", lambda points: False)  # the premise: the line floods
    assert [p.text for p in recognizer.recognize(frame)] == ["BH0423EK"]
    assert tiled
