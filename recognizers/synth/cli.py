"""``varta synth plate "ВН 0423 ЕК" --out frame.jpg``: a road-like frame with one rendered plate.

For the README walkthrough and for checking a deployment end to end without a real car.
"""

from __future__ import annotations

import argparse
import sys

import cv2
import numpy as np

from recognizers.synth.plate import draw_plate
from recognizers.synth.texts import plate_style
from shared.plate_grammar import format_display, parse


def render_frame(text: str, width: int = 1280, height: int = 720, plate_height: int = 60) -> np.ndarray:
    """BGR frame: grey road, a car-coloured panel, the plate as printed (``AA 1234 BB`` groups)."""
    parsed = parse(text)
    groups = format_display(parsed).split()
    style = plate_style(parsed.text, parsed.format)  # colours as the format is printed
    plate = cv2.cvtColor(draw_plate(groups, style), cv2.COLOR_RGB2BGR)
    pw = int(plate.shape[1] * plate_height / plate.shape[0])
    plate = cv2.resize(plate, (pw, plate_height), interpolation=cv2.INTER_AREA)
    frame = np.full((height, width, 3), 96, np.uint8)
    x, y = (width - pw) // 2, int(height * 0.6)
    cv2.rectangle(frame, (x - pw // 2, y - plate_height * 3), (x + pw + pw // 2, y + plate_height * 2),
                  (60, 40, 150), -1)  # fmt: skip
    frame[y : y + plate_height, x : x + pw] = plate
    return frame


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="varta synth", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("plate", help="render one plate into a frame")
    p.add_argument("text", help='plate text, Cyrillic or Latin, e.g. "ВН 0423 ЕК"')
    p.add_argument("--out", required=True, help="output JPEG path")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument("--plate-height", type=int, default=60, help="plate height in pixels")
    args = parser.parse_args(argv)
    frame = render_frame(args.text, args.width, args.height, args.plate_height)
    if not cv2.imwrite(args.out, frame, [cv2.IMWRITE_JPEG_QUALITY, 90]):
        print(f"error: cannot write {args.out}", file=sys.stderr)
        return 1
    print(args.out)
    return 0
