"""Scoring of the plate benchmark: exact reads overall, by plate height and at a legible camera scale."""

from __future__ import annotations

import numpy as np

from recognizers.bench.plates import LEGIBLE_SCALE_PX, evaluate, rendered_figures
from recognizers.synth import SynthPlate
from shared.schemas import BBox


def _plate(text: str, scale: int, height: int, **light: bool) -> SynthPlate:
    img = np.full((72, 128, 3), scale, np.uint8)  # the reader below finds the scale in the pixels
    box = BBox(x=0, y=0, w=4 * height, h=height)
    cond = {"scale_one_line_px": scale, "layout": "current", **light}
    return SynthPlate(img, text, "current", height, box, cond)


def test_rendered_figures_count_reads_by_height_and_at_a_legible_scale() -> None:
    plates = [
        _plate("AA1234BB", 12, 12, night_ir=True),
        _plate("AA1235BB", 20, 36, low_light=True),  # a two-line plate is taller than its scale
        _plate("AA1236BB", 30, 30, night_ir=True),
        _plate("AA1237BB", 60, 60),
    ]
    by_scale = {int(p.image_bgr[0, 0, 0]): p.text for p in plates}

    def read(img: np.ndarray) -> list[tuple[str, BBox | None]]:
        scale = int(img[0, 0, 0])
        return [(by_scale[scale], None)] if scale >= 20 else [("AA1234BO", None)]

    out = evaluate(read, [], plates, [plates[0].image_bgr])
    assert out["ua_rendered_exact_read"] == 0.75
    assert out["read_rate_by_height"]["<16"] == 0.0 and out["read_rate_by_height"]["32-47"] == 1.0
    assert out[f"ua_rendered_exact_read_scale_{LEGIBLE_SCALE_PX}px_up"] == 1.0  # scales 30 and 60
    assert out["ua_rendered_exact_read_by_light"] == {"day": 1.0, "low_light": 1.0, "night_ir": 0.5}
    assert out["ms_per_frame_720p"]["median"] is not None


def test_rendered_figures_take_a_generator_and_keep_no_pixels() -> None:
    plates = [_plate("AA1234BB", 30, 30), _plate("AA1235BB", 60, 60)]
    seen: list[int] = []

    def read(img: np.ndarray) -> list[tuple[str, BBox | None]]:
        seen.append(int(img[0, 0, 0]))
        return [("AA1234BB", None)]

    out = rendered_figures(read, (p for p in plates))
    assert seen == [30, 60]
    assert out["ua_rendered_exact_read"] == 0.5 and out["ua_rendered_n"] == 2
    assert out["read_rate_by_height"]["24-31"] == 1.0 and out["read_rate_by_height"]["48-63"] == 0.0
