"""Request and response models of the watchlist API (``XCreate / XUpdate / XPublic``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.errors import RowError
from gateway.timestamps import UtcDateTime

Kind = Literal["plates", "persons"]
UploadMode = Literal["all_or_nothing", "keep_valid"]


class WatchlistCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"kind": "plates", "name": "Stolen vehicles", "shared_with": [], "camera_ids": []}]
        },
    )

    kind: Kind
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    face_threshold: float | None = Field(default=None, gt=0, lt=1, description="persons lists only")
    shared_with: list[str] = Field(default_factory=list, description="organisation ids that may see it")
    camera_ids: list[str] = Field(default_factory=list, description="cameras it applies to; empty = all")
    enabled: bool = True


class WatchlistUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "Stolen (2026)"}]})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    face_threshold: float | None = Field(default=None, gt=0, lt=1)
    shared_with: list[str] | None = None
    camera_ids: list[str] | None = None
    enabled: bool | None = None


class WatchlistPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "kind": "plates",
                    "owner_org": "council",
                    "name": "Stolen vehicles",
                    "description": "",
                    "version": 3,
                    "face_threshold": None,
                    "shared_with": ["police"],
                    "camera_ids": [],
                    "enabled": True,
                    "entry_count": 2,
                    "created_at": "2026-11-01T10:00:00Z",
                    "updated_at": "2026-11-02T10:00:00Z",
                }
            ]
        }
    )

    id: int
    kind: Kind
    owner_org: str
    name: str
    description: str
    version: int
    face_threshold: float | None
    shared_with: list[str]
    camera_ids: list[str]
    enabled: bool
    entry_count: int
    created_at: datetime
    updated_at: datetime


class WatchlistsPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [], "count": 0}]})

    data: list[WatchlistPublic]
    count: int


class PlateEntryCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "plate": "АА 1234 ВВ",
                    "reason": "stolen",
                    "valid_until": "2027-01-01T00:00:00Z",
                    "notes": "",
                },
                {"plate": "AA12??BB", "reason": "partial plate from a witness"},
            ]
        },
    )

    plate: str = Field(min_length=1, max_length=32, description="plate text or wildcard (? one, * any)")
    reason: str = Field(default="", max_length=500)
    valid_until: UtcDateTime | None = None
    notes: str = Field(default="", max_length=2000)


PLATE_EXAMPLE: dict[str, Any] = {
    "id": 7,
    "watchlist_id": 1,
    "pattern": "AA12??BB",
    "is_wildcard": True,
    "reason": "partial plate from a witness",
    "valid_until": "2027-01-01T00:00:00Z",
    "notes": "",
    "created_at": "2026-11-01T10:00:00Z",
}
PERSON_EXAMPLE: dict[str, Any] = {
    "id": 4,
    "watchlist_id": 2,
    "label": "Missing person #12",
    "reason": "missing since 2026-10-30",
    "valid_until": None,
    "notes": "",
    "created_at": "2026-11-01T10:00:00Z",
    "photos": [
        {
            "id": 9,
            "entry_id": 4,
            "width": 250,
            "height": 250,
            "quality": 0.94,
            "face_size_px": 82.0,
            "created_at": "2026-11-01T10:00:00Z",
        }
    ],
}


class PlateEntryPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PLATE_EXAMPLE]})

    id: int
    watchlist_id: int
    pattern: str
    is_wildcard: bool
    reason: str
    valid_until: datetime | None
    notes: str
    created_at: datetime


class PersonEntryCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"label": "Missing person #12", "reason": "missing since 2026-10-30"}]
        },
    )

    label: str = Field(min_length=1, max_length=200)
    reason: str = Field(default="", max_length=500)
    valid_until: UtcDateTime | None = None
    notes: str = Field(default="", max_length=2000)


class PhotoPublic(BaseModel):
    id: int
    entry_id: int
    width: int
    height: int
    quality: float
    face_size_px: float
    created_at: datetime


class PersonEntryPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PERSON_EXAMPLE]})

    id: int
    watchlist_id: int
    label: str
    reason: str
    valid_until: datetime | None
    notes: str
    created_at: datetime
    photos: list[PhotoPublic]


class EntriesPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"plates": [PLATE_EXAMPLE], "persons": [], "count": 1, "watchlist_version": 3}]
        }
    )

    plates: list[PlateEntryPublic] = Field(default_factory=list)
    persons: list[PersonEntryPublic] = Field(default_factory=list)
    count: int
    watchlist_version: int


class BulkResult(BaseModel):
    """What a bulk upload did: rows accepted, rows rejected with row number and reason."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "mode": "keep_valid",
                    "accepted": 2,
                    "rejected": [
                        {
                            "row": 3,
                            "field": "valid_until",
                            "error": "bad_date",
                            "detail": "not a date: 31/12/2026",
                            "detail_uk": "не дата: 31/12/2026",
                        }
                    ],
                    "watchlist_version": 4,
                }
            ]
        }
    )

    mode: UploadMode
    accepted: int
    rejected: list[RowError]
    watchlist_version: int
