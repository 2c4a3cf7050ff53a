"""Resident report models: the public view, a page of them, a status change."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

ReportKind = Literal["photo", "video"]
ReportStatus = Literal["new", "in_review", "closed"]
Recipient = Literal["council", "police"]

EXAMPLE: dict[str, Any] = {
    "id": "3f1c9a0e5b7d4e2a9c8b6d4f2a0e1c3b",
    "created_at": "2026-11-26T09:15:02Z",
    "submitted_by_key_id": 17,
    "addressed_to": "council",
    "camera_id": "gate-north",
    "observed_at": "2026-11-26T08:40:00Z",
    "description": "Хтось скинув сміття біля зупинки / Rubbish dumped by the bus stop",
    "kind": "photo",
    "content_type": "image/jpeg",
    "size_bytes": 482113,
    "sha256": "9b74c9897bac770ffc029102a200c5de0e6f0d5a1f1b7c1e8e0c0b2b1c8b7d3a",
    "status": "new",
    "status_note": "",
    "reviewed_by_key_id": None,
    "reviewed_at": None,
    "file_url": "/v1/reports/3f1c9a0e5b7d4e2a9c8b6d4f2a0e1c3b/file",
}


class ReportPublic(BaseModel):
    """Built from the table row (``ReportPublic.model_validate(row)``); ``file_url`` follows from the id."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"example": EXAMPLE})

    id: str
    created_at: datetime
    submitted_by_key_id: int
    addressed_to: str
    camera_id: str | None
    observed_at: datetime | None
    description: str
    kind: ReportKind
    content_type: str
    size_bytes: int
    sha256: str
    status: ReportStatus
    status_note: str
    reviewed_by_key_id: int | None
    reviewed_at: datetime | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def file_url(self) -> str:
        return f"/v1/reports/{self.id}/file"


class ReportsPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"example": {"data": [EXAMPLE], "count": 1, "total": 1, "limit": 50, "offset": 0}}
    )

    data: list[ReportPublic]
    count: int = Field(description="reports on this page")
    total: int = Field(description="reports visible to you that match the filter")
    limit: int
    offset: int


class StatusChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"status": "in_review", "note": "Передано дільничному / Sent on"}},
    )

    status: Literal["in_review", "closed"]
    note: str = Field(default="", max_length=2000)


class ReportForm(BaseModel):
    """The upload's form fields once parsed (the HTTP layer builds it)."""

    description: str
    addressed_to: Recipient = "council"
    camera_id: str | None = None
    observed_at: datetime | None = None
