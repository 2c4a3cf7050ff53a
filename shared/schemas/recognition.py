"""What the plate and face recognizers return (in-process and over HTTP alike)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.schemas.common import BBox


class RegionInfo(BaseModel):
    """Region decoded from a plate prefix."""

    code: str = Field(description="Prefix as printed, Latin look-alike form, e.g. 'AA'")
    name_uk: str
    name_en: str


class PlateCandidate(BaseModel):
    text: str
    confidence: float = Field(ge=0.0, le=1.0)


class PlateRead(BaseModel):
    """One plate found in one image."""

    text: str = Field(description="Normalised text: upper case, Latin look-alikes, no separators")
    raw_text: str = Field(description="What the OCR read before correction and normalisation")
    format: str = Field(description="Plate format id from shared.plate_grammar, or 'unknown'")
    region: RegionInfo | None = None
    confidence: float = Field(ge=0.0, le=1.0)
    char_confidences: list[float] = Field(default_factory=list)
    candidates: list[PlateCandidate] = Field(
        default_factory=list, description="Next-best readings, best first (the chosen text excluded)"
    )
    bbox: BBox
    lines: int = Field(default=1, description="1 for a one-line plate, 2 for a two-line plate")


class PlatesResponse(BaseModel):
    plates: list[PlateRead]
    image_width: int
    image_height: int
    timings_ms: dict[str, float] = Field(default_factory=dict)


class FaceQuality(BaseModel):
    score: float = Field(ge=0.0, le=1.0, description="Combined quality, 0 = unusable, 1 = ideal")
    size_px: float = Field(description="Inter-ocular-based face width estimate in pixels")
    sharpness: float = Field(description="Variance of the Laplacian of the aligned crop")
    yaw_deg: float
    pitch_deg: float
    roll_deg: float


class FaceDetection(BaseModel):
    bbox: BBox
    landmarks: list[tuple[float, float]] = Field(
        description="Five points: right eye, left eye, nose tip, right mouth corner, left mouth corner"
    )
    det_score: float
    quality: FaceQuality
    embedding: list[float] | None = Field(default=None, description="L2-normalised identity vector")


class FacesResponse(BaseModel):
    faces: list[FaceDetection]
    image_width: int
    image_height: int
    model_pack: str
    embedding_dim: int
    timings_ms: dict[str, float] = Field(default_factory=dict)
