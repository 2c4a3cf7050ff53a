"""The shipped text detector carries denormal weights; the session factory flushes them and the
detector's probability map stays bit-identical to the model run as shipped."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from recognizers.common.ort import flush_denormals
from recognizers.models import model_path
from recognizers.plates import PlateRecognizer
from recognizers.synth import render_plate

pytestmark = pytest.mark.slow


def test_shipped_detector_has_denormal_weights() -> None:
    # the reason for the flush: if a new model version has none, the factory passes it through untouched
    assert flush_denormals(onnx.load(str(model_path("ppocr-v6-det-small")))) > 100_000


def test_flushed_detector_map_equals_the_shipped_model(recognizer: PlateRecognizer) -> None:
    assert recognizer.detector is not None
    plate = render_plate(7, layout="current", height_range=(40, 60))
    prob, _ = recognizer.detector.prob_map(plate.image_bgr)
    shipped = ort.InferenceSession(str(model_path("ppocr-v6-det-small")), providers=["CPUExecutionProvider"])
    original = recognizer.detector.session
    try:
        recognizer.detector.session = shipped
        expected, _ = recognizer.detector.prob_map(plate.image_bgr)
    finally:
        recognizer.detector.session = original
    assert prob.max() > 0.5  # the plate's text is on the map
    np.testing.assert_allclose(prob, expected, atol=1e-6)
