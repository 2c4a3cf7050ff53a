"""``varta synth plate``: the frame it writes is read back as the plate asked for."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognizers.synth.cli import render_frame


def test_render_frame_size_and_plate_area() -> None:
    frame = render_frame("АА 1234 ВВ", width=640, height=360, plate_height=40)
    assert frame.shape == (360, 640, 3)
    # the plate's white background is there
    assert (frame > 230).all(axis=2).sum() > 1000


def test_an_electric_plate_is_drawn_in_green() -> None:
    def greenish(f: np.ndarray) -> int:
        b, g, r = (f[:, :, i].astype(int) for i in range(3))
        return int(((g > r + 40) & (g > b + 20)).sum())

    ev = render_frame("КА 7777 УВ", width=640, height=360, plate_height=40)
    assert greenish(ev) > 100 and greenish(render_frame("AA 1234 BB", 640, 360, 40)) < 20


def _plate_pixels(frame: np.ndarray) -> np.ndarray:
    """The pixels of the plate (40 px high, centred, at 0.6 of the frame height)."""
    h, w = frame.shape[:2]
    y = int(h * 0.6)
    return frame[y + 5 : y + 35, w // 2 - 60 : w // 2 + 60].reshape(-1, 3).astype(int)


def test_each_format_is_drawn_in_its_own_colours() -> None:
    def share(text: str, test: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> float:
        px = _plate_pixels(render_frame(text, 640, 360, 40))
        return float(test(px[:, 2], px[:, 1], px[:, 0]).mean())  # r, g, b

    def yellow(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (r > 180) & (g > 160) & (b < 110)

    def red(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (r > g + 60) & (r > b + 60)

    def dark(r: np.ndarray, g: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (r < 70) & (g < 70) & (b < 70)

    assert share("КА 7777 ТУ", yellow) > 0.5  # an electric taxi's plate is yellow
    assert share("КА 7777 УВ", yellow) < 0.05  # other electric vehicles' white
    assert share("01 АА 1234", red) > 0.05  # transit: red characters
    assert share("AA 1234 BB", red) < 0.01
    assert share("1234 А5", dark) > 0.5  # military: white on black
    assert share("AA 1234 BB", dark) < 0.4


@pytest.mark.slow
def test_cli_frame_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "frame.jpg"
    res = subprocess.run(
        [sys.executable, "-m", "varta.cli", "synth", "plate", "ВН 0423 ЕК", "--out", str(out)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert cv2.imread(str(out)) is not None
    read = subprocess.run(
        [sys.executable, "-m", "varta.cli", "recognize", "plates", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert '"text": "BH0423EK"' in read.stdout


def test_cli_rejects_missing_out() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "varta.cli", "synth", "plate", "AA1234BB"], capture_output=True, text=True
    )
    assert res.returncode == 2
    assert "--out" in res.stderr
