"""Pydantic schemas shared by the recognizers, the gateway and the ingest agent."""

from shared.schemas.common import BBox, ErrorBody
from shared.schemas.recognition import (
    FaceDetection,
    FaceQuality,
    FacesResponse,
    PlateCandidate,
    PlateRead,
    PlatesResponse,
    RegionInfo,
)

__all__ = [
    "BBox",
    "ErrorBody",
    "FaceDetection",
    "FaceQuality",
    "FacesResponse",
    "PlateCandidate",
    "PlateRead",
    "PlatesResponse",
    "RegionInfo",
]
