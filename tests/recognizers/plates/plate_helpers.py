"""Hand-built boxes and reads for the plate pipeline's geometry and assembly tests."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from recognizers.models import ModelMissingError, model_path
from recognizers.plates import PlateRecognizer, PlateSettings
from recognizers.plates.reader import TextRead
from shared.schemas import BBox


def loaded_or_skip(settings: PlateSettings) -> PlateRecognizer:
    """A plate recognizer with ``settings``, loaded; the test is skipped when a model is not in the cache."""
    try:
        model_path(settings.det_model)
        model_path(settings.rec_model)
    except ModelMissingError as exc:
        pytest.skip(f"plate models not in the cache: {exc}")
    rec = PlateRecognizer(settings)
    rec.load()
    return rec


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """An axis-aligned (tl, tr, br, bl) box."""
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def rotated(points: np.ndarray, degrees: float, centre: tuple[float, float] = (130.0, 130.0)) -> np.ndarray:
    """Box corners rotated ``degrees`` about ``centre`` (a plate rolled in the image)."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    c = np.array(centre, np.float32)
    return ((points - c) @ rot.T + c).astype(np.float32)


def text_read(
    text: str, conf: list[float] | None = None, raw: str | None = None, at: list[float] | None = None
) -> TextRead:
    """A read of ``text``, each character sure (0.99) unless ``conf`` says otherwise, no alternatives;
    ``at``: each character's centre, 0..1 of the crop's width."""
    conf = conf or [0.99] * len(text)
    alts = [[(c, p)] for c, p in zip(text, conf, strict=True)]
    return TextRead(text, raw or text, conf, alts, char_x=at or [])


def map_sizes(recognizer: PlateRecognizer, image: np.ndarray, roi: BBox | None = None) -> list[int]:
    """The long side of every probability map the recognizer computes for one frame."""
    det = recognizer.detector
    assert det is not None
    sizes: list[int] = []
    prob_map = det.prob_map

    def spy(image_bgr: np.ndarray, long_side: int | None = None) -> Any:
        prob, scale = prob_map(image_bgr, long_side)
        sizes.append(max(prob.shape))
        return prob, scale

    det.prob_map = spy  # type: ignore[method-assign]
    try:
        recognizer.recognize(image, roi)
    finally:
        del det.prob_map
    return sizes


@contextmanager
def settings_of(recognizer: PlateRecognizer, settings: PlateSettings) -> Iterator[PlateRecognizer]:
    """The module's loaded recognizer with other settings for the block; its own restored after."""
    own = recognizer.settings
    recognizer.settings = settings
    try:
        yield recognizer
    finally:
        recognizer.settings = own
