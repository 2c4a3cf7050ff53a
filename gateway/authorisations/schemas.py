"""Face authorisation models."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

EXAMPLE: dict[str, Any] = {
    "legal_basis": "Law 580-VIII art. 40; court ruling 123/456/26",
    "purpose": "search for a missing child",
    "case_number": "12026000000000123",
    "camera_ids": ["gate-north"],
    "starts_at": "2026-11-01T08:00:00Z",
    "expires_at": "2026-11-08T08:00:00Z",
    "daily_start": None,
    "daily_end": None,
    "notes": "",
}
MAX_DAYS = 90


class AuthorisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    legal_basis: str = Field(min_length=3, max_length=500)
    purpose: str = Field(min_length=3, max_length=500)
    case_number: str = Field(min_length=1, max_length=100)
    camera_ids: list[str] = Field(min_length=1, max_length=500)
    starts_at: datetime
    expires_at: datetime
    daily_start: time | None = Field(default=None, description="optional daily window start (UTC)")
    daily_end: time | None = Field(default=None, description="optional daily window end (UTC)")
    notes: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _window(self) -> AuthorisationCreate:
        if self.starts_at.tzinfo is None or self.expires_at.tzinfo is None:
            raise ValueError("starts_at and expires_at need a time zone (e.g. ...Z)")
        if self.expires_at <= self.starts_at:
            raise ValueError("expires_at must be after starts_at")
        if (self.expires_at - self.starts_at).days > MAX_DAYS:
            raise ValueError(f"an authorisation lasts at most {MAX_DAYS} days; renew it with a new one")
        if (self.daily_start is None) != (self.daily_end is None):
            raise ValueError("give both daily_start and daily_end, or neither")
        return self


class AuthorisationPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                EXAMPLE
                | {
                    "id": 1,
                    "organisation_id": "police",
                    "created_at": "2026-11-01T07:55:00Z",
                    "revoked_at": None,
                }
                | {"active": True}
            ]
        }
    )

    id: int
    organisation_id: str
    legal_basis: str
    purpose: str
    case_number: str
    camera_ids: list[str]
    starts_at: datetime
    expires_at: datetime
    daily_start: time | None
    daily_end: time | None
    notes: str
    created_at: datetime
    revoked_at: datetime | None
    active: bool
