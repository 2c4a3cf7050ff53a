"""Draw one Ukrainian plate, flat and sharp, at high resolution (DSTU 4278 look, DIN-like font)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

#: Condensed bold sans faces in the DIN-like look of DSTU 4278 plates, each from a Debian package. The
#: benchmark set uses all of them in turn (``render_dataset``), so its figure is not one typeface's.
FONTS: dict[str, tuple[str, tuple[Path, ...]]] = {  # name: (Debian package, files in order of preference)
    "dejavu-sans-condensed": (
        "fonts-dejavu-extra",
        (
            Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"),
            # else the wider DejaVu Sans Bold of fonts-dejavu-core, found nearly everywhere
            Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
        ),
    ),
    "roboto-condensed": (
        "fonts-roboto-unhinted",
        (Path("/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf"),),
    ),
    "liberation-sans-narrow": (
        "fonts-liberation",
        (Path("/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf"),),
    ),
}
DEFAULT_FONT = "dejavu-sans-condensed"

# RGB colours
WHITE = (245, 245, 240)
BLACK = (15, 15, 18)
BLUE = (0, 87, 183)
YELLOW = (255, 215, 0)
RED = (200, 20, 30)
GREEN = (0, 120, 60)  # the characters of an electric vehicle's plate

PX_PER_MM = 2.0  # drawing scale: a 520 mm plate is 1040 px wide
SCREW_MM = 13.0  # a screw head (or its cap) between two groups
SCREW_GREY, SCREW_RIM, SCREW_SLOT = (178, 178, 172), (90, 90, 90), (70, 70, 70)


@dataclass(frozen=True)
class Style:
    """How a plate looks: background, characters, left strip (flag + "UA"), typeface, screws (its lines
    are ``draw_plate``'s)."""

    background: tuple[int, int, int] = WHITE
    ink: tuple[int, int, int] = BLACK
    strip: bool = True
    font: str = DEFAULT_FONT  # a key of FONTS
    screws: bool = False  # a one-line plate fixed by screws driven through the gaps between its groups


def font_path(name: str = DEFAULT_FONT) -> Path:
    """The file of a typeface in ``FONTS``; a missing one names the Debian package that has it."""
    if name not in FONTS:
        raise ValueError(f"unknown plate font {name!r}; one of: {', '.join(FONTS)}")
    package, paths = FONTS[name]
    for path in paths:
        if path.is_file():
            return path
    raise FileNotFoundError(f"plate font {name!r} not found at {paths[0]}: apt-get install {package}")


@lru_cache(maxsize=128)
def font_at(size: int, name: str = DEFAULT_FONT) -> ImageFont.FreeTypeFont:
    """A typeface of ``FONTS`` at ``size`` px (cached)."""
    return ImageFont.truetype(str(font_path(name)), size)


def _fit_text(
    draw: ImageDraw.ImageDraw, text: str, box_w: float, box_h: float, name: str
) -> ImageFont.FreeTypeFont:
    """Largest font whose capitals are box_h tall and whose text fits box_w (condensed like DIN)."""
    size = int(box_h * 1.38)
    while size > 6:
        font = font_at(size, name)
        x0, y0, x1, _y1 = draw.textbbox((0, 0), text, font=font, anchor="ls")
        if x1 - x0 <= box_w and -y0 <= box_h * 1.02:
            return font
        size -= 2
    return font_at(6, name)


def _strip(draw: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float) -> None:
    """Blue strip with the flag on top and "UA" below, as on current plates."""
    draw.rectangle([x, y, x + w, y + h], fill=BLUE)
    fw, fh = w * 0.7, h * 0.3
    fx, fy = x + (w - fw) / 2, y + h * 0.12
    draw.rectangle([fx, fy, fx + fw, fy + fh / 2], fill=BLUE, outline=WHITE, width=1)
    draw.rectangle([fx, fy + fh / 2, fx + fw, fy + fh], fill=YELLOW)
    font = font_at(max(8, int(min(h * 0.3, w * 0.5))))
    draw.text((x + w / 2, y + h * 0.88), "UA", font=font, fill=WHITE, anchor="ms")


def _line(
    draw: ImageDraw.ImageDraw,
    groups: list[str],
    box: tuple[float, float, float, float],
    style: Style,
    font: ImageFont.FreeTypeFont | None = None,
) -> ImageFont.FreeTypeFont:
    """One line of character groups, centred in box (x, y, w, h), baseline at y + h."""
    x, y, w, h = box
    text = " ".join(groups)
    font = font or _fit_text(draw, text, w, h, style.font)
    draw.text((x + w / 2, y + h), text, font=font, fill=style.ink, anchor="ms")
    return font


def _gap_centres(
    draw: ImageDraw.ImageDraw,
    groups: list[str],
    box: tuple[float, float, float, float],
    font: ImageFont.FreeTypeFont,
) -> list[float]:
    """x of the middle of each gap between the groups of a line drawn by ``_line`` in ``box``."""
    x, _, w, _ = box
    start = x + w / 2 - draw.textlength(" ".join(groups), font=font) / 2
    space = draw.textlength(" ", font=font)
    return [
        start + draw.textlength(" ".join(groups[:k]), font=font) + space / 2 for k in range(1, len(groups))
    ]


def _screw(draw: ImageDraw.ImageDraw, cx: float, cy: float) -> None:
    """A screw head ``SCREW_MM`` across, grey with a darker rim and its slot."""
    r = SCREW_MM / 2 * PX_PER_MM
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=SCREW_GREY, outline=SCREW_RIM, width=2)
    draw.line([cx - 0.7 * r, cy, cx + 0.7 * r, cy], fill=SCREW_SLOT, width=3)


#: (width, height) in mm of a plate of 1, 2 and 3 lines
PLATE_MM = {1: (520, 112), 2: (280, 200), 3: (220, 174)}


def draw_plate(groups: list[str], style: Style, *below: list[str]) -> np.ndarray:
    """RGB image of a plate: ``groups`` on its first line, each of ``below`` on a line under it.

    One line: 520x112 mm. Two lines (a square plate, a trailer's): 280x200 mm. Three lines (a
    motorcycle's): 220x174 mm. The strip sits left of the first line; every line is in one type size,
    the largest in which each fits its place."""
    n = 1 + len(below)
    w_mm, h_mm = PLATE_MM[n]
    w, h = int(w_mm * PX_PER_MM), int(h_mm * PX_PER_MM)
    img = Image.new("RGB", (w, h), style.background)
    draw = ImageDraw.Draw(img)
    m = 4 * PX_PER_MM
    frame = [m / 2, m / 2, w - m / 2, h - m / 2]
    draw.rounded_rectangle(frame, radius=int(6 * PX_PER_MM), outline=style.ink, width=int(2.5 * PX_PER_MM))
    strip_w = 46 * PX_PER_MM if style.strip else 0.0
    if n > 1:
        row = (h - 2 * m) / n
        if style.strip:
            _strip(draw, m + 2, m + 2, strip_w, row - 4)
        boxes = [(m + strip_w + 6, m + row * 0.14, w - 2 * m - strip_w - 12, row * 0.72)]
        boxes += [(m + 6, m + row * (k + 0.1), w - 2 * m - 12, row * 0.72) for k in range(1, n)]
        rows = list(zip([groups, *below], boxes, strict=True))
        font = min(
            (_fit_text(draw, " ".join(g), b[2], b[3], style.font) for g, b in rows), key=lambda f: f.size
        )
        for g, b in rows:
            _line(draw, g, b, style, font)
    else:
        if style.strip:
            _strip(draw, m + 2, m + 2, strip_w, h - 2 * m - 4)
        text_h = 58 * PX_PER_MM
        box = (m + strip_w + 10, (h - text_h) / 2, w - 2 * m - strip_w - 20, text_h)
        font = _line(draw, groups, box, style)
        if style.screws:
            for cx in _gap_centres(draw, groups, box, font):
                _screw(draw, cx, h / 2)
    return np.asarray(img)
