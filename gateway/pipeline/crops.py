"""Evidence images cut from a decoded frame (blocking: call from a worker thread)."""

from __future__ import annotations

import numpy as np

from recognizers.common.image import encode_jpeg
from shared.schemas import BBox


def crop(image: np.ndarray, box: BBox, margin: float = 0.15) -> np.ndarray:
    """The box plus a margin on every side, clipped to the image."""
    h, w = image.shape[:2]
    mx, my = int(box.w * margin), int(box.h * margin)
    x0, y0 = max(0, box.x - mx), max(0, box.y - my)
    x1, y1 = min(w, box.x + box.w + mx), min(h, box.y + box.h + my)
    if x1 <= x0 or y1 <= y0:
        return image[0:1, 0:1]
    return image[y0:y1, x0:x1]


def crop_jpeg(image: np.ndarray, box: BBox, margin: float = 0.15, quality: int = 90) -> bytes:
    return encode_jpeg(np.ascontiguousarray(crop(image, box, margin)), quality)
