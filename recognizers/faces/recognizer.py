"""FaceRecognizer: detect, align, score quality and embed every face in a BGR frame.

Faces whose quality is below ``settings.min_quality`` are returned with their quality and
``embedding=None``: they are reported (a person can see them) but never embedded, so they can never
be matched or enrolled from a poor crop. Detections narrower than ``min_face_px`` are dropped.
"""

from __future__ import annotations

import logging
import time

import cv2
import numpy as np

from recognizers.faces.align import norm_crop
from recognizers.faces.base import RawFace
from recognizers.faces.packs import Pack, load_pack
from recognizers.faces.quality import assess
from recognizers.faces.settings import FaceSettings
from shared.schemas import BBox, FaceDetection, FaceQuality

log = logging.getLogger(__name__)


class FaceRecognizer:
    """Implements ``shared.protocols.FaceRecognizerProtocol``. Call :meth:`load` before use."""

    def __init__(self, settings: FaceSettings | None = None) -> None:
        self.settings = settings or FaceSettings()
        self._pack: Pack | None = None
        self.pack_name: str = self.settings.pack
        self.embedding_dim = 0

    @property
    def ready(self) -> bool:
        return self._pack is not None

    def load(self) -> None:
        """Load the pack (raises ModelMissingError / PackError with a fix) and warm it up."""
        if self.settings.threads:
            cv2.setNumThreads(self.settings.threads)
        pack = load_pack(self.settings)
        self.pack_name = pack.name
        self.embedding_dim = pack.embedder.dim
        if self.settings.warmup:
            pack.detector.detect(np.full((1080, 1920, 3), 127, np.uint8))
            pack.embedder.embed(np.full((112, 112, 3), 127, np.uint8))
        self._pack = pack
        log.info(
            "face pack %s loaded (%s + %s, %d-d)",
            pack.name,
            pack.detector.name,
            pack.embedder.name,
            pack.embedder.dim,
        )

    def analyze(self, image_bgr: np.ndarray, embeddings: bool = True) -> list[FaceDetection]:
        return self.analyze_timed(image_bgr, embeddings)[0]

    def analyze_timed(
        self, image_bgr: np.ndarray, embeddings: bool = True
    ) -> tuple[list[FaceDetection], dict[str, float]]:
        """Faces, best detection score first, and per-stage milliseconds (detect, align_quality, embed)."""
        if self._pack is None:
            raise RuntimeError("FaceRecognizer.load() has not been called")
        image = _as_bgr(image_bgr)
        t0 = time.perf_counter()
        raw = self._pack.detector.detect(image)
        t1 = time.perf_counter()
        raw = [r for r in raw if r.box[2] >= self.settings.min_face_px]
        raw.sort(key=lambda r: -r.score)
        faces, t_embed = [], 0.0
        for r in raw[: self.settings.max_faces]:
            crop = norm_crop(image, r.landmarks)
            quality = assess(r.landmarks, crop)
            vec = None
            if embeddings and quality.score >= self.settings.min_quality:
                te = time.perf_counter()
                vec = self._pack.embedder.embed(crop).tolist()
                t_embed += time.perf_counter() - te
            faces.append(_detection(r, image.shape, quality, vec))
        t2 = time.perf_counter()
        timings = {
            "detect": (t1 - t0) * 1000,
            "align_quality": (t2 - t1 - t_embed) * 1000,
            "embed": t_embed * 1000,
            "total": (t2 - t0) * 1000,
        }
        return faces, {k: round(v, 2) for k, v in timings.items()}

    def embed_aligned(self, aligned_bgr: np.ndarray) -> np.ndarray:
        """Embedding of an already aligned 112x112 crop (for benchmarks and enrolment tools)."""
        if self._pack is None:
            raise RuntimeError("FaceRecognizer.load() has not been called")
        return self._pack.embedder.embed(aligned_bgr)


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected a BGR uint8 image, got shape {image.shape} dtype {image.dtype}")
    return image


def _detection(
    r: RawFace, shape: tuple[int, ...], quality: FaceQuality, vec: list[float] | None
) -> FaceDetection:
    h, w = shape[:2]
    x, y, bw, bh = r.box
    x0, y0 = max(0, round(x)), max(0, round(y))
    x1, y1 = min(w, round(x + bw)), min(h, round(y + bh))
    return FaceDetection(
        bbox=BBox(x=x0, y=y0, w=max(0, x1 - x0), h=max(0, y1 - y0)),
        landmarks=[(round(float(px), 2), round(float(py), 2)) for px, py in r.landmarks],
        det_score=round(r.score, 4),
        quality=quality,
        embedding=vec,
    )
