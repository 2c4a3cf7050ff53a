"""Face recognizer settings (env prefix ``VARTA_FACES__``, e.g. ``VARTA_FACES__DET_MAX_SIDE=960``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FaceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VARTA_FACES__", env_nested_delimiter="__", extra="forbid")

    pack: Literal["yunet-sface", "insightface"] = Field(
        default="yunet-sface",
        description="yunet-sface: YuNet + SFace from the model cache (MIT / Apache-2.0, the default). "
        "insightface: SCRFD det_*.onnx + ArcFace *.onnx from pack_dir, or without pack_dir buffalo_l's "
        "two files from the model cache (`varta models pull buffalo_l-det buffalo_l-rec`, checksummed); "
        "non-commercial licence: a deployment that may use it asks for it, Varta never downloads it by "
        "default.",
    )
    pack_dir: Path | None = Field(
        default=None, description="folder of an InsightFace-format pack (unset: buffalo_l from the cache)"
    )
    models_dir: Path | None = Field(default=None, description="model cache (default: VARTA_MODELS_DIR)")
    det_max_side: int = Field(
        default=1280, ge=160, le=4096,
        description="the detector sees the frame scaled so its long side is at most this; 1280 finds "
        "30 px faces in 1080p frames, 960 is faster and finds most of them",
    )  # fmt: skip
    yunet_backend: Literal["onnxruntime", "opencv"] = Field(
        default="onnxruntime", description="YuNet runtime: onnxruntime (faster) or OpenCV's FaceDetectorYN"
    )
    det_score_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    nms_threshold: float = Field(default=0.3, ge=0.0, le=1.0)
    min_face_px: float = Field(
        default=12.0, ge=0.0, description="detections narrower than this (full-frame pixels) are dropped"
    )
    min_quality: float = Field(
        default=0.2, ge=0.0, le=1.0,
        description="faces below this quality are returned (with their quality) but never embedded",
    )  # fmt: skip
    max_faces: int = Field(default=64, ge=1, description="at most this many faces per frame, best first")
    warmup: bool = Field(default=True, description="run one 1080p frame through the pack in load()")
    threads: int | None = Field(default=None, ge=1, description="inference threads (default: all cores)")
