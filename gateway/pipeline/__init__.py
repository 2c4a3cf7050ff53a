"""The frame pipeline: recognizers, pass grouping, matching, sightings, alerts, evidence."""

from gateway.pipeline.processor import FrameProcessor, FrameSubmission
from gateway.pipeline.schemas import AlertRef, FaceResult, FrameResult, PlateResult, SkipReason

__all__ = [
    "AlertRef",
    "FaceResult",
    "FrameProcessor",
    "FrameResult",
    "FrameSubmission",
    "PlateResult",
    "SkipReason",
]
