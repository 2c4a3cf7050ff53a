"""The detector's input tensor: the frame scaled, normalised to [-1, 1], zero-padded to multiples of 32."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest

from recognizers.plates import PlateRecognizer

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("h", "w", "long_side"), [(720, 1280, 640), (37, 100, 384), (1080, 1920, 640)])
def test_prob_map_feeds_the_normalised_padded_frame(
    recognizer: PlateRecognizer, h: int, w: int, long_side: int
) -> None:
    det = recognizer.detector
    assert det is not None
    image = np.random.default_rng(h).integers(0, 256, (h, w, 3), dtype=np.uint8)
    seen: list[np.ndarray] = []
    session = det.session

    class Spy:
        def run(self, outputs: Any, feeds: dict[str, np.ndarray]) -> Any:
            seen.append(next(iter(feeds.values())))
            return session.run(outputs, feeds)

    det.session = Spy()  # type: ignore[assignment]
    try:
        prob, scale = det.prob_map(image, long_side)
    finally:
        det.session = session
    tensor = seen[0]
    nh, nw = prob.shape
    assert tensor.shape[:2] == (1, 3) and tensor.shape[2] % 32 == 0 and tensor.shape[3] % 32 == 0
    assert max(nh, nw) == long_side and abs(scale - nw / w) < 1e-9
    interp = cv2.INTER_AREA if long_side < max(h, w) else cv2.INTER_LINEAR
    resized = cv2.resize(image, (nw, nh), interpolation=interp).astype(np.float32)
    expected = (resized / 255.0 - 0.5) / 0.5  # PP-OCR's mean and std, BGR as the frame comes
    np.testing.assert_allclose(tensor[0, :, :nh, :nw], expected.transpose(2, 0, 1), atol=1e-6)
    assert not tensor[0, :, nh:, :].any() and not tensor[0, :, :, nw:].any()  # padding is 0 (grey)
