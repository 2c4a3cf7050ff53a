"""The verification metrics of the face benchmark (LFW protocol)."""

from __future__ import annotations

import numpy as np
import pytest

from recognizers.bench.faces import best_threshold, cv_accuracy, tar_at_far


def test_separable_scores_give_full_accuracy() -> None:
    rng = np.random.default_rng(0)
    same = np.array([True, False] * 300)
    scores = np.where(same, rng.uniform(0.5, 1.0, 600), rng.uniform(-0.2, 0.4, 600))
    acc, thr = cv_accuracy(scores, same)
    assert acc == 1.0 and 0.4 < thr <= 0.5
    assert tar_at_far(scores, same, 1e-3) == 1.0


def test_overlap_costs_accuracy_and_tar() -> None:
    same = np.array([True] * 10 + [False] * 10)
    scores = np.array([0.9] * 8 + [0.1, 0.2] + [0.0] * 9 + [0.95])  # two weak genuines, one strong impostor
    acc, _ = cv_accuracy(scores, same, folds=5)
    assert acc == pytest.approx(0.85, abs=0.1)
    assert tar_at_far(scores, same, 1e-3) == 0.0  # nothing above the strong impostor
    assert tar_at_far(scores, same, 0.1) == 1.0  # one impostor of ten may pass: threshold drops to 0
    assert best_threshold(scores, same) == pytest.approx(0.05)  # 19 of 20 right
