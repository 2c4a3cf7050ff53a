"""Ukrainian plates pasted into scenes with camera degradations, deterministic by seed.

A plate is drawn flat (``plate.draw_plate``), warped with a random perspective (yaw, pitch, roll) to a
target height in pixels, pasted on a car-coloured panel in a scene (procedural clutter, or a crop of a
real frame supplied by the caller), and the whole frame is degraded: blur (defocus or motion), low light,
sensor noise and JPEG compression. Some frames are taken at night under the camera's infrared light (black
and white, the scene dark, the retroreflective plate glowing), as entry cameras see cars after dark; their
draws come from a stream of their own, so the other plates of a set are drawn as before.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from recognizers.synth import fittings
from recognizers.synth.plate import DEFAULT_FONT, FONTS, PLATE_MM, Style, draw_plate, font_path
from recognizers.synth.texts import LAYOUTS, layout_format, plate_text
from shared.schemas import BBox

#: The camera's scale, as the height in pixels a one-line plate (112 mm) would have at that distance.
#: A two-line plate (200 mm) at the same distance is 200/112 as high: the scale is drawn, not the plate
#: height, so both kinds are seen as a camera sees them. plate_height_px is the warped plate's box height.
HEIGHT_RANGE = (12, 100)
#: Share of frames taken at night under the camera's infrared light (black and white, plate glowing).
NIGHT_IR_SHARE = 0.15
_NIGHT_STREAM = 0x1D
_FITTINGS_STREAM = 0xF1


@dataclass
class SynthPlate:
    image_bgr: np.ndarray
    text: str
    format: str
    plate_height_px: int
    bbox: BBox
    conditions: dict[str, Any] = field(default_factory=dict)
    lines: int = 1


def clutter_scene(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A road-ish procedural background: gradient sky/asphalt, blocks, lines, blobs."""
    ends = np.stack([rng.uniform(60, 200, 3), rng.uniform(30, 120, 3)]).astype(np.uint8)[:, None, :]
    img = cv2.resize(ends, (width, height), interpolation=cv2.INTER_LINEAR)
    for _ in range(int(rng.integers(8, 25))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(20, width // 3)), int(rng.integers(10, height // 3))
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        cv2.rectangle(img, (x, y), (x + w, y + h), colour, -1)
    for _ in range(int(rng.integers(5, 15))):
        p1 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        p2 = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(img, p1, p2, tuple(int(c) for c in rng.integers(0, 255, 3)), int(rng.integers(1, 6)))
    for _ in range(int(rng.integers(3, 10))):
        c = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(img, c, int(rng.integers(5, 60)), tuple(int(v) for v in rng.integers(0, 255, 3)), -1)
    return add_noise(img, 6.0, int(rng.integers(0, 2**31 - 1)))


def add_noise(img: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """Gaussian sensor noise, independent per pixel and channel (seeded: deterministic).

    (OpenCV's ``randn`` with a one-element mean/std on a 3-channel array filled the first channel with
    -32768 and the others with 0: the "noise" erased the blue channel and added no noise at all.)
    """
    noise = np.random.default_rng(seed).normal(0.0, sigma, img.shape).astype(np.float32)
    return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def _scene(rng: np.random.Generator, size: tuple[int, int], backgrounds: Sequence[np.ndarray]) -> np.ndarray:
    width, height = size
    if backgrounds and rng.random() < 0.7:
        bg = backgrounds[int(rng.integers(0, len(backgrounds)))]
        bh, bw = bg.shape[:2]
        scale = max(width / bw, height / bh) * rng.uniform(1.0, 1.6)
        big = cv2.resize(bg, (math.ceil(bw * scale), math.ceil(bh * scale)))
        y = int(rng.integers(0, big.shape[0] - height + 1))
        x = int(rng.integers(0, big.shape[1] - width + 1))
        return big[y : y + height, x : x + width].copy()
    return clutter_scene(rng, width, height)


def _warp_plate(
    plate_rgb: np.ndarray,
    target_h: int,
    yaw: float,
    pitch: float,
    roll: float,
    inner: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Warp the flat plate: returns (BGR patch, alpha mask, the plate's 4 corners in the patch). When
    the drawing holds more than the plate (a holder around it), ``inner`` gives the plate's corners in
    the drawing, and the corners returned are theirs."""
    ph, pw = plate_rgb.shape[:2]
    s = target_h / ph
    w, h = pw * s, ph * s
    corners = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    ry, rp, rr = (math.radians(a) for a in (yaw, pitch, roll))
    rot_y = np.array([[math.cos(ry), 0, math.sin(ry)], [0, 1, 0], [-math.sin(ry), 0, math.cos(ry)]])
    rot_x = np.array([[1, 0, 0], [0, math.cos(rp), -math.sin(rp)], [0, math.sin(rp), math.cos(rp)]])
    rot_z = np.array([[math.cos(rr), -math.sin(rr), 0], [math.sin(rr), math.cos(rr), 0], [0, 0, 1]])
    pts3 = corners @ (rot_z @ rot_x @ rot_y).T
    focal = 4.0 * w
    proj = pts3[:, :2] * (focal / (focal + pts3[:, 2:3]))
    proj -= proj.min(axis=0) - 2
    out_w, out_h = math.ceil(proj[:, 0].max()) + 3, math.ceil(proj[:, 1].max()) + 3
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    m = cv2.getPerspectiveTransform(src, proj.astype(np.float32))
    if inner is not None:
        proj = cv2.perspectiveTransform(inner.reshape(1, 4, 2).astype(np.float64), m)[0]
    bgr = cv2.cvtColor(plate_rgb, cv2.COLOR_RGB2BGR)
    # area-average the big drawing down first so thin strokes do not alias
    shrink = max(1.0, 1.0 / max(s, 1e-6) / 2)
    if shrink > 1:
        small_size = (max(8, int(pw / shrink)), max(8, int(ph / shrink)))
        small = cv2.resize(bgr, small_size, interpolation=cv2.INTER_AREA)
        scale_back = np.diag([pw / small.shape[1], ph / small.shape[0], 1.0])
        m, bgr = m @ scale_back, small
    patch = cv2.warpPerspective(bgr, m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    opaque = np.full(bgr.shape[:2], 255, np.uint8)
    mask = cv2.warpPerspective(opaque, m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    return patch, mask, proj.astype(np.float32)


def _infrared(
    scene: np.ndarray, plate_mask: np.ndarray, rng: np.random.Generator, cond: dict[str, Any]
) -> np.ndarray:
    """A night frame under the camera's infrared light: black and white, the scene dark, the
    retroreflective plate bright (often burnt out, its glow eating into thin strokes)."""
    gray = cv2.cvtColor(scene, cv2.COLOR_BGR2GRAY).astype(np.float32)
    scene_gain = float(rng.uniform(0.12, 0.4))
    plate_gain = float(rng.uniform(1.1, 2.2))
    glow = float(rng.uniform(0.0, 1.2))  # px of halo around the burnt-out background
    lit = np.clip(gray * plate_gain + 20, 0, 255)
    if glow > 0.2:
        halo = cv2.GaussianBlur(np.clip(lit - 200, 0, None), (0, 0), glow)
        lit = np.clip(lit + halo, 0, 255)
    out = gray * scene_gain * (1 - plate_mask) + lit * plate_mask
    cond.update(
        night_ir=True,
        low_light=False,
        ir_scene_gain=round(scene_gain, 2),
        ir_plate_gain=round(plate_gain, 2),
        ir_glow_px=round(glow, 2),
    )
    return cv2.cvtColor(out.astype(np.uint8), cv2.COLOR_GRAY2BGR)


def _degrade(img: np.ndarray, rng: np.random.Generator, cond: dict[str, Any]) -> np.ndarray:
    out = img
    blur = str(cond["blur"])
    if blur == "gaussian":
        sigma = float(rng.uniform(0.4, 1.3))
        cond["blur_sigma"] = round(sigma, 2)
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    elif blur == "motion":
        k = int(rng.integers(3, 7))
        kernel = np.zeros((k, k), np.float32)
        kernel[k // 2, :] = 1.0 / k
        rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), float(rng.uniform(-30, 30)), 1.0)
        kernel = np.asarray(cv2.warpAffine(kernel, rot, (k, k)), np.float32)
        kernel /= max(float(kernel.sum()), 1e-6)
        cond["motion_px"] = k
        out = cv2.filter2D(out, -1, kernel)
    if cond["low_light"]:
        gain = float(rng.uniform(0.25, 0.5))
        cond["light_gain"] = round(gain, 2)
        lut = (255.0 * (np.arange(256) / 255.0) ** 1.3 * gain).clip(0, 255).astype(np.uint8)
        out = cv2.LUT(out, lut)
    sigma_n = float(cond["noise_sigma"])
    if sigma_n > 0:
        out = add_noise(out, sigma_n, int(rng.integers(0, 2**31 - 1)))
    return jpeg_roundtrip(out, int(cond["jpeg_quality"]))


def jpeg_roundtrip(image: np.ndarray, quality: int) -> np.ndarray:
    """The BGR image as a camera's JPEG at ``quality`` would give it back."""
    ok, enc = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(enc, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise ValueError(f"OpenCV could not encode or decode a JPEG of {image.shape}")
    return np.asarray(decoded, np.uint8)


def _conditions(rng: np.random.Generator, height_range: tuple[int, int]) -> dict[str, Any]:
    lo, hi = height_range
    # log-uniform: small plates (the hard, procurement-relevant case) are well represented
    h = round(math.exp(rng.uniform(math.log(lo), math.log(hi + 1))))
    return {
        "scale_one_line_px": min(max(h, lo), hi),
        "yaw_deg": round(float(rng.uniform(-35, 35)), 1),
        "pitch_deg": round(float(rng.uniform(-20, 20)), 1),
        "roll_deg": round(float(rng.normal(0, 3)), 1),
        "blur": str(rng.choice(["none", "gaussian", "motion"], p=[0.45, 0.35, 0.2])),
        "low_light": bool(rng.random() < 0.2),
        "noise_sigma": round(float(rng.choice([0.0, rng.uniform(2, 10)])), 1),
        "jpeg_quality": int(rng.integers(25, 95)),
    }


def render_plate(
    seed: int,
    size: tuple[int, int] = (1280, 720),
    backgrounds: Sequence[np.ndarray] = (),
    layout: str | None = None,
    height_range: tuple[int, int] = HEIGHT_RANGE,
    font: str = DEFAULT_FONT,
    night: bool | None = None,
    roll_deg: float | None = None,
    screws: bool = False,
    holder: bool = False,
    dirt: bool = False,
    centre: tuple[float, float] | None = None,
) -> SynthPlate:
    """One plate in one scene, fully determined by ``seed`` (and the typeface, a key of ``FONTS``).

    ``night`` forces a night frame under infrared light (True) or a frame without (False); by default
    the seed decides (``NIGHT_IR_SHARE`` of the frames). ``roll_deg`` forces the plate's roll (by
    default drawn from N(0, 3) degrees); ``screws`` draws a screw head in each gap of a one-line plate;
    ``holder`` puts the plate in a dealer's holder with a text band under it, and ``dirt`` spatters it
    with mud (``fittings``; their draws come from a stream of their own); ``centre`` puts the plate's
    centre there, as shares of the frame's width and height (kept inside the frame). Every other draw
    stays as the seed makes it (a holder makes the patch larger, so the plate's place in the frame moves
    a little)."""
    rng = np.random.default_rng(seed)
    layout, text, groups, below, style = _plate_of(seed, layout)
    style = replace(style, font=font, screws=screws)
    cond = _conditions(rng, height_range)
    if roll_deg is not None:
        cond["roll_deg"] = roll_deg
    cond["layout"] = layout
    cond["font"] = font
    cond["night_ir"] = False
    scene = _scene(rng, size, backgrounds)
    drawing, inner = _dressed(draw_plate(groups, style, *below), seed, holder, dirt)
    lines = 1 + len(below)
    plate_h = int(cond["scale_one_line_px"]) * PLATE_MM[lines][1] / PLATE_MM[1][1]
    scale_h = drawing.shape[0] / (inner[3, 1] - inner[0, 1]) if inner is not None else 1.0
    patch, mask, corners = _warp_plate(
        drawing,
        round(plate_h * scale_h),
        float(cond["yaw_deg"]),
        float(cond["pitch_deg"]),
        float(cond["roll_deg"]),
        inner,
    )
    ph, pw = patch.shape[:2]
    width, height = size
    x = int(rng.integers(0, max(1, width - pw)))
    y = int(rng.integers(height // 4, max(height // 4 + 1, height - ph)))
    if centre is not None:  # drawn all the same, so every later draw stays the seed's
        x = min(max(0, round(centre[0] * width - pw / 2)), max(0, width - pw))
        y = min(max(0, round(centre[1] * height - ph / 2)), max(0, height - ph))
    _car_panel(scene, rng, x, y, pw, ph)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    roi = scene[y : y + ph, x : x + pw].astype(np.float32)
    scene[y : y + ph, x : x + pw] = (patch * alpha + roi * (1 - alpha)).astype(np.uint8)
    ir = np.random.default_rng((seed, _NIGHT_STREAM))  # its own stream: the other draws stay as they were
    if (ir.random() < NIGHT_IR_SHARE) if night is None else night:
        plate_mask = np.zeros(scene.shape[:2], np.float32)
        plate_mask[y : y + ph, x : x + pw] = alpha[:, :, 0]
        scene = _infrared(scene, plate_mask, ir, cond)
    image = _degrade(scene, rng, cond)
    xs, ys = corners[:, 0] + x, corners[:, 1] + y
    bbox = BBox(x=int(xs.min()), y=int(ys.min()), w=int(xs.max() - xs.min()), h=int(ys.max() - ys.min()))
    return SynthPlate(image, text, layout_format(layout).value, bbox.h, bbox, cond, lines)


def drawn_text(seed: int) -> str:
    """The text of the plate ``render_plate(seed)`` draws, without drawing it."""
    return _plate_of(seed)[1]


def _plate_of(seed: int, layout: str | None = None) -> tuple[str, str, list[str], list[list[str]], Style]:
    """(layout, text, first-line groups, the groups of each line below it, style) of the plate ``seed``
    draws; the layout is drawn too unless given."""
    prng = random.Random(seed)
    names, weights = zip(*LAYOUTS, strict=True)
    layout = layout or prng.choices(names, weights)[0]
    return (layout, *plate_text(prng, layout))


def _dressed(
    plate_rgb: np.ndarray, seed: int, holder: bool, dirt: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """The flat plate with mud and in a holder as asked, and the plate's corners in the drawing when a
    holder surrounds it (None: the drawing is the plate)."""
    rng = np.random.default_rng((seed, _FITTINGS_STREAM))
    if dirt:
        plate_rgb = fittings.soil(plate_rgb, rng)
    if holder:
        return fittings.holder(plate_rgb, rng)
    return plate_rgb, None


def _car_panel(scene: np.ndarray, rng: np.random.Generator, x: int, y: int, pw: int, ph: int) -> None:
    """A car-coloured panel around the plate (bumper), so the plate sits on a vehicle-like surface."""
    colour = tuple(int(c) for c in rng.integers(10, 240, 3))
    mx, my = int(pw * rng.uniform(0.4, 1.5)), int(ph * rng.uniform(0.5, 2.0))
    cv2.rectangle(scene, (x - mx, y - my), (x + pw + mx, y + ph + my), colour, -1)


def render_dataset(
    n: int,
    seed: int,
    size: tuple[int, int] = (1280, 720),
    backgrounds: Sequence[np.ndarray] = (),
    height_range: tuple[int, int] = HEIGHT_RANGE,
) -> list[SynthPlate]:
    """``n`` rendered plates across formats, conditions and typefaces (each of ``FONTS`` in turn); the
    same (n, seed) gives the same set. Every typeface must be installed: a set drawn with fewer would
    not be the same set."""
    return list(iter_dataset(n, seed, size, backgrounds, height_range))


def iter_dataset(
    n: int,
    seed: int,
    size: tuple[int, int] = (1280, 720),
    backgrounds: Sequence[np.ndarray] = (),
    height_range: tuple[int, int] = HEIGHT_RANGE,
) -> Iterator[SynthPlate]:
    """The plates of ``render_dataset`` one at a time (a set of 500 720p frames holds 1.4 GB)."""
    fonts = list(FONTS)
    for name in fonts:
        font_path(name)  # raises, naming the Debian package, when one is missing
    for i in range(n):
        yield render_plate(seed * 100_003 + i, size, backgrounds, None, height_range, fonts[i % len(fonts)])


#: the border around a plate photographed alone, as a share of its height (a tight crop)
PHOTO_BORDER = 0.05
_PHOTO_GREY = (90, 100, 110)


def photo_of(plate_rgb: np.ndarray, width: int, border: float = PHOTO_BORDER) -> np.ndarray:
    """A flat plate drawing as a photo of the plate alone: ``width`` px wide, in a grey border of
    ``border`` times its height, JPEG at quality 90 (BGR)."""
    plate = cv2.cvtColor(plate_rgb, cv2.COLOR_RGB2BGR)
    height, pad = _photo_size(plate.shape, width, border)
    img = cv2.resize(plate, (width, height), interpolation=cv2.INTER_AREA)
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=_PHOTO_GREY)
    return jpeg_roundtrip(img, 90)


def _photo_size(shape: tuple[int, ...], width: int, border: float) -> tuple[int, int]:
    """The plate's height and the border's width in pixels, in ``photo_of``'s photo ``width`` px wide."""
    height = round(shape[0] * width / shape[1])
    return height, round(border * height)


def plate_photo(seed: int, width: int, font: str = DEFAULT_FONT) -> SynthPlate:
    """The plate ``seed`` draws (its layout and text as ``render_plate`` draws them) photographed alone,
    level and sharp, ``width`` px wide: what a police officer crops from a photo or a resident sends."""
    layout, text, groups, below, style = _plate_of(seed)
    drawing = draw_plate(groups, replace(style, font=font), *below)
    height, pad = _photo_size(drawing.shape, width, PHOTO_BORDER)
    box = BBox(x=pad, y=pad, w=width, h=height)
    cond = {"layout": layout, "font": font, "width_px": width}
    fmt = layout_format(layout).value
    return SynthPlate(photo_of(drawing, width), text, fmt, height, box, cond, 1 + len(below))
