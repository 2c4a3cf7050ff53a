"""``varta synth plate``: the frame it writes is read back as the plate asked for."""

from __future__ import annotations

import subprocess
import sys
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
