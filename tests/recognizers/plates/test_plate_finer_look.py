"""A frame whose first look finds no plate is detected again at 1.5 times the size (``finer_look_scale``),
at most 1.5 times ``det_long_side`` (960 px; ``finer_look_max_side``).

On real photos of Ukrainian cars a plate whose characters are 10-12 px high on the detector's map, seen
at an angle, often leaves no region at all at the frame's detection size; it costs a second detector
run only on frames with no plate read, and keeps only plate-shaped readings from it."""

from __future__ import annotations

import numpy as np
import pytest
from plate_helpers import map_sizes, settings_of

from recognizers.plates import PlateRecognizer, PlateSettings
from recognizers.plates.assemble import Reading, settled, with_finer_look
from recognizers.synth.render import render_plate
from shared.plate_grammar import parse


def _reading(text: str, confidence: float = 0.95, box: tuple[int, int, int, int] = (0, 0, 0, 0)) -> Reading:
    x, y, w, h = box
    points = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32)
    return Reading(parse(text), text, [confidence] * len(text), confidence, [], points, 1, (0, 0.0))


@pytest.mark.parametrize(
    ("text", "ends_search"),
    [
        ("AA1234BB", True),  # a structured Ukrainian plate
        ("12345AA", True),  # 1995
        ("1B80338", True),  # a Czech plate the grammar takes for a personalised one
        ("LM010BE", True),  # foreign, format unknown
        ("6808XO", True),  # an old trailer plate's two lines joined
        ("PASSAT", False),  # a car's badge
        ("KITCH", False),  # a van's sign
        ("6808", False),  # one line of a two-line plate
        ("30217", False),
        ("M5XSX", False),  # one digit: no plate's shape yet
    ],
)
def test_which_readings_end_the_search(text: str, ends_search: bool) -> None:
    assert settled(_reading(text), 0.5) is ends_search


def test_an_unsure_reading_ends_nothing() -> None:
    assert settled(_reading("AA1234BB", 0.4), 0.5) is False


def test_the_scale_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert PlateSettings().finer_look_scale == 1.5
    assert PlateSettings().finer_look_max_side is None and PlateSettings().finer_look_cap == 960
    assert PlateSettings(det_long_side=800).finer_look_cap == 1200  # the opt-in tiny detector's size
    assert PlateSettings(finer_look_max_side=1024).finer_look_cap == 1024
    monkeypatch.setenv("VARTA_PLATES__FINER_LOOK_SCALE", "0")
    assert PlateSettings().finer_look_scale == 0
    with pytest.raises(ValueError):
        PlateSettings(finer_look_scale=5)


def _texts(recognizer: PlateRecognizer, image: np.ndarray, scale: float) -> list[str]:
    with settings_of(recognizer, PlateSettings(finer_look_scale=scale)):
        return [p.text for p in recognizer.recognize(image)]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1163, 1175])
def test_a_plate_too_small_for_the_first_look_is_read_by_the_finer_one(
    recognizer: PlateRecognizer, seed: int
) -> None:
    plate = render_plate(seed, height_range=(12, 20))
    assert plate.text not in _texts(recognizer, plate.image_bgr, 0)
    assert plate.text in _texts(recognizer, plate.image_bgr, 1.5)


@pytest.mark.slow
def test_only_a_frame_without_a_plate_gets_the_finer_look(recognizer: PlateRecognizer) -> None:
    clear = render_plate(5, height_range=(48, 60))
    assert clear.text in _texts(recognizer, clear.image_bgr, 1.5)
    assert 960 not in map_sizes(recognizer, clear.image_bgr)
    empty = np.random.default_rng(3).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    assert map_sizes(recognizer, empty)[:2] == [640, 960]
    full_hd = np.random.default_rng(3).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    assert map_sizes(recognizer, full_hd)[:2] == [800, 960]  # at most 1.5 x det_long_side (640)
    with settings_of(recognizer, PlateSettings(finer_look_max_side=1200)):
        assert map_sizes(recognizer, full_hd)[:2] == [800, 1200]
    with settings_of(recognizer, PlateSettings(finer_look_max_side=800)):  # no larger than the first look
        assert map_sizes(recognizer, full_hd) == [800]
    with settings_of(recognizer, PlateSettings(finer_look_scale=0)):
        assert 960 not in map_sizes(recognizer, empty)


PLATE = (100, 200, 120, 26)  # x, y, w, h of a small plate in the frame


def _texts_of(readings: list[Reading]) -> list[str]:
    return [r.parsed.text for r in readings]


def test_a_finer_reading_of_the_same_place_takes_the_first_looks_place() -> None:
    """One transit plate read twice, once by each look: one reading, the first look's as a candidate."""
    first = [_reading("1549030", 0.8, PLATE), _reading("PASSAT", 0.9, (400, 150, 90, 20))]
    finer = [_reading("15OA9030", 0.92, (98, 199, 124, 28))]
    out = with_finer_look(first, finer, 4)
    assert _texts_of(out) == ["15OA9030", "PASSAT"]
    assert out[0].candidates == [("1549030", 0.8)]


def test_a_finer_reading_elsewhere_is_added() -> None:
    first = [_reading("PASSAT", 0.9, (400, 150, 90, 20))]
    finer = [_reading("AA1234BB", 0.95, PLATE)]
    assert _texts_of(with_finer_look(first, finer, 4)) == ["PASSAT", "AA1234BB"]


def test_a_text_the_first_look_read_adds_nothing() -> None:
    first = [_reading("AA1234BB", 0.6, PLATE)]
    out = with_finer_look(first, [_reading("AA1234BB", 0.95, (300, 300, 120, 26))], 4)
    assert _texts_of(out) == ["AA1234BB"] and out[0].confidence == 0.6


def test_the_lines_of_a_two_line_plate_read_first_are_one_plate_read_finer() -> None:
    """Both lines overlap the plate's box: one reading stays; a line is a part, never a candidate."""
    first = [_reading("6808", 0.9, (100, 226, 60, 26)), _reading("XO", 0.9, (100, 200, 60, 26))]
    finer = [_reading("6808XO", 0.93, (98, 198, 64, 56))]
    out = with_finer_look(first, finer, 4)
    assert _texts_of(out) == ["6808XO"] and out[0].candidates == []


def test_no_more_candidates_than_asked() -> None:
    first = [_reading("1549030", 0.8, PLATE)]
    finer = [_reading("15OA9030", 0.92, PLATE)]
    assert with_finer_look(first, finer, 0)[0].candidates == []


def test_the_replaced_readings_own_candidates_follow_its_text() -> None:
    """A personalised plate whose O/0 no format settles: the first look's next-best stays on offer."""

    def first() -> list[Reading]:
        read = _reading("PBO0O", 0.93, PLATE)
        read.candidates[:] = [("PBOOO", 0.7), ("PBO00", 0.6)]
        return [read]

    out = with_finer_look(first(), [_reading("PBO00", 0.9, PLATE)], 4)
    assert _texts_of(out) == ["PBO00"]
    # the finer text itself is not offered again; a candidate is never surer than the plate (0.9)
    assert out[0].candidates == [("PBO0O", 0.9), ("PBOOO", 0.7)]
    assert with_finer_look(first(), [_reading("PBO00", 0.9, PLATE)], 1)[0].candidates == [("PBO0O", 0.9)]
