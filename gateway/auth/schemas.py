"""API key models."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "council", "police", "auditor", "camera", "resident"]


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"role": "police", "organisation": "police", "name": "investigator 7"}]
        },
    )

    role: Role
    organisation: str | None = Field(default=None, description="required for council and police keys")
    camera_id: str | None = Field(default=None, description="camera keys only (or use /v1/cameras/{id}/keys)")
    name: str = Field(default="", max_length=200)


KEY_EXAMPLE: dict[str, Any] = {
    "id": 3,
    "prefix": "vk_Xk3j9aQ0b",
    "role": "police",
    "organisation": "police",
    "camera_id": None,
    "name": "investigator 7",
    "created_at": "2026-11-01T10:00:00Z",
    "revoked_at": None,
    "last_used_at": None,
}


class KeyPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [KEY_EXAMPLE]})

    id: int
    prefix: str
    role: Role
    organisation: str | None
    camera_id: str | None
    name: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None = None


class KeyCreated(KeyPublic):
    """The only answer that contains the key itself: store it now, it is never shown again."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 2,
                    "prefix": "vk_Xk3j9aQ0b",
                    "role": "camera",
                    "organisation": None,
                    "camera_id": "gate-north",
                    "name": "gate-north camera",
                    "created_at": "2026-11-01T10:00:00Z",
                    "revoked_at": None,
                    "last_used_at": None,
                    "key": "vk_Xk3j9aQ0b...",
                }
            ]
        }
    )

    key: str


class Whoami(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"key_id": 3, "role": "police", "organisation": "police", "camera_id": None, "name": "inv 7"}
            ]
        }
    )

    key_id: int | None
    role: Role
    organisation: str | None
    camera_id: str | None
    name: str
