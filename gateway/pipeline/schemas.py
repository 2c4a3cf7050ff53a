"""What the frame pipeline finds (``FrameResult``) and what ``POST /v1/frames`` answers the camera
(``FrameReceipt``: the same without any match outcome). Never face embeddings.

A camera key is a machine's credential on a roadside pole: it may post frames and learn that they were
read, never whether a plate or a face is on a watchlist. Otherwise whoever holds one could post made-up
plates and learn the police's list; matches reach people through ``/v1/alerts``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.schemas import BBox, PlateRead


class PlateHitOut(BaseModel):
    entry_id: int
    watchlist_id: int
    rule: str = Field(description="exact | wildcard | fuzzy")
    distance: float = Field(description="confusion-aware edit distance (0 for exact)")
    matched_text: str = Field(description="the reading that matched (pass reading or a candidate)")
    pattern: str = Field(description="the watchlist entry's plate text or wildcard pattern")


class PlateReceipt(PlateRead):
    pass_id: str = Field(description="vehicle pass this read belongs to (one sighting per pass)")
    pass_text: str = Field(description="combined reading of the pass so far")


class PlateResult(PlateReceipt):
    hits: list[PlateHitOut] = Field(default_factory=list)


class FaceReceipt(BaseModel):
    bbox: BBox
    quality: float = Field(ge=0.0, le=1.0)


class FaceResult(FaceReceipt):
    matched: bool = Field(description="true when the face matched a watchlist entry (an alert was raised)")


class SkipReason(BaseModel):
    reason: str
    reason_uk: str


class AlertRef(BaseModel):
    alert_id: str
    kind: str = Field(description="plate | face")
    entry_id: int
    watchlist_id: int
    rule: str | None = Field(default=None, description="plate rule; 'face' for a face hit")
    distance: float | None = None
    similarity: float | None = None
    new: bool = Field(default=True, description="false when an earlier frame of the same pass raised it")


class _Frame(BaseModel):
    """What the camera's answer and the pipeline's result share."""

    frame_id: str
    camera_id: str
    captured_at: datetime
    duplicate: bool = Field(default=False, description="true: a retry of a frame already processed")
    skipped: list[str] = Field(
        default_factory=list, description="what did not run: plates, faces, face_matching"
    )
    skip_reasons: dict[str, SkipReason] = Field(default_factory=dict)
    static_plates_ignored: int = Field(
        default=0,
        ge=0,
        description="plate reads left out as the camera's static text (a burnt-in camera name, a sign): "
        "the same text at the same place of the picture for minutes",
    )
    letters_only_ignored: int = Field(
        default=0,
        ge=0,
        description="plate reads of letters only and no Ukrainian format (a lorry's SCANIA, a van's brand) "
        "left out because they matched no watchlist entry",
    )
    timings_ms: dict[str, float] = Field(
        default_factory=dict, description="where the time went for this frame (empty for a duplicate)"
    )


class FrameResult(_Frame):
    """Everything the pipeline found, match outcome included (for the gateway's own use)."""

    plates: list[PlateResult] = Field(default_factory=list)
    faces: list[FaceResult] = Field(default_factory=list)
    alerts: list[AlertRef] = Field(default_factory=list)


class FrameReceipt(_Frame):
    """The camera's answer: what was read, with no match outcome (no hits, alerts or matched faces)."""

    plates: list[PlateReceipt] = Field(default_factory=list)
    faces: list[FaceReceipt] = Field(default_factory=list)

    @classmethod
    def of(cls, result: FrameResult) -> FrameReceipt:
        """``result`` without its match outcome: fields the receipt does not declare are left out."""
        return cls.model_validate(result.model_dump())
