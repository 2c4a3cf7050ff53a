"""One loaded plate recognizer (real models) per test module that asks for it."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from recognizers.plates import PlateRecognizer, PlateSettings
from recognizers.synth import SynthPlate

sys.path.insert(0, str(Path(__file__).parent))  # plate_helpers, shared by the modules of this folder

from plate_helpers import loaded_or_skip, settings_of  # found through the path just set


@pytest.fixture(scope="module")
def recognizer() -> PlateRecognizer:
    return loaded_or_skip(PlateSettings())


ReadCount = Callable[[PlateRecognizer, list[SynthPlate], PlateSettings | None], int]


@pytest.fixture
def read_count() -> ReadCount:
    """How many rendered plates a recognizer reads exactly, with other settings if given."""
    return _read_count


def _read_count(
    recognizer: PlateRecognizer, samples: list[SynthPlate], settings: PlateSettings | None
) -> int:
    """The recognizer's own settings are restored afterwards."""
    with settings_of(recognizer, settings or recognizer.settings):
        return sum(any(p.text == s.text for p in recognizer.recognize(s.image_bgr)) for s in samples)
