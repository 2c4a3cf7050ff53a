"""PP-OCR DB text detection on onnxruntime, with its post-processing to rotated boxes.

The frame is scaled so its long side is ``long_side`` (a small region may be enlarged), padded to a
multiple of 32, normalised and run through the DB network. The probability map is binarised, each
connected region becomes a minimum-area rectangle, boxes whose mean probability is low are dropped,
and the survivors are expanded ("unclipped") by ``area * unclip_ratio / perimeter`` with pyclipper, as
DB's shrunk text kernels require. Boxes come back as 4x2 float32 corner arrays (top-left, top-right,
bottom-right, bottom-left) in the coordinates of the image that was passed in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pyclipper

from recognizers.common.ort import create_session

log = logging.getLogger(__name__)

_MIN_SIDE = 3.0  # px on the detection map: smaller regions are noise
_CLIPPER_SCALE = 16.0  # pyclipper works on integers: keep sub-pixel precision on small text


#: two-line plates are 280x200 mm (1.4): both lines merged into one text box make it about as wide as high
TWO_LINE_ASPECT = 2.0
#: text boxes longer than this (width / height) are no line of a plate (a plate's is 3-7)
MAX_LINE_ASPECT = 10.0


def box_height(points: np.ndarray) -> float:
    """Height of a (tl, tr, br, bl) box along its own left side."""
    return float(np.linalg.norm(points[3] - points[0]))


def box_width(points: np.ndarray) -> float:
    """Width of a (tl, tr, br, bl) box along its own top side."""
    return float(np.linalg.norm(points[1] - points[0]))


def rect_area(points: np.ndarray) -> float:
    """Area of the bounding rectangle of a point set (a box's corners, several boxes' corners)."""
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    return float((x1 - x0) * (y1 - y0))


def aspect(points: np.ndarray) -> float:
    """Width over height of a (tl, tr, br, bl) box, along its own sides."""
    return box_width(points) / max(box_height(points), 1e-6)


def squarish(points: np.ndarray) -> bool:
    """A (tl, tr, br, bl) box this close to square may hold both lines of a two-line plate."""
    return aspect(points) < TWO_LINE_ASPECT


@dataclass(frozen=True)
class TextBox:
    """A rotated text box: ``points`` 4x2 (tl, tr, br, bl) in input-image pixels, ``score`` mean prob."""

    points: np.ndarray
    score: float

    @property
    def width(self) -> float:
        return box_width(self.points)

    @property
    def height(self) -> float:
        return box_height(self.points)


#: The scale the default detection size (640) gives a 1280x720 frame. A larger frame keeps it up to a cap
#: (``detection_side``): a plate as many pixels high must not shrink on the map just because the camera
#: sends more pixels around it.
FRAME_SCALE = 0.5


def detection_side(h: int, w: int, long_side: int, max_long_side: int) -> int:
    """The long side an ``h`` x ``w`` frame is detected at: ``long_side``, or ``FRAME_SCALE`` of the
    frame's own long side when that is more, up to ``max_long_side`` (1920x1080 with the defaults: 800)."""
    return max(long_side, min(max_long_side, round(max(h, w) * FRAME_SCALE)))


class TextDetector:
    """DB text detector (PP-OCR det model)."""

    def __init__(
        self,
        model: Path,
        long_side: int = 640,
        thresh: float = 0.3,
        box_thresh: float = 0.5,
        unclip_ratio: float = 1.6,
        max_candidates: int = 300,
        threads: int | None = None,
        mean: tuple[float, float, float] = (0.5, 0.5, 0.5),
        std: tuple[float, float, float] = (0.5, 0.5, 0.5),
    ) -> None:
        self.session = create_session(model, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.long_side = long_side
        self.thresh = thresh
        self.box_thresh = box_thresh
        self.unclip_ratio = unclip_ratio
        self.max_candidates = max_candidates
        # (x / 255 - mean) / std as OpenCV's one-pass blob maker spells it: (x - 255 mean) / (255 std)
        self._blob = cv2.dnn.Image2BlobParams()
        self._blob.mean = tuple(255.0 * m for m in mean)
        self._blob.scalefactor = tuple(1.0 / (255.0 * s) for s in std)
        self._blob.ddepth = cv2.CV_32F

    def prob_map(self, image_bgr: np.ndarray, long_side: int | None = None) -> tuple[np.ndarray, float]:
        """DB probability map of the scaled image, and the scale (map px per input px).

        ``long_side`` overrides the configured size (a small region may be enlarged to it).
        """
        h, w = image_bgr.shape[:2]
        scale = (long_side or self.long_side) / max(h, w)
        nh, nw = max(32, round(h * scale)), max(32, round(w * scale))
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        resized = cv2.resize(image_bgr, (nw, nh), interpolation=interp)
        ph, pw = -(-nh // 32) * 32, -(-nw // 32) * 32
        tensor = np.zeros((1, 3, ph, pw), np.float32)  # padding is 0 after normalisation
        tensor[:, :, :nh, :nw] = cv2.dnn.blobFromImageWithParams(resized, self._blob)
        pred = self.session.run(None, {self.input_name: tensor})[0]
        return pred[0, 0, :nh, :nw], nw / w

    def detect(self, image_bgr: np.ndarray, long_side: int | None = None) -> list[TextBox]:
        """Text boxes in the coordinates of ``image_bgr`` (scaled to ``long_side``, default configured)."""
        return self.detect_with_weak(image_bgr, long_side)[0]

    def detect_with_weak(
        self, image_bgr: np.ndarray, long_side: int | None = None, weak_thresh: float | None = None
    ) -> tuple[list[TextBox], list[TextBox]]:
        """Text boxes, and the weak ones: regions whose mean probability is at least ``weak_thresh`` but
        under the box threshold (small or faint text the detector half saw; empty when not asked for)."""
        prob, scale = self.prob_map(image_bgr, long_side)
        floor = self.box_thresh if weak_thresh is None else min(weak_thresh, self.box_thresh)
        cands = candidates(prob, self.thresh, self.unclip_ratio, self.max_candidates, floor)
        h, w = image_bgr.shape[:2]
        strong: list[TextBox] = []
        weak: list[TextBox] = []
        for pts, score in cands:
            if score >= self.box_thresh:
                strong.append(_to_input(pts, score, scale, w, h))
            else:
                weak.append(_to_input(pts, score, scale, w, h))
        return strong, weak


def _to_input(pts: np.ndarray, score: float, scale: float, w: int, h: int) -> TextBox:
    pts = pts / scale
    pts[:, 0] = np.clip(pts[:, 0], 0, w - 1)
    pts[:, 1] = np.clip(pts[:, 1], 0, h - 1)
    return TextBox(pts.astype(np.float32), score)


def boxes_from_map(
    prob: np.ndarray, thresh: float, box_thresh: float, unclip_ratio: float, max_candidates: int
) -> list[tuple[np.ndarray, float]]:
    """DB post-processing: probability map -> expanded rotated boxes (map coordinates) with scores."""
    return candidates(prob, thresh, unclip_ratio, max_candidates, box_thresh)


def candidates(
    prob: np.ndarray, thresh: float, unclip_ratio: float, max_candidates: int, min_score: float
) -> list[tuple[np.ndarray, float]]:
    """Expanded rotated boxes of the binarised map with a mean probability of at least ``min_score``."""
    bitmap: np.ndarray = (prob > thresh).astype(np.uint8)
    bitmap = cv2.dilate(bitmap, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(bitmap, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out: list[tuple[np.ndarray, float]] = []
    for contour in contours[:max_candidates]:
        rect = cv2.minAreaRect(contour)
        if min(rect[1]) < _MIN_SIDE:
            continue
        score = _box_score(prob, contour)
        if score < min_score:
            continue
        expanded = _unclip(cv2.boxPoints(rect), unclip_ratio)
        if expanded is None:
            continue
        rect2 = cv2.minAreaRect(expanded)
        if min(rect2[1]) < _MIN_SIDE + 2:
            continue
        out.append((order_points(cv2.boxPoints(rect2)), score))
    return out


def _box_score(prob: np.ndarray, contour: np.ndarray) -> float:
    """Mean probability inside the contour (DB's "slow" mode: exact polygon, more robust on small text)."""
    pts = contour.reshape(-1, 2)
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(mask, [(pts - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def _unclip(box: np.ndarray, ratio: float) -> np.ndarray | None:
    poly = box.astype(np.float64)
    area = abs(cv2.contourArea(poly.astype(np.float32)))
    perimeter = cv2.arcLength(poly.astype(np.float32), True)
    if perimeter <= 0:
        return None
    distance = area * ratio / perimeter
    offset = pyclipper.PyclipperOffset()
    scaled = np.round(poly * _CLIPPER_SCALE).astype(np.int64)
    offset.AddPath([tuple(p) for p in scaled.tolist()], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    solution = offset.Execute(distance * _CLIPPER_SCALE)
    if not solution:
        return None
    best = np.asarray(max(solution, key=len), np.float32) / _CLIPPER_SCALE
    return best.reshape(-1, 1, 2)


def order_points(pts: np.ndarray) -> np.ndarray:
    """Order 4 corners as top-left, top-right, bottom-right, bottom-left."""
    pts = np.asarray(pts, np.float32).reshape(4, 2)
    by_x = pts[np.argsort(pts[:, 0], kind="stable")]
    left, right = by_x[:2], by_x[2:]
    tl, bl = left[np.argsort(left[:, 1])]
    tr, br = right[np.argsort(right[:, 1])]
    return np.stack([tl, tr, br, bl]).astype(np.float32)
