"""One loaded plate recognizer (real models) per test module that asks for it."""

from __future__ import annotations

import pytest

from recognizers.models import ModelMissingError, model_path
from recognizers.plates import PlateRecognizer, PlateSettings


@pytest.fixture(scope="module")
def recognizer() -> PlateRecognizer:
    try:
        model_path("ppocr-v6-det-small")
        model_path("ppocr-v6-rec-small")
    except ModelMissingError as exc:
        pytest.skip(f"plate models not in the cache: {exc}")
    rec = PlateRecognizer(PlateSettings())
    rec.load()
    return rec
