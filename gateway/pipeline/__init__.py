"""The frame pipeline: recognizers, pass grouping, matching, sightings, alerts, evidence."""

from gateway.pipeline.processor import FrameProcessor, FrameSubmission
from gateway.pipeline.schemas import AlertRef, FaceResult, FrameReceipt, FrameResult, PlateResult, SkipReason

__all__ = [
    "AlertRef",
    "FaceResult",
    "FrameProcessor",
    "FrameReceipt",
    "FrameResult",
    "FrameSubmission",
    "PlateResult",
    "SkipReason",
]
