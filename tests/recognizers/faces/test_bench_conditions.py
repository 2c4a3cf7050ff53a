"""The camera conditions of the face benchmark: repeatable degradations, and the matched shares."""

from __future__ import annotations

import numpy as np
import pytest

from gateway.config import MatchSettings
from recognizers.bench import face_conditions as fc


def roughness(img: np.ndarray, axis: int) -> float:
    """Mean difference between neighbouring pixels along ``axis`` (0: down, 1: across)."""
    return float(np.abs(np.diff(img.astype(int), axis=axis)).mean())


@pytest.fixture
def photo() -> np.ndarray:
    rng = np.random.default_rng(3)
    img = rng.integers(40, 220, size=(250, 250, 3), dtype=np.uint8)
    img[80:170, 90:160] = (90, 140, 200)  # a skin-coloured block, so colour matters
    return img


@pytest.mark.parametrize("name", list(fc.CONDITIONS))
def test_each_condition_keeps_the_shape_and_repeats(name: str, photo: np.ndarray) -> None:
    degrade = fc.CONDITIONS[name]
    a, b = degrade(photo.copy(), 7), degrade(photo.copy(), 7)
    assert a.shape == photo.shape and a.dtype == np.uint8
    assert np.array_equal(a, b)


def test_the_conditions_do_what_they_say(photo: np.ndarray) -> None:
    grey = fc.greyscale(photo)
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])
    ir = fc.infrared(photo, 1)
    assert np.abs(ir[..., 0].astype(int) - ir[..., 2]).max() == 0
    assert fc.dark(photo, 1).mean() < 0.5 * photo.mean()
    assert roughness(fc.small(photo), 1) < roughness(photo, 1) / 2
    assert not np.array_equal(fc.jpeg20(photo), photo)
    blurred = fc.motion_blur(photo)
    assert roughness(blurred, 1) < roughness(blurred, 0) / 2  # blurred sideways only
    assert fc.dark(photo, 1).tolist() != fc.dark(photo, 2).tolist()  # the seed is the noise's


def test_matched_shares_count_pairs_and_missing_faces() -> None:
    e = {n: np.array(v, np.float32) for n, v in {"a": [1, 0], "b": [0.8, 0.6], "c": [0, 1]}.items()}
    probes: dict[str, np.ndarray | None] = {"a": e["a"], "b": e["b"], "c": None}
    pairs = [
        {"file_a": "a", "file_b": "b", "same": "1"},  # 0.8: a match
        {"file_a": "a", "file_b": "c", "same": "1"},  # no face in the probe: no match
        {"file_a": "b", "file_b": "a", "same": "0"},  # 0.8: a false match
        {"file_a": "c", "file_b": "a", "same": "0"},  # 0.0
    ]
    assert fc.matched_shares(e, probes, pairs) == {
        "same_matched": 0.5,
        "different_matched": 0.5,
        "photos_without_embedding": 1,
    }
    assert fc.matched_shares(e, probes, pairs, threshold=0.9)["same_matched"] == 0.0


def test_the_threshold_is_the_gateways_default() -> None:
    assert MatchSettings().face_threshold == fc.GATEWAY_THRESHOLD
