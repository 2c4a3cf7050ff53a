"""A second, higher-resolution detection pass inside small regions where a plate's layout says text is.

At the frame's detection size the two lines of a two-line plate (280x200 mm) often merge into one
squarish blob, and the short top line (the region code next to the flag strip) is sometimes not found
at all. Splitting the blob in half cuts through characters whenever the box is not tight. Instead, the
region is cropped from the full-resolution frame, enlarged so a text line is about ``LINE_PX`` high,
and run through the same DB detector: the lines come back separated and tight. This runs only on
squarish boxes and above a line that reads like the bottom line of a two-line plate (``1234 AB``), at
most ``MAX_REGIONS`` times a frame, each on a few thousand pixels, so it costs little. The same pass
also runs on weak regions (``lines_in_weak``): text the frame-size map saw but scored under the box
threshold, as small or low-contrast plates often are; the pipeline caps those per frame.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from recognizers.plates.detector import (
    MAX_LINE_ASPECT,
    TextBox,
    TextDetector,
    aspect,
    box_height,
    order_points,
    rect_area,
    squarish,
)
from recognizers.plates.reader import expand_box
from shared.plate_grammar.formats import fits, fixes

LINE_PX = 32  # text line height on the re-detection input
MAX_SCALE = 4.0
MAX_LONG_SIDE = 384
MIN_LINE_PX = 4.0  # full-resolution height of the smallest line worth reading
MAX_REGIONS = 4
WEAK_PAD = 0.3  # a weak region is grown by this times its height on each side before re-detection
FLOOD_ZOOM = 2.0  # a flooded region is re-detected at this times the frame's detection scale
FLOOD_OVERLAP = 0.15  # a tile reaches this share of its step into each neighbour (a plate on a seam)
#: a box this many times as wide as high, up to ``MAX_LINE_ASPECT``, is one line of text however large (a
#: plate seen close up, 4.6 level, 3.5 at 40 degrees of yaw); the regions the map flooded on the clips and
#: the rendered scenes measured 0.8-2.7
LINE_ASPECT = 3.5
_BOTTOM_LINE = re.compile(r"\d{4}[ABCEHIKMOPTX]{2}")
_BOTTOM_SLOTS = ("D", "D", "D", "D", "L", "L")


def bottom_line(text: str) -> bool:
    """Text that reads like the bottom line of a two-line current plate: four digits, two letters, each
    as read or as a glyph-alike of the right kind ("953580" may be "9535BO")."""
    if len(text) != len(_BOTTOM_SLOTS) or _BOTTOM_LINE.fullmatch(text):
        return _BOTTOM_LINE.fullmatch(text) is not None
    misfits = [(c, slot) for c, slot in zip(text, _BOTTOM_SLOTS, strict=True) if not fits(c, slot)]
    return len(misfits) <= 2 and all(fixes(c, slot) for c, slot in misfits)


def top_line(text: str) -> bool:
    """Text that reads like the top line of a two-line current plate (a region code)."""
    return len(text) == 2 and all(c in "ABCEHIKMOPTX" for c in text)


def redetect(
    detector: TextDetector, image_bgr: np.ndarray, region: tuple[float, float, float, float], line_h: float
) -> list[np.ndarray]:
    """Text boxes (4x2, frame pixels) inside ``region`` (x0, y0, x1, y1), detected with lines of height
    ``line_h`` (frame px) enlarged to about ``LINE_PX``."""
    h, w = image_bgr.shape[:2]
    x0, y0 = max(0, int(region[0])), max(0, int(region[1]))
    x1, y1 = min(w, int(np.ceil(region[2]))), min(h, int(np.ceil(region[3])))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return []
    crop = image_bgr[y0:y1, x0:x1]
    scale = min(MAX_SCALE, max(1.0, LINE_PX / max(line_h, 1.0)))
    long_side = min(MAX_LONG_SIDE, max(64, round(max(x1 - x0, y1 - y0) * scale)))
    offset = np.array([x0, y0], np.float32)
    found = [b.points + offset for b in detector.detect(crop, long_side) if b.height >= MIN_LINE_PX]
    return merge_rows(found)


def merge_rows(boxes: list[np.ndarray]) -> list[np.ndarray]:
    """Boxes on one text row of a plate (character groups split by a gap) merged into one line box."""
    rows: list[list[np.ndarray]] = []
    for box in sorted(boxes, key=lambda b: float(b[:, 0].min())):
        cy, h = float(box[:, 1].mean()), box_height(box)
        for row in rows:
            last = row[-1]
            ly, lh = float(last[:, 1].mean()), box_height(last)
            if abs(cy - ly) < 0.4 * max(h, lh) and 0.6 <= h / max(lh, 1e-6) <= 1.6:
                row.append(box)
                break
        else:
            rows.append([box])
    out = []
    for row in rows:
        if len(row) == 1:
            out.append(row[0])
            continue
        rect = cv2.minAreaRect(np.concatenate(row).astype(np.float32))
        out.append(order_points(cv2.boxPoints(rect)))
    return out


def lines_in_box(detector: TextDetector, image_bgr: np.ndarray, points: np.ndarray) -> list[np.ndarray]:
    """The text lines inside a squarish box that may hold both lines of a two-line plate, or inside a box
    much larger than the line it holds."""
    grown = expand_box(points, 0.1, 0.1)
    x0, y0 = grown.min(axis=0)
    x1, y1 = grown.max(axis=0)
    line_h = box_height(points) / 3  # two lines and the gap between them
    return redetect(detector, image_bgr, (x0, y0, x1, y1), line_h)


def lines_above(detector: TextDetector, image_bgr: np.ndarray, points: np.ndarray) -> list[np.ndarray]:
    """Text lines right above a bottom line of a two-line plate (where its top line is printed)."""
    h = box_height(points)
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    pad = 0.1 * (x1 - x0)
    found = redetect(detector, image_bgr, (x0 - pad, y0 - 1.8 * h, x1 + pad, y1), h)
    # only what lies above the bottom line's centre: the line itself comes back too
    cy = (y0 + y1) / 2
    return [p for p in found if float(p[:, 1].mean()) < cy - 0.3 * h]


def box_above(points: np.ndarray, shift: float = 1.05) -> np.ndarray:
    """The box one line height above a (tl, tr, br, bl) line box, along the box's own up direction:
    where the top line of a two-line plate sits when the detector did not find it (a short region
    code beside the flag strip often stays under the detection threshold)."""
    up = ((points[0] - points[3]) + (points[1] - points[2])) / 2
    return (points + up * shift).astype(np.float32)


def lines_in_weak(detector: TextDetector, image_bgr: np.ndarray, points: np.ndarray) -> list[np.ndarray]:
    """The text lines inside a weak region: one the frame-size map saw but scored under the box
    threshold (small or low-contrast plate text). Re-detected enlarged, it often clears it."""
    h = box_height(points)
    line_h = h / 3 if squarish(points) else h  # maybe both lines of a two-line plate
    grown = expand_box(points, WEAK_PAD, WEAK_PAD)
    x0, y0 = grown.min(axis=0)
    x1, y1 = grown.max(axis=0)
    return redetect(detector, image_bgr, (x0, y0, x1, y1), line_h)


def flooded(points: np.ndarray, width: int, height: int, share: float) -> bool:
    """Does a box's bounding rectangle cover at least ``share`` of a ``width`` x ``height`` image?"""
    return rect_area(points) >= share * width * height


def text_line(points: np.ndarray) -> bool:
    """Is a box shaped like one line of text (a close-up plate), not a surface the map flooded?"""
    return LINE_ASPECT <= aspect(points) <= MAX_LINE_ASPECT


def flood_tiles(
    points: np.ndarray, width: int, height: int, zoom: float = FLOOD_ZOOM, overlap: float = FLOOD_OVERLAP
) -> list[tuple[int, int, int, int]]:
    """Tiles (x0, y0, x1, y1) covering a box's bounding rectangle, row by row: as many per axis as it
    takes to keep each step within the image's size divided by ``zoom``, each grown by ``overlap``
    times the step on both sides and clipped to the image."""
    (bx0, by0), (bx1, by1) = points.min(axis=0), points.max(axis=0)
    bx0, by0 = max(0.0, float(bx0)), max(0.0, float(by0))
    bx1, by1 = min(float(width), float(bx1)), min(float(height), float(by1))
    nx = max(1, int(np.ceil((bx1 - bx0) * zoom / width - 1e-9)))
    ny = max(1, int(np.ceil((by1 - by0) * zoom / height - 1e-9)))
    sx, sy = (bx1 - bx0) / nx, (by1 - by0) / ny
    tiles = []
    for iy in range(ny):
        for ix in range(nx):
            x0 = max(0, int(bx0 + (ix - overlap) * sx))
            y0 = max(0, int(by0 + (iy - overlap) * sy))
            x1 = min(width, int(np.ceil(bx0 + (ix + 1 + overlap) * sx)))
            y1 = min(height, int(np.ceil(by0 + (iy + 1 + overlap) * sy)))
            tiles.append((x0, y0, x1, y1))
    return tiles


def lines_in_flood(
    detector: TextDetector,
    image_bgr: np.ndarray,
    tiles: list[tuple[int, int, int, int]],
    share: float,
    frame_scale: float,
    zoom: float = FLOOD_ZOOM,
) -> list[TextBox]:
    """Text boxes (frame pixels) found in tiles of a flooded region, each detected at ``zoom`` times
    the frame's detection scale ``frame_scale``; boxes that flood their own tile are dropped."""
    scale = frame_scale * zoom
    found: list[TextBox] = []
    for x0, y0, x1, y1 in tiles:
        tile = image_bgr[y0:y1, x0:x1]
        th, tw = tile.shape[:2]
        if th < 4 or tw < 4:
            continue
        offset = np.array([x0, y0], np.float32)
        for b in detector.detect(tile, max(32, round(max(th, tw) * scale))):
            if not flooded(b.points, tw, th, share):
                found.append(TextBox(b.points + offset, b.score))
    return found
