"""One recognizer behind a service: build, load, warm up, and turn image bytes into a response.

Everything here is blocking and runs in worker threads; the route only awaits it.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import cv2
import numpy as np

from recognizers.common.image import decode_image
from recognizers.service.config import Kind, RecognizerServiceSettings
from recognizers.service.errors import RoiOutsideImageError
from shared.protocols import FaceRecognizerProtocol, PlateRecognizerProtocol
from shared.schemas import BBox, FacesResponse, PlatesResponse

log = logging.getLogger(__name__)

RecognitionResponse = PlatesResponse | FacesResponse
R = TypeVar("R")
P = TypeVar("P")


def warmup_frame(width: int = 1280, height: int = 720) -> np.ndarray:
    """A synthetic road-like frame with a plate-like text block, so every model stage runs once."""
    rng = np.random.default_rng(0)
    frame = rng.integers(60, 140, size=(height, width, 3), dtype=np.uint8)
    x, y = width // 2 - 130, height // 2 - 28
    cv2.rectangle(frame, (x, y), (x + 260, y + 56), (245, 245, 245), -1)
    cv2.putText(frame, "AA 1234 BB", (x + 10, y + 42), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    return frame


class Engine(ABC, Generic[R, P]):
    """Holds one recognizer; ``ready`` turns true after load and warm-up."""

    kind: Kind

    def __init__(self, settings: RecognizerServiceSettings, recognizer: R | None = None) -> None:
        self.settings = settings
        self.limits = settings.limits
        self.recognizer = recognizer
        self.ready = False

    def load(self) -> None:
        """Build and load the model (raises ModelMissingError with the fix when a file is missing)."""
        if self.recognizer is None:
            started = time.perf_counter()
            self.recognizer = self._build()
            log.info("%s recognizer loaded in %.0f ms", self.kind, (time.perf_counter() - started) * 1e3)

    def warm_up(self) -> None:
        frame = warmup_frame()
        started = time.perf_counter()
        for _ in range(self.settings.warmup_runs):
            self._infer(frame, self.default_params)
        log.info("%s recognizer warmed up in %.0f ms", self.kind, (time.perf_counter() - started) * 1e3)
        self.ready = True

    def process(self, data: bytes, params: P, submitted: float) -> tuple[RecognitionResponse, int]:
        """Decode and recognise; returns the response and how many objects were found."""
        started = time.perf_counter()
        image = decode_image(data, self.limits)
        decoded = time.perf_counter()
        found, stages = self._infer(image, params)
        done = time.perf_counter()
        timings = {
            "queue": (started - submitted) * 1e3,
            "decode": (decoded - started) * 1e3,
            "infer": (done - decoded) * 1e3,
            **{f"infer_{name}": ms for name, ms in stages.items() if name != "total"},
        }
        return self._response(image, found, timings), len(found)

    @property
    def model(self) -> R:
        if self.recognizer is None:
            raise RuntimeError("the recognizer is not loaded")
        return self.recognizer

    @property
    @abstractmethod
    def default_params(self) -> P: ...

    @abstractmethod
    def _build(self) -> R: ...

    @abstractmethod
    def _infer(self, image: np.ndarray, params: P) -> tuple[list[Any], dict[str, float]]:
        """What the model found, and its own stage timings in ms when it reports them."""

    @abstractmethod
    def _response(
        self, image: np.ndarray, found: list[Any], timings: dict[str, float]
    ) -> RecognitionResponse: ...

    def info(self) -> dict[str, Any]:
        return {"kind": self.kind}


def clip_roi(roi: BBox, width: int, height: int) -> BBox:
    """The part of ``roi`` inside the image; RoiOutsideImageError when nothing is left."""
    x0, y0 = min(roi.x, width), min(roi.y, height)
    x1, y1 = min(roi.x + roi.w, width), min(roi.y + roi.h, height)
    if x1 <= x0 or y1 <= y0:
        raise RoiOutsideImageError(width, height)
    return BBox(x=x0, y=y0, w=x1 - x0, h=y1 - y0)


@dataclass(frozen=True)
class PlateParams:
    """What a plate request asks: a region of interest, and whether a frame with no plate found is
    looked at again, finer."""

    roi: BBox | None = None
    finer_look: bool = True


class PlatesEngine(Engine[PlateRecognizerProtocol, PlateParams]):
    kind: Kind = "plates"

    @property
    def default_params(self) -> PlateParams:
        return PlateParams()

    def _build(self) -> PlateRecognizerProtocol:
        from recognizers.plates import PlateRecognizer

        recognizer = PlateRecognizer(self.settings.plates)
        recognizer.load()
        return recognizer

    def _infer(self, image: np.ndarray, params: PlateParams) -> tuple[list[Any], dict[str, float]]:
        roi = clip_roi(params.roi, image.shape[1], image.shape[0]) if params.roi is not None else None
        return list(self.model.recognize(image, roi, params.finer_look)), {}

    def _response(
        self, image: np.ndarray, found: list[Any], timings: dict[str, float]
    ) -> RecognitionResponse:
        return PlatesResponse(
            plates=found, image_width=image.shape[1], image_height=image.shape[0], timings_ms=timings
        )


class FacesEngine(Engine[FaceRecognizerProtocol, bool]):
    kind: Kind = "faces"

    @property
    def default_params(self) -> bool:
        return True

    def _build(self) -> FaceRecognizerProtocol:
        from recognizers.faces import FaceRecognizer

        recognizer = FaceRecognizer(self.settings.faces)
        recognizer.load()
        return recognizer

    def _infer(self, image: np.ndarray, params: bool) -> tuple[list[Any], dict[str, float]]:
        timed = getattr(self.model, "analyze_timed", None)
        if timed is not None:
            faces, stages = timed(image, embeddings=params)
            return list(faces), dict(stages)
        return list(self.model.analyze(image, embeddings=params)), {}

    def _response(
        self, image: np.ndarray, found: list[Any], timings: dict[str, float]
    ) -> RecognitionResponse:
        return FacesResponse(
            faces=found,
            image_width=image.shape[1],
            image_height=image.shape[0],
            model_pack=self.model.pack_name,
            embedding_dim=self.model.embedding_dim,
            timings_ms=timings,
        )

    def info(self) -> dict[str, Any]:
        if self.recognizer is None:
            return {"kind": self.kind}
        return {
            "kind": self.kind,
            "model_pack": self.model.pack_name,
            "embedding_dim": self.model.embedding_dim,
        }


def make_engine(kind: Kind, settings: RecognizerServiceSettings, recognizer: Any = None) -> Engine[Any, Any]:
    engines: dict[str, type[Engine[Any, Any]]] = {"plates": PlatesEngine, "faces": FacesEngine}
    if kind not in engines:
        raise ValueError(f"unknown recognizer kind {kind!r}; expected 'plates' or 'faces'")
    return engines[kind](settings, recognizer)
