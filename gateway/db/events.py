"""What cameras produced: frames, sightings (one per vehicle pass), plate reads, alerts and reviews.

Data classes have their own retention (``gateway.retention``): frames and their evidence, plate reads
without a hit, and hits (sightings with a hit, alerts, reviews). Rows here do not hold foreign keys
to watchlists, entries or cameras on purpose: a hit stays as evidence for its case even after the
entry or camera it names has been deleted. Face embeddings are never stored in any of these tables.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db.base import Base
from gateway.db.types import UTCDateTime, utcnow

ALERT_KINDS = ("plate", "face")
ALERT_STATUSES = ("new", "confirmed", "rejected")
REVIEW_DECISIONS = ("confirm", "reject")


def new_id() -> str:
    return uuid.uuid4().hex


class Frame(Base):
    """One posted frame: the idempotency record and the answer the camera got."""

    __tablename__ = "frames"
    __table_args__ = (
        UniqueConstraint("camera_id", "idempotency_key", name="uq_frames_camera_idempotency"),
        Index("ix_frames_received_at", "received_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    camera_id: Mapped[str] = mapped_column(String(64), nullable=False)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    idempotency_key: Mapped[str] = mapped_column(String(128), nullable=False)
    # SHA-256 of the posted bytes: a retry sends the same frame, another frame under the key is refused
    # (none on frames stored before it was kept)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    # relative paths under the evidence root written for this frame (empty without a sighting)
    evidence: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class Sighting(Base):
    """One vehicle pass in front of one camera, updated by later frames of the same pass."""

    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("camera_id", "pass_id", name="uq_sightings_camera_pass"),
        Index("ix_sightings_plate_text", "plate_text"),
        Index("ix_sightings_first_seen", "first_seen"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    camera_id: Mapped[str] = mapped_column(String(64), nullable=False)
    pass_id: Mapped[str] = mapped_column(String(64), nullable=False)
    plate_text: Mapped[str] = mapped_column(String(32), nullable=False)
    plate_format: Mapped[str] = mapped_column(String(32), nullable=False, default="unknown")
    region_code: Mapped[str | None] = mapped_column(String(8))
    region_name: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    n_reads: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    has_hit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    frame_path: Mapped[str | None] = mapped_column(String(255))
    crop_path: Mapped[str | None] = mapped_column(String(255))


class PlateReadRow(Base):
    """One plate read on one frame (several per sighting)."""

    __tablename__ = "plate_reads"
    __table_args__ = (
        Index("ix_plate_reads_captured_at", "captured_at"),
        Index("ix_plate_reads_text", "text"),  # a sighting is found by any of its reads too
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    frame_id: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    sighting_id: Mapped[str | None] = mapped_column(String(32), index=True)
    camera_id: Mapped[str] = mapped_column(String(64), nullable=False)
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    text: Mapped[str] = mapped_column(String(32), nullable=False)
    raw_text: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    plate_format: Mapped[str] = mapped_column(String(32), nullable=False, default="unknown")
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    bbox: Mapped[dict[str, int]] = mapped_column(JSON, nullable=False)
    has_hit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class Alert(Base):
    """A watchlist hit: a lead for a person to review, never a decision by itself."""

    __tablename__ = "alerts"
    __table_args__ = (
        # one alert per (camera, vehicle pass or face episode, entry): retries and later frames of
        # the same pass cannot raise a second one
        UniqueConstraint("camera_id", "dedup_key", "entry_id", name="uq_alerts_camera_dedup_entry"),
        Index("ix_alerts_created_at", "created_at"),
        Index("ix_alerts_watchlist_id", "watchlist_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    camera_id: Mapped[str] = mapped_column(String(64), nullable=False)
    frame_id: Mapped[str] = mapped_column(String(32), nullable=False)
    sighting_id: Mapped[str | None] = mapped_column(String(32))
    dedup_key: Mapped[str] = mapped_column(String(80), nullable=False)
    entry_id: Mapped[int] = mapped_column(Integer, nullable=False)
    watchlist_id: Mapped[int] = mapped_column(Integer, nullable=False)
    watchlist_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    organisation_id: Mapped[str | None] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(16), nullable=False)
    distance: Mapped[float | None] = mapped_column(Float)
    similarity: Mapped[float | None] = mapped_column(Float)
    read_text: Mapped[str | None] = mapped_column(String(32))
    matched_text: Mapped[str | None] = mapped_column(String(64))
    enrolled_photo_id: Mapped[int | None] = mapped_column(Integer)
    frame_path: Mapped[str | None] = mapped_column(String(255))
    crop_path: Mapped[str | None] = mapped_column(String(255))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="new")
    confirmations_required: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    reviews: Mapped[list[AlertReview]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertReview.created_at"
    )


class AlertReview(Base):
    """One person's decision on an alert. "Not this person" is a recorded rejection."""

    __tablename__ = "alert_reviews"
    __table_args__ = (
        UniqueConstraint("alert_id", "reviewer_key_id", name="uq_alert_reviews_alert_reviewer"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False)
    reviewer_key_id: Mapped[int] = mapped_column(Integer, nullable=False)
    reviewer_role: Mapped[str] = mapped_column(String(16), nullable=False)
    decision: Mapped[str] = mapped_column(String(8), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    alert: Mapped[Alert] = relationship(back_populates="reviews")
