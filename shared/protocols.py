"""Interfaces that several parts implement or call."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from shared.schemas import BBox, FaceDetection, PlateRead


class PlateRecognizerProtocol(Protocol):
    def recognize(
        self, image: np.ndarray, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]:
        """Find and read every plate in a BGR uint8 image (``finer_look``: look again, finer, when the
        first look finds no plate)."""
        ...


class FaceRecognizerProtocol(Protocol):
    embedding_dim: int
    pack_name: str

    def analyze(self, image: np.ndarray, embeddings: bool = True) -> list[FaceDetection]:
        """Detect, align, score and (optionally) embed every face in a BGR uint8 image."""
        ...
