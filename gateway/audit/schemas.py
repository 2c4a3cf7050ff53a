"""Audit log read models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditRowPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 42,
                    "ts": "2026-11-01T10:00:00Z",
                    "actor_key_id": 3,
                    "role": "police",
                    "organisation_id": "police",
                    "action": "watchlist.entries.read",
                    "target": "watchlist:2",
                    "purpose": "search for a missing person",
                    "case_number": "12026000000000123",
                    "watchlist_id": 2,
                    "watchlist_version": 5,
                    "result_count": 1,
                    "outcome": "ok",
                    "detail": "",
                    "prev_hash": "…",
                    "row_hash": "…",
                }
            ]
        },
    )

    id: int
    ts: datetime
    actor_key_id: int | None
    role: str
    organisation_id: str | None
    action: str
    target: str
    purpose: str | None
    case_number: str | None
    watchlist_id: int | None
    watchlist_version: int | None
    result_count: int | None
    outcome: str
    detail: str
    prev_hash: str
    row_hash: str


class AuditPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"data": [], "next_after_id": None}]})

    data: list[AuditRowPublic]
    next_after_id: int | None


class ChainVerdict(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ok": True, "checked": 1204, "first_id": 1, "bad_id": None, "reason": ""}]
        }
    )

    ok: bool
    checked: int
    first_id: int | None
    bad_id: int | None
    reason: str


class ChainHead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"id": 1204, "ts": "2026-11-26T06:00:00Z", "row_hash": "9f2c…", "anchor": "1204:9f2c…"}
            ]
        }
    )

    id: int
    ts: datetime
    row_hash: str
    anchor: str  # ID:HASH, to keep outside Varta and pass to /v1/audit/verify?anchor=...
