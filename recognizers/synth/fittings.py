"""What a plate wears on a car: a holder frame with a dealer's text band under the plate, and road dirt.

Both are drawn on the flat plate (the RGB of ``plate.draw_plate``, ``PX_PER_MM`` pixels a millimetre)
before it is warped into a scene, from a random stream the caller gives, so the plate and its scene
are drawn as without them. Plates on Ukrainian cars often sit in a dealer's plastic or chrome holder,
whose lower band carries a name, a website or a telephone number in small letters a few millimetres
under the plate's own line; on village roads the lower half of a plate is often spattered with mud.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from recognizers.synth.plate import PX_PER_MM, font_at

HOLDER_SIDE_MM = 7.0  # the holder's rim left, right and above the plate
HOLDER_BAND_MM = 24.0  # its band under the plate, with the dealer's text
HOLDER_LIP_MM = 3.0  # how far the rim reaches over the plate's edge
DEALER_TEXT_MM = 10.0  # cap height of the dealer's text
#: RGB of the holder and of its text: black plastic, dark grey plastic, chrome
HOLDER_FINISHES = (
    ((22, 22, 24), (235, 235, 235)),
    ((62, 62, 66), (215, 215, 215)),
    ((186, 188, 192), (30, 30, 32)),
)
#: dealers' names and websites as holders carry them (telephone numbers are drawn at random)
DEALER_NAMES = (
    "АВТОЦЕНТР",
    "АВТОСАЛОН НА ОБОЛОНІ",
    "AUTO CENTER",
    "WWW.AVTO.COM.UA",
    "АВТОДІМ ВІННИЦЯ",
    "MOTORS-UA.COM",
    "ОФІЦІЙНИЙ ДИЛЕР",
    "AUTO-LIDER",
)
MUD_COLOURS = ((104, 88, 64), (84, 74, 58), (122, 116, 104), (96, 80, 52))


def dealer_text(rng: np.random.Generator) -> str:
    """A dealer's name or website, or a Ukrainian mobile number, as on a holder's band."""
    if rng.random() < 0.3:
        digits = "".join(str(int(d)) for d in rng.integers(0, 10, 7))
        operator = ("67", "50", "63", "93", "97")[int(rng.integers(0, 5))]
        return f"+380 {operator} {digits[:3]} {digits[3:5]} {digits[5:]}"
    return DEALER_NAMES[int(rng.integers(0, len(DEALER_NAMES)))]


def holder(plate_rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The plate in a holder: the RGB of the holder with the plate inside it, and the plate's corners
    (tl, tr, br, bl) in that image. The rim covers ``HOLDER_LIP_MM`` of the plate's edge all round."""
    ph, pw = plate_rgb.shape[:2]
    side, band, lip = (round(v * PX_PER_MM) for v in (HOLDER_SIDE_MM, HOLDER_BAND_MM, HOLDER_LIP_MM))
    body, ink = HOLDER_FINISHES[int(rng.integers(0, len(HOLDER_FINISHES)))]
    img = Image.new("RGB", (pw + 2 * side, ph + side + band), body)
    img.paste(Image.fromarray(plate_rgb).crop((lip, lip, pw - lip, ph - lip)), (side + lip, side + lip))
    draw = ImageDraw.Draw(img)
    text = dealer_text(rng)
    size = round(DEALER_TEXT_MM * PX_PER_MM * 1.38)
    while size > 8 and draw.textlength(text, font=font_at(size)) > pw - 2 * lip:
        size -= 2
    baseline = ph + side + (band + DEALER_TEXT_MM * PX_PER_MM) / 2
    draw.text((img.width / 2, baseline), text, font=font_at(size), fill=ink, anchor="ms")
    corners = np.array(
        [[side, side], [side + pw, side], [side + pw, side + ph], [side, side + ph]], np.float32
    )
    return np.asarray(img), corners


def soil(plate_rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The plate spattered with road mud: a film thickening towards the bottom edge and drops of 1-5 mm,
    most of them on the lower half, some over the characters."""
    h, w = plate_rgb.shape[:2]
    mud = np.array(MUD_COLOURS[int(rng.integers(0, len(MUD_COLOURS)))], np.float32)
    rows = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    alpha = np.repeat(float(rng.uniform(0.15, 0.4)) * rows**2, w, axis=1)
    drops = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(drops)
    for _ in range(int(rng.integers(30, 90))):
        r = float(rng.uniform(1.0, 5.0)) * PX_PER_MM
        cx, cy = float(rng.uniform(0, w)), float(rng.beta(2.5, 1.2)) * h
        stretch = float(rng.uniform(1.0, 2.0))  # flung sideways by the wheel
        draw.ellipse([cx - r * stretch, cy - r, cx + r * stretch, cy + r], fill=int(rng.integers(90, 220)))
    alpha = np.maximum(alpha, np.asarray(drops, np.float32) / 255.0)[:, :, None]
    out = plate_rgb.astype(np.float32) * (1 - alpha) + mud * alpha
    return out.astype(np.uint8)
