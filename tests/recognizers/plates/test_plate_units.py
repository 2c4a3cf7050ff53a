"""Fast unit tests of the plate pipeline's pure parts (no models)."""

from __future__ import annotations

import numpy as np
import pytest
from plate_helpers import rect, rotated, text_read

from recognizers.plates.assemble import (
    Line,
    Part,
    assemble,
    best_reading,
    clock_or_date,
    harmonise,
    join,
    phone_number,
    stacked,
)
from recognizers.plates.detector import boxes_from_map, order_points
from recognizers.plates.pipeline import _foreign_start, _near_plate
from recognizers.plates.reader import (
    ALPHABET,
    TextReader,
    expand_box,
    fold,
    fold_table,
    mark_table,
    multi_table,
    upright_box,
)
from recognizers.plates.settings import PlateSettings


def test_settings_read_env_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VARTA_PLATES__DET_LONG_SIDE", "800")
    assert PlateSettings().det_long_side == 800
    with pytest.raises(ValueError):
        PlateSettings(unknown_knob=1)  # type: ignore[call-arg]


def test_order_points_from_any_order() -> None:
    pts = np.array([[10, 20], [0, 0], [10, 0], [0, 20]], np.float32)
    assert order_points(pts).tolist() == [[0, 0], [10, 0], [10, 20], [0, 20]]


def test_db_postprocess_finds_and_unclips_a_text_blob() -> None:
    prob = np.zeros((64, 128), np.float32)
    prob[28:36, 20:100] = 0.9  # a shrunk text kernel
    boxes = boxes_from_map(prob, 0.3, 0.5, 1.6, 100)
    assert len(boxes) == 1
    pts, score = boxes[0]
    assert score > 0.7  # mean probability inside the (dilated) region
    w, h = np.ptp(pts[:, 0]), np.ptp(pts[:, 1])
    assert w > 80 and 8 < h < 24  # expanded beyond the kernel in both directions


def test_db_postprocess_ignores_weak_and_tiny_regions() -> None:
    prob = np.zeros((64, 128), np.float32)
    prob[10:12, 10:12] = 0.9
    prob[30:40, 20:100] = 0.35  # above thresh, below box_thresh
    assert boxes_from_map(prob, 0.3, 0.5, 1.6, 100) == []


def test_fold_table_maps_case_and_width_variants_to_plate_characters() -> None:
    chars = ["<blank>", "a", "A", "Ａ", "0", "-", "中", " "]
    idx, group = fold_table(chars)
    mapping = dict(zip(idx.tolist(), group.tolist(), strict=True))
    a = ALPHABET.index("A") + 1
    assert mapping[1] == mapping[2] == mapping[3] == a
    assert mapping[4] == ALPHABET.index("0") + 1
    assert 6 not in mapping  # a Chinese character folds into "other"


@pytest.mark.parametrize(
    ("glyph", "plate"),
    [
        ("a", "A"),
        ("Ａ", "A"),
        ("0", "0"),
        ("Ⅱ", "II"),
        ("ⅲ", "III"),
        ("⑫", "12"),
        ("|", "I"),
        ("l", "I"),
        ("L", "L"),
        ("中", ""),
        ("-", ""),
        ("⑴", ""),
    ],
)
def test_glyphs_fold_to_the_plate_characters_they_stand_for(glyph: str, plate: str) -> None:
    assert fold(glyph) == plate


def _reader(chars: list[str]) -> TextReader:
    """A reader's decoding tables over a made-up dictionary (decoding is pure: no model needed)."""
    r = TextReader.__new__(TextReader)
    r.top_k = 3
    r._idx, group = fold_table(chars)
    r._fold = np.zeros((len(r._idx), len(ALPHABET) + 1), np.float32)
    r._fold[np.arange(len(r._idx)), group - 1] = 1.0
    r._multi_idx, r._multi = multi_table(chars)
    r._mark_idx, r._marks = mark_table(chars)
    return r


def test_a_glyph_that_stands_for_two_characters_emits_both() -> None:
    chars = ["<blank>", "X", "3", "Ⅱ", "中", " "]
    r = _reader(chars)
    steps = [1, 0, 2, 0, 5, 3, 3, 0, 4]  # X, 3, space, Ⅱ (two steps), an emblem
    probs = np.full((len(steps), len(chars)), 0.01, np.float32)
    for t, k in enumerate(steps):
        probs[t, k] = 0.95
    read = r.decode(probs)
    assert read.text == "X3II" and read.raw == "X3 II"
    assert len(read.char_conf) == len(read.alternatives) == len(read.char_x) == 4
    assert read.alternatives[2] == [("I", pytest.approx(0.95))]


def test_colons_and_slashes_between_characters_are_kept_as_marks() -> None:
    chars = ["<blank>", "2", "3", ":", "/", "-", " "]
    r = _reader(chars)
    steps = [3, 1, 0, 2, 3, 0, 1, 5, 2, 4, 1]  # a colon before any character is not kept
    probs = np.full((len(steps), len(chars)), 0.01, np.float32)
    for t, k in enumerate(steps):
        probs[t, k] = 0.95
    read = r.decode(probs)
    assert read.text == "23232" and read.marks == ":/"  # the dash is a separator, not a mark


def test_expand_box_grows_along_its_axes() -> None:
    grown = expand_box(rect(10, 10, 50, 20), 0.5, 0.0)
    assert grown[:, 0].min() == pytest.approx(5) and grown[:, 0].max() == pytest.approx(55)


@pytest.mark.parametrize("degrees", [-40.0, -20.0, 20.0, 40.0])
def test_upright_box_keeps_centre_and_size_with_upright_sides(degrees: float) -> None:
    box = rotated(rect(80, 110, 180, 150), degrees)  # 100 x 40, centre (130, 130)
    up = upright_box(box, 10.0, 60.0)
    assert up is not None
    tl, tr, br, bl = up
    assert tl[0] == pytest.approx(bl[0], abs=1e-3) and tr[0] == pytest.approx(br[0], abs=1e-3)  # upright
    assert up.mean(axis=0) == pytest.approx((130.0, 130.0), abs=1e-3)
    assert float(np.linalg.norm(tr - tl)) == pytest.approx(100.0, abs=1e-3)  # along the text, as before
    assert float(np.linalg.norm(bl - tl)) == pytest.approx(40.0, abs=1e-3)
    assert bl[1] > tl[1] and tr[0] > tl[0]  # still (tl, tr, br, bl)


@pytest.mark.parametrize("degrees", [0.0, 5.0, -9.0, 70.0])
def test_upright_box_leaves_level_and_steep_lines_alone(degrees: float) -> None:
    assert upright_box(rotated(rect(80, 110, 180, 150), degrees), 10.0, 60.0) is None


def test_current_plate_is_parsed_with_region() -> None:
    r = best_reading(text_read("AA1234BB"), rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "AA1234BB" and r.parsed.format == "current"
    assert r.parsed.region is not None and r.parsed.region.name_en == "Kyiv City"


def test_ua_strip_read_as_letters_is_dropped() -> None:
    r = best_reading(text_read("UAAA1234BB"), rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "AA1234BB"


def test_weak_leading_character_of_foreign_plate_is_dropped_strong_one_kept() -> None:
    weak = best_reading(text_read("RRK755AJ", [0.3] + [0.99] * 7), rect(0, 0, 100, 20), 1, 3)
    assert weak is not None and weak.parsed.text == "RK755AJ" and weak.parsed.format == "unknown"
    strong = best_reading(text_read("WSQ3021"), rect(0, 0, 100, 20), 1, 3)
    assert strong is not None and strong.parsed.text == "WSQ3021"


def test_a_sure_country_code_before_a_foreign_plate_is_dropped() -> None:
    # the "SK" under the EU stars read as a confident S: "SRK867AD" fits no European layout, "RK867AD" does
    r = best_reading(text_read("SRK867AD", [0.95] * 8), rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "RK867AD" and r.parsed.format == "unknown"
    assert len(r.char_conf) == 7
    kept = best_reading(text_read("WSQ3021", [0.95] * 7), rect(0, 0, 100, 20), 1, 3)  # "SQ3021" fits nothing
    assert kept is not None and kept.parsed.text == "WSQ3021"


def test_a_series_ii_read_as_11_is_not_dropped_into_a_1995_plate() -> None:
    # "II 8772 CK" as the model read it (a rendered plate): both I as "1" at 0.77-0.79, "I" the runner-up.
    # Dropping the first "1" made the 1995 plate "187-72 CK"; each "1" is surely some character, so the
    # drop costs that whole probability, and the two look-alike fixes win.
    read = text_read("118772CK", [0.77, 0.79] + [0.99] * 6)
    read.alternatives[0] = [("1", 0.77), ("I", 0.18)]
    read.alternatives[1] = [("1", 0.79), ("I", 0.15)]
    r = best_reading(read, rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "II8772CK" and r.parsed.format == "current"
    # a leading glyph the model hardly saw as any character (an emblem) is still dropped
    junk = text_read("1AA1234BB", [0.62] + [0.99] * 8)
    j = best_reading(junk, rect(0, 0, 100, 20), 1, 3)
    assert j is not None and j.parsed.text == "AA1234BB"


def test_format_driven_correction_keeps_confidence() -> None:
    read = text_read("AA12348B")
    read.alternatives[6] = [("8", 0.9), ("B", 0.08)]
    r = best_reading(read, rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "AA1234BB"
    assert r.confidence > 0.5 and len(r.char_conf) == 8


def test_non_plate_text_is_dropped() -> None:
    assert best_reading(text_read("X"), rect(0, 0, 10, 10), 1, 3) is None
    assert best_reading(text_read("ABCDEFGHIJKLMN"), rect(0, 0, 10, 10), 1, 3) is None


def test_a_clock_or_a_slashed_date_is_no_plate() -> None:
    """Digits split by a colon or a slash, as a camera burns its clock and date into the picture (the
    pipeline drops such lines); the same digits read as one run make the military plate the look-alike
    fix allows."""
    box = rect(0, 0, 100, 20)
    clock = text_read("234807", raw="23 48 07")
    r = best_reading(clock, box, 1, 3)
    assert r is not None and r.parsed.text == "2348O7"  # the premise: without the marks, a plate
    clock.marks = "::"
    assert clock_or_date(clock)
    date = text_read("20261126", raw="2026 11 26")
    date.marks = "//"
    assert clock_or_date(date)
    date.marks = ""  # split by dashes (not kept as marks): a 1995 plate read as digits may look so
    assert not clock_or_date(date)


def test_a_telephone_number_is_no_plate() -> None:
    """Ten digits alone are a telephone number painted on a van, never a plate; the longest Ukrainian
    plate that can read as digits alone (a 1995 plate with look-alike letters) has nine."""
    phone = text_read("0671234567", raw="(067) 123-45-67")
    r = best_reading(phone, rect(0, 0, 200, 20), 1, 3)
    assert r is not None and r.parsed.format == "unknown"  # the premise: kept as a foreign plate
    assert phone_number(phone) and phone_number(text_read("380671234567"))
    for plate in ("0112345OI", "011234501", "AA1234BB", "12345678", "D123456", "067A234567"):
        assert not phone_number(text_read(plate)), plate
    legacy = best_reading(text_read("011234501"), rect(0, 0, 200, 20), 1, 3)
    assert legacy is not None and legacy.parsed.format == "legacy_1995"  # nine digits may be a plate


def test_marks_beside_letters_do_not_drop_a_plate() -> None:
    """The model reads a plate's emblem as a colon or a slash now and then; a read with letters stays."""
    read = text_read("BA1234CE", raw="BA 1234 CE")
    read.marks = ":"
    assert not clock_or_date(read)
    r = best_reading(read, rect(0, 0, 100, 20), 1, 3)
    assert r is not None and r.parsed.text == "BA1234CE"
    assert join(text_read("AA"), read).marks == ":"  # a two-line join keeps the marks of both lines


def test_harmonise_only_unsure_lookalikes_with_runner_up() -> None:
    alts = [[("X", 1.0)]] * 6 + [[("0", 0.7), ("O", 0.25)]]
    assert harmonise("PP587A0", [1.0] * 6 + [0.7], alts) == "PP587AO"
    assert harmonise("PP587A0", [1.0] * 6 + [0.95], alts) == "PP587A0"  # sure: kept
    no_runner = [[("X", 1.0)]] * 6 + [[("0", 0.7), ("D", 0.2)]]
    assert harmonise("PP587A0", [1.0] * 6 + [0.7], no_runner) == "PP587A0"


def test_two_stacked_lines_join_into_one_two_line_plate() -> None:
    top = Line(rect(100, 100, 160, 130), text_read("AA"))
    bottom = Line(rect(95, 128, 165, 158), text_read("1234KX"))
    assert stacked(top, bottom) and not stacked(bottom, top)
    out = assemble([bottom, top])
    assert [(r.parsed.text, r.lines) for r in out] == [("AA1234KX", 2)]


def test_a_square_plates_letters_over_its_digits_read_in_the_current_order() -> None:
    # a car's square plate: the region's letters and the series on top, the number under them
    top = Line(rect(100, 100, 170, 130), text_read("APET"))
    bottom = Line(rect(105, 128, 165, 158), text_read("7007"))
    assert [(r.parsed.text, r.parsed.format.value, r.lines, r.raw) for r in assemble([bottom, top])] == [
        ("AP7007ET", "current", 2, "APET / 7007")
    ]
    # the flag strip read as a weak letter before the region's letters (a rendered square plate's line)
    top = Line(rect(100, 100, 170, 130), text_read("HHIAB", [0.43, 0.97, 0.98, 0.91, 0.97]))
    bottom = Line(rect(105, 128, 165, 158), text_read("5325"))
    assert [r.parsed.text for r in assemble([bottom, top])] == ["HI5325AB"]
    # the square order is taken only where it spells a Ukrainian plate (Q and W are no plate letters)
    top = Line(rect(100, 100, 170, 130), text_read("QW7W"))
    assert [r.parsed.text for r in assemble([bottom, top])] == ["QW7W5325"]


def test_three_stacked_lines_join_into_a_motorcycle_plate() -> None:
    top = Line(rect(100, 100, 140, 126), text_read("BE"))
    middle = Line(rect(96, 124, 160, 150), text_read("0886"))
    bottom = Line(rect(100, 148, 140, 174), text_read("AA"))
    assert stacked(top, middle) and stacked(middle, bottom) and not stacked(top, bottom)
    out = assemble([bottom, middle, top])
    assert [(r.parsed.text, r.parsed.format.value, r.lines) for r in out] == [("BE0886AA", "current", 3)]


def test_a_rolled_motorcycle_plates_lines_are_no_alternatives_of_each_other() -> None:
    # a motorcycle's plate rolled 22 degrees (rendered, the boxes its lines were re-detected in): the
    # image's rectangles around two of its lines overlap as much as a box and its half would
    def quad(*xy: int) -> np.ndarray:
        return np.array(xy, np.float32).reshape(4, 2)

    top = Line(quad(658, 192, 695, 206, 686, 229, 649, 214), text_read("BA"))
    middle = Line(quad(638, 202, 693, 221, 684, 246, 630, 227), text_read("9928"))
    bottom = Line(quad(642, 223, 675, 234, 667, 258, 634, 247), text_read("OI"))
    assert stacked(top, middle) and stacked(middle, bottom)
    assert [(r.parsed.text, r.lines) for r in assemble([bottom, middle, top])] == [("BA9928OI", 3)]


def test_top_line_inside_a_merged_square_box_joins_its_bottom_line_read() -> None:
    # the detector merged both lines into one squarish box, whose read holds only the bottom line
    box = Line(rect(850, 600, 913, 642), text_read("4789OE"))
    top = Line(rect(876, 596, 900, 612), text_read("AK"))
    assert stacked(top, box) and not stacked(box, top)
    assert [(r.parsed.text, r.lines) for r in assemble([box, top])] == [("AK4789OE", 2)]
    # not when the box is a one-line plate's (wide), nor for a line in its lower part
    wide = Line(rect(800, 600, 960, 640), text_read("4789OE"))
    assert not stacked(top, wide)
    low = Line(rect(876, 626, 900, 640), text_read("AK"))
    assert not stacked(low, box)


def test_the_sharper_of_two_bottom_lines_joins_the_top_line() -> None:
    # the merged box read the bottom line blurred; the same line re-detected inside it reads sharp
    box = Line(rect(322, 198, 401, 261), text_read("0376PH", [0.15, 0.22, 0.46, 0.47, 0.42, 0.96]))
    top = Line(rect(331, 205, 383, 232), text_read("PE"), Part.INNER)
    bottom = Line(rect(329, 226, 397, 252), text_read("0376PH"), Part.INNER)
    out = assemble([box, top, bottom])
    assert [(r.parsed.text, r.lines) for r in out] == [("PE0376PH", 2)]
    assert out[0].confidence > 0.95  # not the blurred read's


def test_a_structured_plate_takes_in_other_readings_of_its_place_as_candidates() -> None:
    plate = Line(rect(100, 100, 200, 120), text_read("AA1234BB"))
    worse = Line(rect(98, 98, 202, 122), text_read("AA12348", [0.9] * 7))
    out = assemble([plate, worse])
    assert [r.parsed.text for r in out] == ["AA1234BB"]
    assert "AA12348" in [t for t, _ in out[0].candidates]
    # the dealer's name on a Ukrainian plate's frame is neither a plate nor a reading of it
    name = Line(rect(130, 116, 170, 122), text_read("AUTOMOS"))
    out = assemble([plate, name])
    assert [r.parsed.text for r in out] == ["AA1234BB"]
    assert "AUTOMOS" not in [t for t, _ in out[0].candidates]
    # a foreign plate and the dealer's name on its frame stay two readings
    foreign = Line(rect(125, 143, 244, 175), text_read("RK857AI", [0.9] * 7))
    dealer = Line(rect(137, 170, 169, 177), text_read("AUTOMOS"))
    assert sorted(r.parsed.text for r in assemble([foreign, dealer])) == ["AUTOMOS", "RK857AI"]


def test_a_holders_small_print_under_or_over_a_ukrainian_plate_is_no_plate() -> None:
    """A dealer's name, site or telephone number on a plate holder, read as a plate of its own, would be a
    sighting of a car that is not there (``ABTO`` is a valid personalised plate)."""
    plate = Line(rect(100, 100, 300, 140), text_read("AA1234BB"))  # a line 40 px high
    prints = [
        Line(rect(150, 150, 250, 160), text_read("ABTO")),  # under it
        Line(rect(110, 152, 290, 163), text_read("38067412")),  # a telephone number across the band
        Line(rect(150, 80, 250, 90), text_read("ABTO")),  # over it
    ]
    for small in prints:
        assert [r.parsed.text for r in assemble([plate, small])] == ["AA1234BB"], small.read.text
        assert small.read.text not in [t for t, _ in assemble([plate, small])[0].candidates]
    personalised = Line(rect(100, 100, 300, 140), text_read("KOTIK"))
    assert [r.parsed.text for r in assemble([personalised, prints[1]])] == ["KOTIK"]
    # a foreign plate's holder too, whichever reading is surer
    foreign = Line(rect(100, 100, 300, 140), text_read("RK857AI", [0.9] * 7))
    assert [r.parsed.text for r in assemble([foreign, prints[1]])] == ["RK857AI"]
    # kept: a plate about as high right under it, small text beside it or farther away; small text under
    # a word with no digits (a brand: no plate); a Ukrainian plate under a foreign reading
    kept = [
        Line(rect(120, 150, 260, 175), text_read("BC5678AA")),
        Line(rect(320, 140, 420, 150), text_read("38067412")),
        Line(rect(150, 210, 250, 220), text_read("38067412")),
    ]
    for other in kept:
        assert len(assemble([plate, other])) == 2, other.read.text
    brand = Line(rect(100, 100, 300, 140), text_read("PEUGEOT"))
    assert len(assemble([brand, prints[1]])) == 2
    small_plate = Line(rect(150, 150, 250, 165), text_read("AA1234BB"))
    assert len(assemble([foreign, small_plate])) == 2
    # measured in a rolled plate's own axes: in the image's, the print's centre lies inside its extent
    # (a structured plate's reading takes in what lies inside its bounding rectangle anyway)
    centre = (200.0, 120.0)
    rolled = Line(rotated(personalised.points, 20, centre), personalised.read)
    under = Line(rotated(prints[0].points, 20, centre), prints[0].read)
    assert [r.parsed.text for r in assemble([rolled, under])] == ["KOTIK"]


def test_dropping_a_weak_letter_does_not_escape_a_rare_formats_prior() -> None:
    # "128310" alone (digits only) may be the military 1283I0; read with its D, it is diplomatic
    r = best_reading(text_read("D128310", [0.55] + [0.99] * 6), rect(0, 0, 100, 30), 1, 3)
    assert r is not None and (r.parsed.text, r.parsed.format) == ("D128310", "diplomatic")
    digits = best_reading(text_read("023010"), rect(0, 0, 100, 30), 1, 3)
    assert digits is not None and (digits.parsed.text, digits.parsed.format) == ("0230I0", "military")


def test_a_foreign_two_line_join_keeps_each_lines_own_reading_as_a_candidate() -> None:
    # a sticker's number over a Slovak plate (an EU photo enlarged 4x): the two unknown lines join,
    # a weak 0 dropped to fit ten characters; the plate alone must still be on offer for a watchlist
    sticker = Line(rect(252, 143, 311, 171), text_read("0000", [0.99, 0.3, 0.99, 0.99]))
    plate = Line(rect(235, 183, 333, 205), text_read("RK715AA"))
    out = assemble([sticker, plate], max_candidates=4)
    assert [(r.parsed.text, r.lines) for r in out] == [("000RK715AA", 2)]
    texts = [t for t, _ in out[0].candidates]
    assert texts[:2] == ["000", "RK715AA"] and len(texts) == len(set(texts)) <= 4  # each line's best
    assert all(0 < c <= out[0].confidence for _, c in out[0].candidates)
    assert assemble([sticker, plate], max_candidates=0)[0].candidates == []
    # a structured two-line plate offers none of its lines: each is only a part of it
    top = Line(rect(100, 100, 160, 130), text_read("AA"))
    bottom = Line(rect(95, 128, 165, 158), text_read("1234KX"))
    assert "1234KX" not in [t for t, _ in assemble([top, bottom])[0].candidates]


def test_far_apart_lines_are_not_joined() -> None:
    a = Line(rect(100, 100, 160, 130), text_read("AA"))
    b = Line(rect(400, 300, 480, 330), text_read("1234KX"))
    texts = sorted(r.parsed.text for r in assemble([a, b]))
    assert "AA1234KX" not in texts and "1234KX" in texts


def test_split_line_joined_side_by_side() -> None:
    left = Line(rect(100, 100, 140, 120), text_read("AA"))
    right = Line(rect(150, 100, 250, 120), text_read("1234KX"))
    assert [r.parsed.text for r in assemble([left, right])] == ["AA1234KX"]


def _at(x0: float, x1: float, *centres: float) -> list[float]:
    """Character centres given in frame x, as fractions of a box from ``x0`` to ``x1``."""
    return [(c - x0) / (x1 - x0) for c in centres]


def test_a_line_split_in_three_overlapping_boxes_is_joined() -> None:
    """A plate filling the picture: the map splits its line at both gaps, and the unclipped boxes
    overlap by up to half their height (boxes and reads of a real photo of HM 5239 IC, 560 px wide)."""
    lines = [
        Line(rect(69, 34, 243, 122), text_read("HM")),
        Line(rect(222, 30, 518, 120), text_read("5239")),
        Line(rect(506, 37, 634, 115), text_read("IC")),
    ]
    assert [r.parsed.text for r in assemble(lines)] == ["HM5239IC"]
    assert [r.parsed.text for r in assemble(lines[::-1])] == ["HM5239IC"]  # in any order
    pair = [Line(rect(77, 38, 256, 117), text_read("KX")), Line(rect(210, 31, 634, 120), text_read("5819PT"))]
    assert [r.parsed.text for r in assemble(pair)] == ["KX5819PT"]  # overlapping by 0.5 of their height


def test_a_glyph_read_by_both_of_two_overlapping_boxes_counts_once() -> None:
    # the right box's crop begins inside the left's last glyph: its first character is a sliver of it
    left = Line(rect(41, 20, 136, 68), text_read("HT", at=_at(41, 136, 69, 108)))
    right = Line(
        rect(107, 14, 394, 74),
        text_read("T9698ZH", [0.91] + [0.99] * 6, at=_at(107, 394, 122, 162, 202, 242, 272, 332, 372)),
    )
    assert [r.parsed.text for r in assemble([left, right])] == ["HT9698ZH"]
    # ... or the left box's crop ends inside the right's first glyph
    lines = [
        Line(rect(66, 35, 191, 100), text_read("KB", at=_at(66, 191, 104, 148))),
        Line(
            rect(184, 28, 463, 105),
            text_read("6842K", [0.99] * 4 + [0.89], at=_at(184, 463, 243, 281, 333, 384, 449)),
        ),
        Line(rect(424, 33, 550, 101), text_read("KO", at=_at(424, 550, 465, 522))),
    ]
    assert [r.parsed.text for r in assemble(lines)] == ["KB6842KO"]
    # two like characters a pitch apart are two glyphs, each read once
    left = Line(rect(40, 20, 140, 70), text_read("AA", at=_at(40, 140, 70, 110)))
    right = Line(rect(135, 20, 330, 70), text_read("1234BB", at=_at(135, 330, 150, 180, 210, 240, 280, 310)))
    assert [r.parsed.text for r in assemble([left, right])] == ["AA1234BB"]


def test_a_split_line_is_joined_when_the_whole_is_the_surer_plate() -> None:
    """``D | 177808``: its right part alone is the military ``1778O8`` only with a sure 0 taken for an O;
    the whole is the diplomatic ``D177808`` as read (both formats equally rare)."""
    lines = [Line(rect(76, 40, 152, 116), text_read("D")), Line(rect(171, 25, 585, 127), text_read("177808"))]
    assert [r.parsed.text for r in assemble(lines)] == ["D177808"]
    # a part that is a plate as read stays one: a current plate beside a stray box is not joined
    plate = Line(rect(100, 100, 300, 140), text_read("AA1234BB"))
    stray = Line(rect(310, 100, 350, 140), text_read("7"))
    assert [r.parsed.text for r in assemble([plate, stray])] == ["AA1234BB"]


def test_parts_of_a_square_box_stand_alone_only_as_far_as_their_kind_allows() -> None:
    # a line re-detected inside a squarish box is a plate alone only as a structured Ukrainian plate
    inner = Line(rect(100, 100, 200, 120), text_read("AA1234BB"), Part.INNER)
    assert [r.parsed.text for r in assemble([inner])] == ["AA1234BB"]
    assert assemble([Line(rect(100, 100, 200, 120), text_read("1234KX"), Part.INNER)]) == []
    # a geometric half never is, whatever it reads; a whole box's personalised reading is kept
    assert assemble([Line(rect(100, 100, 200, 120), text_read("AA1234BB"), Part.HALF)]) == []
    whole = Line(rect(100, 100, 200, 120), text_read("1234KX"))
    assert [r.parsed.text for r in assemble([whole])] == ["1234KX"]


def test_two_or_three_characters_of_no_format_never_stand_as_a_plate() -> None:
    """A camera's counter (15, 30, 45, ...) or one line of a two-line plate whose other line was not read
    is no plate; four characters may be a foreign plate, and three may be a personalised one."""
    for text in ("15", "120", "AA", "W7Z"):
        assert assemble([Line(rect(100, 100, 160, 120), text_read(text))]) == [], text
    assert [r.parsed.text for r in assemble([Line(rect(100, 100, 160, 120), text_read("W123"))])] == ["W123"]
    kept = assemble([Line(rect(100, 100, 160, 120), text_read("KOT"))])
    assert [(r.parsed.text, r.parsed.format.value) for r in kept] == [("KOT", "personalised")]
    # and as a line, the short text still joins its partner into a two-line plate
    top = Line(rect(100, 100, 160, 130), text_read("AA"))
    bottom = Line(rect(95, 128, 165, 158), text_read("1234KX"))
    assert [r.parsed.text for r in assemble([top, bottom])] == ["AA1234KX"]
    # nor do two or three characters joined from two boxes (a burnt-in clock's digits, boxed in pieces)
    # (a shared clip's frame: read 171 of no format, the 9 unsure)
    clock = [
        Line(rect(31, 28, 40, 36), text_read("17", [0.95, 0.95], at=[0.37, 0.67])),
        Line(rect(35, 26, 94, 39), text_read("291", [0.33, 0.26, 0.45], at=[0.05, 0.23, 0.54])),
    ]
    assert assemble(clock) == []


def test_duplicates_are_merged() -> None:
    a = Line(rect(100, 100, 200, 120), text_read("AA1234BB"))
    b = Line(rect(101, 101, 201, 121), text_read("AA1234BB", [0.9] * 8))
    out = assemble([a, b])
    assert len(out) == 1 and out[0].confidence > 0.95


def test_near_plate_reads_are_read_again_but_not_a_two_line_bottom_line() -> None:
    assert _near_plate(Line(rect(0, 0, 100, 20), text_read("HA410XT")))  # a character short of AA1234BB
    assert not _near_plate(Line(rect(0, 0, 100, 20), text_read("HA4180XT")))  # a plate as is
    assert not _near_plate(Line(rect(0, 0, 100, 20), text_read("4789OE")))  # whole as a bottom line
    assert not _near_plate(Line(rect(0, 0, 100, 20), text_read("ABCDE")))  # no digit: not a plate line


def test_reads_beginning_with_a_foreign_letter_pair_are_not_read_again() -> None:
    line = rect(0, 0, 100, 20)
    # a Slovak plate read sure: only a change of a sure letter could make it Ukrainian
    assert not _near_plate(Line(line, text_read("RK755AJ")))
    # ... but read again when its first letters are unsure, or form a region's prefix
    assert _near_plate(Line(line, text_read("RK755AJ", [0.85] + [0.99] * 6)))
    assert _near_plate(Line(line, text_read("RK755AJ", [0.99, 0.6] + [0.99] * 5)))
    assert _near_plate(Line(line, text_read("BH117TX")))  # BH 1117 TX with a 1 run together
    # a letter then a digit may be a doubled letter run together (AA 1234 BB read A1234BB), a digit
    # then a letter a doubled digit (11 EE 5679, transit, read 1E5679): only two sure letters count
    assert not _foreign_start(text_read("A1234BB"))
    assert not _foreign_start(text_read("1E5679"))
    assert _foreign_start(text_read("WA56660"))
