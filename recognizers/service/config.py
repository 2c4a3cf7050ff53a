"""Settings of a recognizer service: ``VARTA_RECOGNIZER__*`` plus the embedded recognizer settings."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from recognizers.common.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, ImageLimits
from recognizers.faces.settings import FaceSettings
from recognizers.plates.settings import PlateSettings

Kind = Literal["plates", "faces"]
DEFAULT_PORTS: dict[str, int] = {"plates": 8001, "faces": 8002}


class RecognizerServiceSettings(BaseSettings):
    """One recognizer as an HTTP service.

    Environment: ``VARTA_RECOGNIZER__HOST``, ``..._PORT``, ``..._MAX_BYTES``, ``..._MAX_PIXELS``,
    ``..._MAX_CONCURRENCY``, ``..._MAX_QUEUE``, ``..._RETRY_AFTER_S``, ``..._BODY_TIMEOUT_S``,
    ``..._WARMUP_RUNS``; the models'
    own knobs as ``VARTA_RECOGNIZER__PLATES__DET_LONG_SIDE`` or, equally, ``VARTA_PLATES__DET_LONG_SIDE``.
    """

    model_config = SettingsConfigDict(
        env_prefix="VARTA_RECOGNIZER__", env_nested_delimiter="__", extra="forbid"
    )

    host: str = Field(default="127.0.0.1", description="address to listen on")
    port: int | None = Field(
        default=None, ge=1, le=65535, description="port; default 8001 for plates, 8002 for faces"
    )
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1, description="largest accepted image, in bytes")
    max_pixels: int = Field(
        default=DEFAULT_MAX_PIXELS, ge=1, description="largest accepted width x height, read from the header"
    )
    max_concurrency: int = Field(default=2, ge=1, description="images decoded and recognised at once")
    max_queue: int = Field(
        default=4, ge=0, description="requests that may wait for a slot; beyond that: 503 + Retry-After"
    )
    retry_after_s: int = Field(default=1, ge=1, description="Retry-After seconds on 503")
    body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="longest wait for a request's body once admitted; a slower client gets 408 and "
        "its place is freed (a stalled upload must not hold one of the few places for ever)",
    )
    warmup_runs: int = Field(default=2, ge=0, description="inferences on a synthetic frame before ready")
    plates: PlateSettings = Field(default_factory=PlateSettings)
    faces: FaceSettings = Field(default_factory=FaceSettings)

    @property
    def limits(self) -> ImageLimits:
        return ImageLimits(max_bytes=self.max_bytes, max_pixels=self.max_pixels)

    def port_for(self, kind: Kind) -> int:
        return self.port or DEFAULT_PORTS[kind]
