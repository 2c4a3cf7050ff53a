"""The Ukrainian plate renderer: valid texts, determinism, geometry and conditions."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from recognizers.synth import iter_dataset, render_dataset, render_plate
from recognizers.synth.plate import (
    FONTS,
    PLATE_MM,
    PX_PER_MM,
    SCREW_GREY,
    SCREW_MM,
    Style,
    draw_plate,
    font_path,
)
from recognizers.synth.render import PHOTO_BORDER, clutter_scene, plate_photo
from recognizers.synth.texts import LAYOUTS, ON_REQUEST, STACKED, layout_format, plate_text
from shared.plate_grammar import parse
from shared.plate_grammar.regions import E_SERIES


@pytest.mark.parametrize("layout", [name for name, _ in LAYOUTS] + list(ON_REQUEST))
def test_texts_are_valid_for_their_format(layout: str) -> None:
    rng = random.Random(3)
    for _ in range(40):
        text, groups, below, _style = plate_text(rng, layout)
        parsed = parse(text)
        assert parsed.valid and parsed.text == text
        assert parsed.format is layout_format(layout)
        assert (text[:2] in E_SERIES) is (layout == "current_online")  # drawn only when asked for
        printed = ("".join(groups) + "".join("".join(g) for g in below)).replace("-", "")
        square = text[:2] + text[6:] + text[2:6]  # a square plate's letters over its number
        assert printed == text or (layout == "current_two_line" and printed == square)


def test_dataset_is_deterministic_by_seed() -> None:
    a = render_dataset(6, seed=5)
    b = render_dataset(6, seed=5)
    c = render_dataset(6, seed=6)
    assert [s.text for s in a] == [s.text for s in b]
    assert all(np.array_equal(x.image_bgr, y.image_bgr) for x, y in zip(a, b, strict=True))
    assert [s.text for s in a] != [s.text for s in c]


def test_the_dataset_one_plate_at_a_time_is_the_same_set() -> None:
    listed = render_dataset(4, seed=5)
    one_by_one = iter_dataset(4, seed=5)
    assert not isinstance(one_by_one, list)  # a generator: the bench lets each frame go once read
    for x, y in zip(listed, one_by_one, strict=True):
        assert x.text == y.text and x.conditions == y.conditions
        assert np.array_equal(x.image_bgr, y.image_bgr)


def test_dataset_covers_formats_sizes_and_conditions() -> None:
    ds = render_dataset(120, seed=1)
    assert {s.conditions["layout"] for s in ds} == {name for name, _ in LAYOUTS}
    heights = [s.plate_height_px for s in ds]
    assert min(heights) < 20 and max(heights) > 60
    assert {s.conditions["blur"] for s in ds} == {"none", "gaussian", "motion"}
    assert any(s.conditions["low_light"] for s in ds) and not all(s.conditions["low_light"] for s in ds)
    night = [s for s in ds if s.conditions["night_ir"]]
    assert 0 < len(night) < len(ds) // 3 and not any(s.conditions["low_light"] for s in night)
    assert len({s.conditions["jpeg_quality"] for s in ds}) > 10
    assert {s.lines for s in ds} == {1, 2, 3}
    fonts = [s.conditions["font"] for s in ds]
    assert {f: fonts.count(f) for f in FONTS} == {f: 40 for f in FONTS}  # each typeface in turn


def test_typefaces_draw_differently_and_a_missing_one_names_its_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn = [draw_plate(["AA", "1234", "BB"], Style(font=f)) for f in FONTS]
    assert all(not np.array_equal(drawn[0], d) for d in drawn[1:])
    monkeypatch.setitem(FONTS, "roboto-condensed", ("fonts-roboto-unhinted", (tmp_path / "none.ttf",)))
    with pytest.raises(FileNotFoundError, match="apt-get install fonts-roboto-unhinted"):
        render_dataset(3, seed=1)
    with pytest.raises(ValueError, match="unknown plate font"):
        font_path("comic-sans")


def test_plate_box_is_inside_the_frame_and_holds_the_plate() -> None:
    for seed in range(10):
        s = render_plate(seed)
        h, w = s.image_bgr.shape[:2]
        b = s.bbox
        assert s.image_bgr.dtype == np.uint8 and s.image_bgr.shape == (720, 1280, 3)
        assert b.x >= 0 and b.y >= 0 and b.x + b.w <= w and b.y + b.h <= h
        assert b.h == s.plate_height_px and b.w > 0


def test_real_backgrounds_are_used_when_given() -> None:
    bg = np.full((360, 640, 3), (10, 200, 30), np.uint8)
    plates = [render_plate(seed, backgrounds=[bg]) for seed in range(6)]
    green = [float(np.mean(p.image_bgr[:40, :, 1])) for p in plates]
    assert max(green) > 120  # at least one scene came from the supplied frame


def test_flat_plate_drawing_layouts() -> None:
    one = draw_plate(["AA", "1234", "BB"], Style())
    two = draw_plate(["AA"], Style(), ["1234", "BB"])
    three = draw_plate(["AA"], Style(), ["1234"], ["BB"])
    assert one.shape[1] / one.shape[0] == pytest.approx(520 / 112, rel=0.01)
    assert two.shape[1] / two.shape[0] == pytest.approx(280 / 200, rel=0.01)
    assert three.shape[1] / three.shape[0] == pytest.approx(220 / 174, rel=0.01)
    # the blue strip is on the left of a current plate
    left = one[one.shape[0] // 2, 20:60].astype(int)
    assert (left[:, 2] > left[:, 0] + 80).any()


def test_screw_heads_sit_in_the_gaps_of_a_one_line_plate_and_nowhere_else() -> None:
    groups = ["AA", "1234", "BB"]
    plain = draw_plate(groups, Style()).astype(int)
    fixed = draw_plate(groups, Style(screws=True)).astype(int)
    changed = np.any(plain != fixed, axis=2)
    cols = np.flatnonzero(changed.any(axis=0))
    runs = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)
    assert len(runs) == 2  # one head in each of the two gaps
    head = SCREW_MM * PX_PER_MM
    for run in runs:
        assert run[-1] - run[0] + 1 <= head + 2
        rows = np.flatnonzero(changed[:, run].any(axis=1))
        assert abs((rows[0] + rows[-1]) / 2 - plain.shape[0] / 2) <= 2  # centred on the line
        above_slot = rows[0] + (rows[-1] - rows[0]) // 4
        assert tuple(fixed[above_slot, run[len(run) // 2]]) == SCREW_GREY
    # the characters and the strip are as drawn without screws, and a two-line plate gets none
    assert changed.sum() < 0.02 * changed.size
    assert np.array_equal(
        draw_plate(["AA"], Style(), ["1234", "BB"]),
        draw_plate(["AA"], Style(screws=True), ["1234", "BB"]),
    )


def test_a_rendered_plate_with_screws_is_the_same_plate_in_the_same_scene() -> None:
    for seed in range(8000, 8010):
        plain, fixed = render_plate(seed), render_plate(seed, screws=True)
        assert (plain.text, plain.bbox, plain.lines) == (fixed.text, fixed.bbox, fixed.lines)
        diff = np.any(plain.image_bgr != fixed.image_bgr, axis=2)
        if plain.lines == 2:
            assert not diff.any()
        elif diff.any():  # only inside the plate (a far plate's heads may vanish in the blur)
            ys, xs = np.nonzero(diff)
            b = plain.bbox
            assert b.x - 2 <= xs.min() and xs.max() <= b.x + b.w + 2
            assert b.y - 2 <= ys.min() and ys.max() <= b.y + b.h + 2


def test_clutter_scene_shape() -> None:
    img = clutter_scene(np.random.default_rng(0), 320, 200)
    assert img.shape == (200, 320, 3) and img.dtype == np.uint8


def test_two_line_plates_are_drawn_at_the_same_camera_scale_as_one_line_plates() -> None:
    """A camera sees a 200 mm two-line plate 200/112 as high as a 112 mm one-line plate, and a 174 mm
    motorcycle's plate 174/112 as high."""
    ratios: dict[int, list[float]] = {2: [], 3: []}
    for seed in range(120):
        one = render_plate(seed, layout="current", height_range=(56, 56))
        two = render_plate(seed, layout="current_two_line", height_range=(56, 56))
        assert one.conditions["scale_one_line_px"] == two.conditions["scale_one_line_px"] == 56
        pose = [abs(float(one.conditions[k])) for k in ("yaw_deg", "pitch_deg", "roll_deg")]
        if pose[0] < 12 and pose[1] < 8 and pose[2] < 1.5:  # nearly flat: box height ~ plate height
            ratios[two.lines].append(two.plate_height_px / one.plate_height_px)
    assert len(ratios[2]) >= 2 and len(ratios[3]) >= 1
    assert all(1.6 <= r <= 1.95 for r in ratios[2]), ratios
    assert all(1.4 <= r <= 1.7 for r in ratios[3]), ratios


def test_a_night_frame_is_black_and_white_with_the_plate_lit() -> None:
    night = next(s for s in render_dataset(60, seed=1) if s.conditions["night_ir"])
    img = night.image_bgr.astype(np.int16)
    assert np.abs(img[:, :, 0] - img[:, :, 1]).mean() < 3 and np.abs(img[:, :, 1] - img[:, :, 2]).mean() < 3
    b = night.bbox
    plate = float(img[b.y : b.y + b.h, b.x : b.x + b.w].mean())
    assert plate > 1.5 * float(img.mean())  # the retroreflective plate glows in the infrared light


def test_a_plate_photographed_alone_fills_the_picture_in_a_thin_border() -> None:
    for seed in range(40):
        photo = plate_photo(seed, 400)
        h, w = photo.image_bgr.shape[:2]
        box = photo.bbox
        assert w == 400 + 2 * box.x and box.x == box.y == round(PHOTO_BORDER * box.h)
        assert (box.w, box.h) == (400, h - 2 * box.y)
        w_mm, h_mm = PLATE_MM[photo.lines]
        assert abs(box.w / box.h - w_mm / h_mm) < 0.05
        border = photo.image_bgr[: box.y].reshape(-1, 3).astype(int)
        assert np.abs(np.median(border, axis=0) - (90, 100, 110)).max() <= 4  # grey, JPEG aside
    # the layout and text a seed draws are the ones render_plate draws for it
    for seed in (3, 17, 29):
        assert plate_photo(seed, 260).text == render_plate(seed).text
    assert plate_photo(3, 260).image_bgr.tobytes() == plate_photo(3, 260).image_bgr.tobytes()


def test_a_current_plate_on_more_lines_is_drawn_in_each_layout_seen_on_the_road() -> None:
    rng = random.Random(3)
    drawn = [plate_text(rng, "current_two_line") for _ in range(60)]
    shapes = set()
    for text, top, below, style in drawn:
        lines = ["".join(top), *("".join(g) for g in below)]
        assert sorted("".join(lines)) == sorted(text)
        if len(lines) == 3:  # a motorcycle's: the region's letters, the number, the series
            assert lines == [text[:2], text[2:6], text[6:]]
            shapes.add("moto")
        elif len(top) == 2:  # a square plate: the letters over the number
            assert lines == [text[:2] + text[6:], text[2:6]]
            shapes.add("square")
        else:
            assert lines == [text[:2], text[2:]]
            shapes.add("prefix_over")
        image = draw_plate(top, style, *below)
        assert image.shape[:2] == {2: (400, 560), 3: (348, 440)}[len(lines)]
    assert shapes == {name for name, _ in STACKED}
    # the layout comes from the plate's own text: the same text, the same lines
    again = random.Random(3)
    assert [plate_text(again, "current_two_line")[:3] for _ in range(60)] == [d[:3] for d in drawn]


def test_a_plate_placed_at_a_centre_is_the_same_plate_in_the_same_conditions() -> None:
    from recognizers.synth.render import drawn_text

    for seed in range(20):
        drawn = render_plate(seed)
        placed = render_plate(seed, centre=(0.3, 0.6))
        assert placed.text == drawn.text == drawn_text(seed)
        assert placed.conditions == drawn.conditions and placed.plate_height_px == drawn.plate_height_px
        b = placed.bbox
        assert abs(b.x + b.w / 2 - 0.3 * 1280) <= 3 and abs(b.y + b.h / 2 - 0.6 * 720) <= 3
    edge = render_plate(3, centre=(1.0, 1.0), height_range=(90, 90)).bbox  # kept inside the frame
    assert edge.x + edge.w <= 1280 and edge.y + edge.h <= 720 and edge.x + edge.w >= 1270
