"""Camera models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.schemas import BBox
from shared.validation_uk import invalid

SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
EXAMPLE: dict[str, Any] = {
    "id": "gate-north",
    "name": "North entrance",
    "village": "Bilohorodka",
    "road": "T1001",
    "direction": "inbound",
    "lat": 50.399,
    "lon": 30.214,
    "plates_enabled": True,
    "faces_enabled": False,
    "enabled": True,
    "roi": "0,300,1920,780",
    "resident_visible": False,
}


MAX_FRAME_SIDE = 16_384  # px a side: larger than any camera's frame; an ROI beyond it is a mistake


def _roi(v: str | None) -> str | None:
    """An ROI set through the API: four numbers within the largest frame (a stored one is shown as is)."""
    if v is None or v == "":
        return None
    try:
        b = BBox.parse_csv(v)
    except ValueError:
        raise invalid(
            "must be four non-negative integers 'x,y,w,h' with positive w and h",
            "має бути чотирма невід'ємними цілими числами 'x,y,w,h' з додатними w і h",
        ) from None
    side = MAX_FRAME_SIDE
    if b.x + b.w > side or b.y + b.h > side:
        raise invalid(
            f"must lie within {side}x{side} pixels: x+w and y+h at most {side}",
            f"має лежати в межах {side}x{side} пікселів: x+w і y+h не більше {side}",
        )
    return f"{b.x},{b.y},{b.w},{b.h}"


class CameraFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    village: str = Field(default="", max_length=200)
    road: str = Field(default="", max_length=200)
    direction: str = Field(default="", max_length=100)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    plates_enabled: bool = True
    faces_enabled: bool = Field(
        default=False, description="face detection; live matching also needs a face authorisation"
    )
    enabled: bool = True
    roi: str | None = Field(default=None, description="region of interest 'x,y,w,h' in pixels")
    resident_visible: bool = Field(default=False, description="residents may list and view it")


class CameraCreate(CameraFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    id: str = Field(pattern=SLUG, description="slug: lower-case letters, digits, - and _")

    _check_roi = field_validator("roi")(_roi)


class CameraUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"enabled": False}]})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    village: str | None = Field(default=None, max_length=200)
    road: str | None = Field(default=None, max_length=200)
    direction: str | None = Field(default=None, max_length=100)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    plates_enabled: bool | None = None
    faces_enabled: bool | None = None
    enabled: bool | None = None
    roi: str | None = None
    resident_visible: bool | None = None

    _check_roi = field_validator("roi")(_roi)


class CameraPublic(CameraFields):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                EXAMPLE | {"created_at": "2026-11-01T10:00:00Z", "updated_at": "2026-11-01T10:00:00Z"}
            ]
        },
    )

    id: str
    created_at: datetime
    updated_at: datetime


class CameraResidentView(BaseModel):
    """What a resident may see of a permitted camera: where it is, nothing it recognised."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    village: str
    road: str
    direction: str
    lat: float | None
    lon: float | None


class CameraKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "gate-north agent"}]})

    name: str = Field(default="", max_length=200)
