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
from varta.cli import main as varta


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


def synth(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``varta synth plate ...`` in this process: (exit code, stderr)."""
    try:
        code = varta(["synth", "plate", *args])
    except SystemExit as exc:  # argparse's refusal
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "en", "uk"),
    [
        (["--out", "{tmp}/frame"], "must end in one of .jpg", "має закінчуватися"),
        (["--out", "{tmp}"], "is a folder", "є текою"),
        (["--out", "{tmp}/absent/f.jpg"], "there is no folder", "не існує"),
        (["--width", "100", "--height", "100"], "does not fit in a 100x100 frame", "не вміщується"),
        (["--plate-height", "0"], "--plate-height: must be from 10", "має бути від 10"),
        (["--width", "-5"], "--width: must be from 32", "має бути від 32"),
        (["--width", "100000", "--height", "100000"], "--width: must be from 32", "отримано 100000"),
        (["--width", "10000", "--height", "10000"], "more than 50 megapixels", "більший за 50 Мп"),
        (["--height", "wide"], "must be a whole number", "має бути цілим числом"),
    ],
)
def test_cli_refuses_bad_arguments_in_one_bilingual_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], en: str, uk: str
) -> None:
    if "--out" not in args:
        args = [*args, "--out", "{tmp}/frame.jpg"]
    code, err = synth(capsys, "AA 1234 BB", *(a.format(tmp=tmp_path) for a in args))
    assert code == 2
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert en in last and uk in last and " / " in last
    assert list(tmp_path.iterdir()) == []


def test_cli_refuses_text_without_letters_or_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = synth(capsys, " - ", "--out", str(tmp_path / "f.jpg"))
    assert code == 2 and "no letters or digits" in err and "не містить літер" in err


def test_cli_says_when_the_file_cannot_be_written(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = synth(capsys, "AA 1234 BB", "--out", "/proc/frame.jpg")
    assert code == 1 and "cannot write /proc/frame.jpg" in err and "неможливо записати" in err


@pytest.mark.parametrize("suffix", [".png", ".webp", ".JPG"])
def test_cli_writes_each_format_recognize_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    out = tmp_path / f"frame{suffix}"
    code, err = synth(capsys, "AA 1234 BB", "--out", str(out), "--width", "320", "--height", "160")
    assert code == 0 and err == ""
    frame = cv2.imread(str(out))
    assert frame is not None and frame.shape == (160, 320, 3)


def test_render_frame_too_small_for_the_plate_says_what_fits() -> None:
    from recognizers.synth.cli import FrameTooSmallError

    with pytest.raises(FrameTooSmallError) as exc:
        render_frame("AA 1234 BB", width=100, height=100, plate_height=60)
    assert "--width 278 --height 148" in exc.value.detail and "--width 278" in exc.value.detail_uk
    assert render_frame("AA 1234 BB", width=278, height=148, plate_height=60).shape == (148, 278, 3)
