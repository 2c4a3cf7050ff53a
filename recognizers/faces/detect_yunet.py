"""YuNet (opencv_zoo, MIT) through ``cv2.FaceDetectorYN``.

OpenCV runs YuNet at any input size (onnxruntime would need the file's fixed 640x640 input and
tiling); measured on 2 cores, OpenCV 5.0: see the README. The frame is scaled down to
``max_side`` first; boxes and landmarks come back in full-frame pixels.
"""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np

from recognizers.faces.base import PackError, RawFace, downscale


class YuNetDetector:
    name = "yunet-2023mar"

    def __init__(
        self, path: Path, max_side: int = 1280, score_threshold: float = 0.6, nms_threshold: float = 0.3,
        top_k: int = 5000,
    ) -> None:  # fmt: skip
        try:
            self._det = cv2.FaceDetectorYN.create(
                str(path), "", (320, 320), score_threshold, nms_threshold, top_k
            )
        except cv2.error as exc:
            raise PackError(f"YuNet model {path} could not be loaded by OpenCV: {exc}") from exc
        self.max_side = max_side
        self._size: tuple[int, int] = (320, 320)
        self._lock = threading.Lock()

    def detect(self, image_bgr: np.ndarray) -> list[RawFace]:
        small, f = downscale(image_bgr, self.max_side)
        size = (small.shape[1], small.shape[0])
        with self._lock:
            if size != self._size:
                self._det.setInputSize(size)
                self._size = size
            _, out = self._det.detect(small)
        if out is None:
            return []
        faces = []
        for row in out:
            x, y, w, h = (float(v) / f for v in row[:4])
            lm = row[4:14].astype(np.float64).reshape(5, 2) / f
            faces.append(RawFace((x, y, w, h), lm, float(row[14])))
        return faces
