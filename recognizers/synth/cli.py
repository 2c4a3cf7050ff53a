"""``varta synth plate "ВН 0423 ЕК" --out frame.jpg``: a road-like frame with one rendered plate.

For the README walkthrough and for checking a deployment end to end without a real car.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from recognizers.common.limits import DEFAULT_MAX_PIXELS
from recognizers.synth.plate import draw_plate
from recognizers.synth.texts import plate_style
from shared.cli_args import EXIT_USAGE, error_line, int_in
from shared.plate_grammar import format_display, parse

PLATE_Y = 0.6  # the plate's top edge, as a share of the frame height
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")  # what `varta recognize` reads back


class FrameTooSmallError(ValueError):
    """The plate, at the height asked for, does not fit in the frame."""

    def __init__(self, width: int, height: int, plate_w: int, plate_h: int) -> None:
        need_h = next(h for h in range(plate_h, 4 * plate_h + 4) if h - int(h * PLATE_Y) >= plate_h)
        need_w, need_h = max(width, plate_w), max(height, need_h)
        self.detail = (
            f"a {plate_h} px high plate is {plate_w} px wide and does not fit in a {width}x{height} frame; "
            f"use at least --width {need_w} --height {need_h}, or a smaller --plate-height"
        )
        self.detail_uk = (
            f"номер заввишки {plate_h} пікс. має ширину {plate_w} пікс. і не вміщується в кадр "
            f"{width}x{height}; задайте щонайменше --width {need_w} --height {need_h} "
            "або меншу --plate-height"
        )
        super().__init__(self.detail)


def render_frame(text: str, width: int = 1280, height: int = 720, plate_height: int = 60) -> np.ndarray:
    """BGR frame: grey road, a car-coloured panel, the plate as printed (``AA 1234 BB`` groups)."""
    parsed = parse(text)
    groups = format_display(parsed).split()
    style = plate_style(parsed.text, parsed.format)  # colours as the format is printed
    plate = cv2.cvtColor(draw_plate(groups, style), cv2.COLOR_RGB2BGR)
    pw = int(plate.shape[1] * plate_height / plate.shape[0])
    plate = cv2.resize(plate, (pw, plate_height), interpolation=cv2.INTER_AREA)
    x, y = (width - pw) // 2, int(height * PLATE_Y)
    if x < 0 or y + plate_height > height:
        raise FrameTooSmallError(width, height, pw, plate_height)
    frame = np.full((height, width, 3), 96, np.uint8)
    cv2.rectangle(frame, (x - pw // 2, y - plate_height * 3), (x + pw + pw // 2, y + plate_height * 2),
                  (60, 40, 150), -1)  # fmt: skip
    frame[y : y + plate_height, x : x + pw] = plate
    return frame


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="varta synth", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("plate", help="render one plate into a frame")
    p.add_argument("text", help='plate text, Cyrillic or Latin, e.g. "ВН 0423 ЕК"')
    p.add_argument("--out", required=True, help="output image path: .jpg (JPEG), .png or .webp")
    p.add_argument("--width", type=int_in(32, 16384), default=1280, help="frame width in pixels")
    p.add_argument("--height", type=int_in(32, 16384), default=720, help="frame height in pixels")
    p.add_argument(
        "--plate-height", type=int_in(10, 2000), default=60, help="plate height in pixels (10..2000)"
    )
    args = parser.parse_args(argv)
    problem = _check(args)
    if problem is not None:
        print(error_line("varta synth", *problem), file=sys.stderr)
        return EXIT_USAGE
    try:
        frame = render_frame(args.text, args.width, args.height, args.plate_height)
    except FrameTooSmallError as exc:
        print(error_line("varta synth", exc.detail, exc.detail_uk), file=sys.stderr)
        return EXIT_USAGE
    try:
        written = cv2.imwrite(args.out, frame, _quality(Path(args.out).suffix.lower()))
    except cv2.error:
        written = False
    if not written:
        en = f"cannot write {args.out} (may the folder be written, is the disk full?)"
        uk = f"неможливо записати {args.out} (чи можна писати в теку, чи не заповнений диск?)"
        print(error_line("varta synth", en, uk), file=sys.stderr)
        return 1
    print(args.out)
    return 0


def _check(args: argparse.Namespace) -> tuple[str, str] | None:
    """What is wrong with the arguments argparse alone cannot see, in English and Ukrainian."""
    if not any(c.isalnum() for c in args.text):
        return "the plate text has no letters or digits", "текст номера не містить літер чи цифр"
    out = Path(args.out)
    if out.is_dir():
        return (
            f"--out {args.out} is a folder; give a file name such as {out / 'frame.jpg'}",
            f"--out {args.out} є текою; вкажіть ім'я файлу, напр. {out / 'frame.jpg'}",
        )
    if not out.parent.is_dir():
        return (
            f"--out {args.out}: there is no folder {out.parent}",
            f"--out {args.out}: теки {out.parent} не існує",
        )
    if out.suffix.lower() not in IMAGE_SUFFIXES:
        kinds = ", ".join(IMAGE_SUFFIXES)
        return (
            f"--out {args.out} must end in one of {kinds} (the image format is taken from it)",
            f"--out {args.out} має закінчуватися на одне з {kinds} (з нього визначається формат)",
        )
    if args.width * args.height > DEFAULT_MAX_PIXELS:
        limit_mp = DEFAULT_MAX_PIXELS / 1e6
        return (
            f"a {args.width}x{args.height} frame is more than {limit_mp:.0f} megapixels, "
            "the most the recognizers accept",
            f"кадр {args.width}x{args.height} більший за {limit_mp:.0f} Мп — найбільше, що приймають "
            "розпізнавачі",
        )
    return None


def _quality(suffix: str) -> list[int]:
    if suffix in (".jpg", ".jpeg"):
        return [cv2.IMWRITE_JPEG_QUALITY, 90]
    if suffix == ".webp":
        return [cv2.IMWRITE_WEBP_QUALITY, 90]
    return []
