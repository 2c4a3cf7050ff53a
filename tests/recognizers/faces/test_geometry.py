"""Alignment, pose and decoders: pure functions, no models."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recognizers.faces.align import ARCFACE_TEMPLATE, align_matrix, norm_crop, umeyama
from recognizers.faces.base import PackError
from recognizers.faces.detect_scrfd import anchor_centres, decode, layout
from recognizers.faces.quality import estimate_pose, score


def similarity(points: np.ndarray, angle_deg: float, scale: float, shift: tuple[float, float]) -> np.ndarray:
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return points @ (scale * rot).T + np.array(shift)


def test_umeyama_recovers_a_similarity() -> None:
    src = ARCFACE_TEMPLATE
    dst = similarity(src, 23.0, 0.4, (300.0, 120.0))
    m = umeyama(src, dst)
    back = src @ m[:, :2].T + m[:, 2]
    assert np.allclose(back, dst, atol=1e-9)
    assert math.isclose(math.hypot(m[0, 0], m[1, 0]), 0.4, rel_tol=1e-9)


def test_align_maps_landmarks_onto_the_template() -> None:
    lm = similarity(ARCFACE_TEMPLATE, -12.0, 0.3, (800.0, 500.0))  # a 30 px-ish face in a big frame
    m = align_matrix(lm)
    assert np.allclose(lm @ m[:, :2].T + m[:, 2], ARCFACE_TEMPLATE, atol=1e-6)
    img = np.zeros((1080, 1920, 3), np.uint8)
    x, y = lm[2].round().astype(int)
    img[y - 1 : y + 2, x - 1 : x + 2] = 255  # a dot on the nose
    crop = norm_crop(img, lm)
    assert crop.shape == (112, 112, 3)
    ys, xs = np.nonzero(crop[..., 0])
    assert abs(xs.mean() - ARCFACE_TEMPLATE[2, 0]) < 3 and abs(ys.mean() - ARCFACE_TEMPLATE[2, 1]) < 3


def test_pose_from_landmarks() -> None:
    yaw, pitch, roll = estimate_pose(ARCFACE_TEMPLATE)
    assert abs(yaw) < 1 and abs(pitch) < 1 and abs(roll) < 1
    _, _, roll20 = estimate_pose(similarity(ARCFACE_TEMPLATE, 20.0, 2.0, (10, 10)))
    assert roll20 - roll == pytest.approx(20.0, abs=0.01)  # the template's eyes are 0.3 deg off level
    turned = ARCFACE_TEMPLATE.copy()
    turned[2, 0] += 12  # nose towards the image right
    assert estimate_pose(turned)[0] > 25
    up = ARCFACE_TEMPLATE.copy()
    up[2, 1] -= 8  # nose closer to the eyes: looking up
    assert estimate_pose(up)[1] > 15


def test_quality_score_bounds_and_order() -> None:
    assert score(100, 500, 0, 0) == pytest.approx(1.0)
    assert score(5, 500, 0, 0) == 0.0 and score(100, 2, 0, 0) == 0.0 and score(100, 500, 80, 0) == 0.0
    assert score(30, 40, 0, 0) < score(60, 40, 0, 0) < score(60, 100, 0, 0)
    assert score(60, 100, 40, 0) < score(60, 100, 10, 0)


def test_scrfd_anchor_layout() -> None:
    c = anchor_centres(64, 96, 16, 2)
    assert c.shape == (4 * 6 * 2, 2)
    assert c[0].tolist() == [0, 0] and c[1].tolist() == [0, 0] and c[2].tolist() == [16, 0]
    assert c[12].tolist() == [0, 16]  # second row starts after 6 centres x 2 anchors
    with pytest.raises(PackError, match="not an SCRFD"):
        layout(6)


def _scrfd_outputs(h: int, w: int) -> list[np.ndarray]:
    scores, boxes, kps = [], [], []
    for s in (8, 16, 32):
        n = (h // s) * (w // s) * 2
        scores.append(np.zeros((n, 1), np.float32))
        boxes.append(np.zeros((n, 4), np.float32))
        kps.append(np.zeros((n, 10), np.float32))
    return scores + boxes + kps


def test_scrfd_decode_box_landmarks_and_nms() -> None:
    h, w = 64, 96
    out = _scrfd_outputs(h, w)
    cols = w // 8
    i = (2 * cols + 3) * 2  # stride 8, row 2, col 3, first anchor: centre (24, 16)
    out[0][i] = 0.9
    out[3][i] = [1.0, 1.0, 2.0, 3.0]  # distances to left, top, right, bottom, in strides
    out[6][i] = [-0.5, -0.5, 0.5, -0.5, 0, 0, -0.5, 0.5, 0.5, 0.5]
    out[0][i + 1] = 0.8  # second anchor of the same centre: same box, lower score -> suppressed
    out[3][i + 1] = [1.0, 1.0, 2.0, 3.0]
    j = (1 * (w // 32) + 2) * 2  # stride 32, row 1, col 2: centre (64, 32), a separate face
    out[2][j] = 0.7
    out[5][j] = [0.5, 0.5, 0.5, 0.5]
    boxes, lms, scores = decode(out, (h, w), 0.5, 0.4)
    assert scores.tolist() == pytest.approx([0.9, 0.7])
    assert boxes[0].tolist() == pytest.approx([16, 8, 40, 40])
    assert lms[0][0].tolist() == pytest.approx([20, 12]) and lms[0][4].tolist() == pytest.approx([28, 20])
    assert boxes[1].tolist() == pytest.approx([48, 16, 80, 48])
    empty = decode(_scrfd_outputs(h, w), (h, w), 0.5, 0.4)
    assert empty[0].shape == (0, 4)
