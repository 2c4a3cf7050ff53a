"""SCRFD (InsightFace packs, e.g. buffalo_l ``det_10g.onnx``) on onnxruntime, with its own decoder.

The network predicts, for every anchor centre of strides 8, 16 and 32 (two anchors per centre), a
face score, distances from the centre to the four box sides and offsets of the five landmarks, all in
units of the stride. Decoding turns them into boxes and points, then non-maximum suppression keeps one
box per face.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import cv2
import numpy as np

from recognizers.common.ort import create_session
from recognizers.faces.base import PackError, RawFace

log = logging.getLogger(__name__)


def anchor_centres(height: int, width: int, stride: int, num_anchors: int) -> np.ndarray:
    """(H/stride * W/stride * num_anchors, 2) centres in input pixels, row-major, anchors adjacent."""
    ys, xs = np.mgrid[: height // stride, : width // stride]
    centres = np.stack([xs, ys], axis=-1).reshape(-1, 2).astype(np.float32) * stride
    return np.repeat(centres, num_anchors, axis=0) if num_anchors > 1 else centres


def distance2bbox(centres: np.ndarray, dist: np.ndarray) -> np.ndarray:
    return np.concatenate([centres - dist[:, :2], centres + dist[:, 2:4]], axis=1)


def distance2kps(centres: np.ndarray, dist: np.ndarray) -> np.ndarray:
    n = dist.shape[1] // 2
    return dist.reshape(-1, n, 2) + centres[:, None, :]


def layout(n_outputs: int) -> tuple[list[int], int]:
    """Strides and anchors per centre for a SCRFD export with ``n_outputs`` outputs (with landmarks)."""
    if n_outputs == 9:
        return [8, 16, 32], 2
    if n_outputs == 15:
        return [8, 16, 32, 64, 128], 1
    raise PackError(
        f"not an SCRFD detector with landmarks: {n_outputs} outputs (expected 9 or 15: score, box and "
        "landmarks per stride)"
    )


def decode(
    outputs: list[np.ndarray], input_hw: tuple[int, int], score_threshold: float, nms_threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Boxes (N,4 as x1,y1,x2,y2), landmarks (N,5,2) and scores (N,) in input pixels, after NMS."""
    strides, num_anchors = layout(len(outputs))
    fmc = len(strides)
    boxes, kpss, scores = [], [], []
    for i, stride in enumerate(strides):
        sc = outputs[i].reshape(-1)
        keep = np.where(sc >= score_threshold)[0]
        if keep.size == 0:
            continue
        centres = anchor_centres(input_hw[0], input_hw[1], stride, num_anchors)
        if centres.shape[0] != sc.shape[0]:
            raise PackError(
                f"SCRFD output for stride {stride} has {sc.shape[0]} scores, expected {centres.shape[0]}"
            )
        bb = outputs[i + fmc].reshape(-1, 4)[keep] * stride
        kp = outputs[i + 2 * fmc].reshape(-1, 10)[keep] * stride
        boxes.append(distance2bbox(centres[keep], bb))
        kpss.append(distance2kps(centres[keep], kp))
        scores.append(sc[keep])
    if not scores:
        return np.zeros((0, 4), np.float32), np.zeros((0, 5, 2), np.float32), np.zeros(0, np.float32)
    b, k, s = np.concatenate(boxes), np.concatenate(kpss), np.concatenate(scores)
    xywh = [[float(x1), float(y1), float(x2 - x1), float(y2 - y1)] for x1, y1, x2, y2 in b]
    idx = np.asarray(cv2.dnn.NMSBoxes(xywh, s.astype(float).tolist(), score_threshold, nms_threshold))
    idx = idx.reshape(-1).astype(int)
    return b[idx], k[idx], s[idx]


def _fixed_hw(shape: list[object]) -> tuple[int, int] | None:
    """The input's (height, width) when the export fixes both (an int each), else None."""
    if len(shape) == 4 and isinstance(shape[2], int) and isinstance(shape[3], int):
        return int(shape[2]), int(shape[3])
    return None


class ScrfdDetector:
    def __init__(
        self, path: Path, max_side: int = 640, score_threshold: float = 0.5, nms_threshold: float = 0.4,
        threads: int | None = None,
    ) -> None:  # fmt: skip
        self.name = f"scrfd:{path.name}"
        try:
            self._sess = create_session(path, threads)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise PackError(f"SCRFD detector {path} could not be loaded by onnxruntime: {exc}") from exc
        layout(len(self._sess.get_outputs()))
        inp = self._sess.get_inputs()[0]
        self._input = inp.name
        #: (height, width) of an export with a fixed input (``scrfd2onnx.py --shape 640``): frames are
        #: scaled into it and padded, as InsightFace does; None when the export takes any size
        self.fixed_hw = _fixed_hw(inp.shape)
        if self.fixed_hw is not None and max(self.fixed_hw) < max_side:
            log.warning(
                "SCRFD export %s takes a fixed %dx%d input only, smaller than det_max_side %d: frames "
                "are scaled down into it and small faces are lost (a 1080p frame's 30 px faces become "
                "10 px); use an export with a dynamic input size, as InsightFace's packs are",
                path.name, self.fixed_hw[1], self.fixed_hw[0], max_side,
            )  # fmt: skip
        self.max_side = max_side
        self.score_threshold, self.nms_threshold = score_threshold, nms_threshold
        self._lock = threading.Lock()

    def detect(self, image_bgr: np.ndarray) -> list[RawFace]:
        h, w = image_bgr.shape[:2]
        f = min(1.0, self.max_side / float(max(h, w)))
        if self.fixed_hw is not None:
            f = min(f, self.fixed_hw[0] / h, self.fixed_hw[1] / w)
        nh, nw = max(1, round(h * f)), max(1, round(w * f))
        ph, pw = self.fixed_hw or (-(-nh // 32) * 32, -(-nw // 32) * 32)
        nh, nw = min(nh, ph), min(nw, pw)
        canvas = np.zeros((ph, pw, 3), np.uint8)
        small = cv2.resize(image_bgr, (nw, nh), interpolation=cv2.INTER_AREA) if f < 1 else image_bgr
        canvas[:nh, :nw] = small
        blob = cv2.dnn.blobFromImage(canvas, 1.0 / 128.0, (pw, ph), (127.5, 127.5, 127.5), swapRB=True)
        with self._lock:
            outs = self._sess.run(None, {self._input: blob})
        boxes, kps, scores = decode(list(outs), (ph, pw), self.score_threshold, self.nms_threshold)
        return [
            RawFace(
                (float(b[0] / f), float(b[1] / f), float((b[2] - b[0]) / f), float((b[3] - b[1]) / f)),
                k.astype(np.float64) / f,
                float(s),
            )
            for b, k, s in zip(boxes, kps, scores, strict=True)
        ]
