"""What the sightings and alerts routes answer (``...Public`` models, built from rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.db.events import Alert, AlertReview, Sighting

SIGHTING_EXAMPLE: dict[str, Any] = {
    "id": "9b2f6c1e0d3a4b5c8e7f6a5b4c3d2e1f",
    "camera_id": "gate-north",
    "pass_id": "4d3c2b1a0f9e8d7c6b5a493827160504",
    "plate_text": "KA7781CT",
    "plate_format": "current",
    "region_code": "KA",
    "region_name": "Kyiv",
    "confidence": 0.97,
    "first_seen": "2026-11-24T08:15:00Z",
    "last_seen": "2026-11-24T08:15:02Z",
    "n_reads": 4,
    "has_hit": True,
}
ALERT_EXAMPLE: dict[str, Any] = {
    "id": "5ea76cef54524e31b445046d34e1a93a",
    "kind": "face",
    "status": "new",
    "camera_id": "gate-north",
    "frame_id": "4c1f0b6f9a8e4c7d9d3f1e2a5b6c7d8e",
    "entry_id": 12,
    "watchlist_id": 3,
    "watchlist_version": 7,
    "rule": "face",
    "distance": None,
    "similarity": 0.71,
    "read_text": None,
    "matched_text": None,
    "captured_at": "2026-11-24T08:15:00Z",
    "created_at": "2026-11-24T08:15:00Z",
    "confirmations": 1,
    "confirmations_required": 2,
    "evidence": {
        "frame_crop": "https://varta.example/v1/alerts/5ea76cef54524e31b445046d34e1a93a/evidence/crop.jpg",
        "frame": "https://varta.example/v1/alerts/5ea76cef54524e31b445046d34e1a93a/evidence/frame.jpg",
        "enrolled_photo": "https://varta.example/v1/alerts/5ea76cef54524e31b445046d34e1a93a/evidence/enrolled.jpg",
    },
}


class SightingPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SIGHTING_EXAMPLE]})

    id: str
    camera_id: str
    pass_id: str
    plate_text: str
    plate_format: str
    region_code: str | None
    region_name: str | None
    confidence: float
    first_seen: datetime
    last_seen: datetime
    n_reads: int
    has_hit: bool = Field(description="it hit a watchlist your organisation owns or that is shared with it")
    found_by_read: bool = Field(
        default=False,
        description="the pass reads as another plate (plate_text); one of its frames read the plate "
        "searched for (an unsure read that joined the pass as a possible misreading)",
    )

    @classmethod
    def of(cls, s: Sighting, has_hit: bool, found_by_read: bool = False) -> SightingPublic:
        """``has_hit`` as the caller may know it (the stored flag counts every organisation's lists)."""
        own = ("has_hit", "found_by_read")
        fields = {name: getattr(s, name) for name in cls.model_fields if name not in own}
        return cls(**fields, has_hit=has_hit, found_by_read=found_by_read)


class SightingsPublic(BaseModel):
    data: list[SightingPublic]
    count: int


class ReviewPublic(BaseModel):
    id: str
    reviewer_key_id: int
    reviewer_role: str
    decision: str
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, r: AlertReview) -> ReviewPublic:
        return cls.model_validate(r, from_attributes=True)


class EvidenceLinks(BaseModel):
    """Shown side by side: what the camera saw and what was enrolled."""

    frame_crop: str | None = Field(default=None, description="crop of the plate or face in the frame")
    frame: str | None = Field(default=None, description="the full frame")
    enrolled_photo: str | None = Field(default=None, description="the enrolled photo (face alerts)")


class AlertPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ALERT_EXAMPLE]})

    id: str
    kind: str
    status: str
    camera_id: str
    frame_id: str = Field(description="the frame that raised it (the camera's answer names it too)")
    entry_id: int
    watchlist_id: int
    watchlist_version: int
    rule: str
    distance: float | None
    similarity: float | None
    read_text: str | None
    matched_text: str | None
    captured_at: datetime
    created_at: datetime
    confirmations: int
    confirmations_required: int
    evidence: EvidenceLinks

    @classmethod
    def of(cls, a: Alert, base_url: str = "") -> AlertPublic:
        prefix = f"{base_url}/v1/alerts/{a.id}/evidence"
        links = EvidenceLinks(
            frame_crop=f"{prefix}/crop.jpg" if a.crop_path else None,
            frame=f"{prefix}/frame.jpg" if a.frame_path else None,
            enrolled_photo=f"{prefix}/enrolled.jpg" if a.enrolled_photo_id is not None else None,
        )
        confirms = len({r.reviewer_key_id for r in a.reviews if r.decision == "confirm"})
        return cls(
            id=a.id,
            kind=a.kind,
            status=a.status,
            camera_id=a.camera_id,
            frame_id=a.frame_id,
            entry_id=a.entry_id,
            watchlist_id=a.watchlist_id,
            watchlist_version=a.watchlist_version,
            rule=a.rule,
            distance=a.distance,
            similarity=a.similarity,
            read_text=a.read_text,
            matched_text=a.matched_text,
            captured_at=a.captured_at,
            created_at=a.created_at,
            confirmations=confirms,
            confirmations_required=a.confirmations_required,
            evidence=links,
        )


class EntrySummary(BaseModel):
    label: str = Field(description="person label or plate text/pattern")
    reason: str = ""


class AlertDetail(AlertPublic):
    entry: EntrySummary | None = Field(default=None, description="None when the entry was deleted")
    reviews: list[ReviewPublic] = Field(default_factory=list)


class AlertsPublic(BaseModel):
    data: list[AlertPublic]
    count: int


class ReviewCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"decision": "reject", "note": "not this person: different scar"}]},
    )

    decision: Literal["confirm", "reject"] = Field(
        description="confirm: it is this vehicle/person; reject: it is not (recorded, closes the alert)"
    )
    note: str | None = Field(default=None, max_length=2000)
