from __future__ import annotations

import uuid

import numpy as np
import pytest

from gateway.faceindex import FacePoint


def face_like(
    n_ids: int, copies: int, dim: int, seed: int = 0, noise: float = 0.6
) -> tuple[np.ndarray, np.ndarray]:
    """Identity centres plus noisy copies, L2-normalised (cosine of copies to centre ~0.85)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_ids, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    labels = np.repeat(np.arange(n_ids), copies)
    x = centres[labels] + noise / np.sqrt(dim) * rng.standard_normal((len(labels), dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x.astype(np.float32), labels


def make_points(x: np.ndarray, labels: np.ndarray, watchlists: int = 3) -> list[FacePoint]:
    ns = uuid.UUID("6a0f5c1e-0000-4000-8000-000000000000")
    return [
        FacePoint(
            str(uuid.uuid5(ns, str(i))), x[i], f"wl{int(lab) % watchlists}", f"entry{int(lab)}", f"photo{i}"
        )
        for i, lab in enumerate(labels)
    ]


@pytest.fixture
def points_128() -> tuple[np.ndarray, list[FacePoint]]:
    x, labels = face_like(60, 4, 128)
    return x, make_points(x, labels)
