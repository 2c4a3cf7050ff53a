"""What a rendered plate may wear: a dealer's holder with its text band, and road mud."""

from __future__ import annotations

import re

import numpy as np

from recognizers.synth import render_plate
from recognizers.synth.fittings import (
    HOLDER_BAND_MM,
    HOLDER_FINISHES,
    HOLDER_LIP_MM,
    HOLDER_SIDE_MM,
    dealer_text,
    holder,
    soil,
)
from recognizers.synth.plate import PX_PER_MM, WHITE, Style, draw_plate

PLATE = draw_plate(["AA", "1234", "BB"], Style())


def test_the_holder_surrounds_the_plate_and_covers_only_its_edge() -> None:
    for seed in range(6):
        img, corners = holder(PLATE, np.random.default_rng(seed))
        ph, pw = PLATE.shape[:2]
        side, band, lip = (round(v * PX_PER_MM) for v in (HOLDER_SIDE_MM, HOLDER_BAND_MM, HOLDER_LIP_MM))
        assert img.shape == (ph + side + band, pw + 2 * side, 3)
        assert corners.tolist() == [
            [side, side],
            [side + pw, side],
            [side + pw, side + ph],
            [side, side + ph],
        ]
        inside = img[side + lip : side + ph - lip, side + lip : side + pw - lip]
        assert np.array_equal(inside, PLATE[lip:-lip, lip:-lip])  # the characters are untouched
        body = tuple(int(c) for c in img[2, 2])
        assert body in [finish for finish, _ in HOLDER_FINISHES]
        assert np.all(img[side + lip - 1, side + lip - 1] == body)  # the rim's lip over the plate's edge
        text_band = img[side + ph :]
        ink_rows = np.flatnonzero(np.any(np.abs(text_band.astype(int) - body).sum(axis=2) > 60, axis=1))
        assert ink_rows.size > 0  # the dealer's text is there, in the band, clear of the plate
        assert ink_rows.min() > 2 and ink_rows.max() < band - 2


def test_dealer_texts_are_names_sites_or_ukrainian_mobile_numbers() -> None:
    texts = {dealer_text(np.random.default_rng(seed)) for seed in range(200)}
    numbers = [t for t in texts if t.startswith("+380")]
    assert len(numbers) >= 20 and len(texts) - len(numbers) >= 6
    assert all(re.fullmatch(r"\+380 \d\d \d{3} \d\d \d\d", t) for t in numbers)


def test_mud_lies_mostly_on_the_lower_half_and_only_darkens_towards_its_colour() -> None:
    lower, upper = 0, 0
    for seed in range(10):
        dirty = soil(PLATE, np.random.default_rng(seed))
        assert dirty.shape == PLATE.shape and dirty.dtype == np.uint8
        changed = np.any(np.abs(dirty.astype(int) - PLATE) > 8, axis=2)
        half = PLATE.shape[0] // 2
        upper += int(changed[:half].sum())
        lower += int(changed[half:].sum())
        white = np.all(PLATE == WHITE, axis=2)  # the plate's background
        assert (dirty[white].astype(int) <= PLATE[white].astype(int) + 1).all()  # mud is darker than it
    assert lower > 2 * upper > 0
    assert np.array_equal(soil(PLATE, np.random.default_rng(4)), soil(PLATE, np.random.default_rng(4)))


def test_a_plate_in_a_holder_is_the_same_plate_at_the_same_scale_and_its_box_is_the_plates() -> None:
    for seed in range(8000, 8012):
        plain = render_plate(seed, height_range=(30, 64))
        held = render_plate(seed, height_range=(30, 64), holder=True)
        assert (held.text, held.lines, held.format) == (plain.text, plain.lines, plain.format)
        assert held.conditions == plain.conditions
        assert abs(held.bbox.w - plain.bbox.w) <= 2 and abs(held.bbox.h - plain.bbox.h) <= 2
        assert abs(held.bbox.x - plain.bbox.x) <= 0.1 * 1280 and abs(held.bbox.y - plain.bbox.y) <= 0.1 * 720


def test_a_muddy_plate_is_the_same_plate_in_the_same_scene() -> None:
    for seed in range(8000, 8010):
        plain, dirty = render_plate(seed), render_plate(seed, dirt=True)
        assert (plain.text, plain.bbox, plain.conditions) == (dirty.text, dirty.bbox, dirty.conditions)
        diff = np.any(plain.image_bgr != dirty.image_bgr, axis=2)
        if diff.any():  # only inside the plate (JPEG blocks may spread it by a few px)
            ys, xs = np.nonzero(diff)
            b = plain.bbox
            assert b.x - 16 <= xs.min() and xs.max() <= b.x + b.w + 16
            assert b.y - 16 <= ys.min() and ys.max() <= b.y + b.h + 16
