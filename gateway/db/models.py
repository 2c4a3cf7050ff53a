"""Tables of the gateway core: organisations, keys, cameras, watchlists, authorisations, audit log.

Frames, sightings, plate reads and alerts live in ``gateway.db.events`` on the same ``Base``.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gateway.db.base import Base
from gateway.db.types import UTCDateTime, utcnow

ROLES = ("admin", "council", "police", "auditor", "camera", "resident")
WATCHLIST_KINDS = ("plates", "persons")
REPORT_STATUSES = ("new", "in_review", "closed")
#: tables with integer ids that other rows keep naming after a delete (alerts, audit rows, reviews):
#: on SQLite they are AUTOINCREMENT, so a deleted top id is never handed to a new row (PostgreSQL
#: sequences never give an id twice anyway)
NEVER_REUSED = {"sqlite_autoincrement": True}
SEED_ORGANISATIONS = {
    "council": ("Territorial community council", "Рада територіальної громади"),
    "police": ("National Police", "Національна поліція"),
}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_uk: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An API key: only its SHA-256 is stored.

    ``prefix`` (the first characters of the key) finds the row; the hash is compared in constant time.
    """

    __tablename__ = "api_keys"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    camera_id: Mapped[str | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Camera(Base):
    __tablename__ = "cameras"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    village: Mapped[str] = mapped_column(String(200), default="")
    road: Mapped[str] = mapped_column(String(200), default="")
    direction: Mapped[str] = mapped_column(String(100), default="")
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    plates_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    faces_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    roi: Mapped[str | None] = mapped_column(String(64), nullable=True)
    resident_visible: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


watchlist_shares = Table(
    "watchlist_shares",
    Base.metadata,
    Column("watchlist_id", ForeignKey("watchlists.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True),
)

# Empty for a watchlist = it applies to every camera.
watchlist_cameras = Table(
    "watchlist_cameras",
    Base.metadata,
    Column("watchlist_id", ForeignKey("watchlists.id", ondelete="CASCADE"), primary_key=True),
    Column("camera_id", ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
)


class Watchlist(Base):
    __tablename__ = "watchlists"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_org: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    face_threshold: Mapped[float | None] = mapped_column(Float, nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    shared_with: Mapped[list[Organisation]] = relationship(secondary=watchlist_shares, lazy="selectin")
    cameras: Mapped[list[Camera]] = relationship(secondary=watchlist_cameras, lazy="selectin")


class PlateEntry(Base):
    __tablename__ = "plate_entries"
    __table_args__ = (Index("ix_plate_entries_watchlist_pattern", "watchlist_id", "pattern"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    pattern: Mapped[str] = mapped_column(String(32))
    is_wildcard: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(500), default="")
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PersonEntry(Base):
    __tablename__ = "person_entries"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(500), default="")
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    photos: Mapped[list[PersonPhoto]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", lazy="selectin"
    )


class PersonPhoto(Base):
    """An enrolled photo: the file under data_dir and its face template's point id in the FaceIndex."""

    __tablename__ = "person_photos"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("person_entries.id", ondelete="CASCADE"), index=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    quality: Mapped[float] = mapped_column(Float)
    face_size_px: Mapped[float] = mapped_column(Float)
    point_id: Mapped[str] = mapped_column(String(36), unique=True)
    embedding: Mapped[list[float] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    entry: Mapped[PersonEntry] = relationship(back_populates="photos")


face_authorisation_cameras = Table(
    "face_authorisation_cameras",
    Base.metadata,
    Column("authorisation_id", ForeignKey("face_authorisations.id", ondelete="CASCADE"), primary_key=True),
    Column("camera_id", ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
)


class FaceAuthorisation(Base):
    """Prior authorisation for live face matching on some cameras; without one, face matching is off.

    Active when ``starts_at <= now < expires_at`` and not revoked; with a daily window, only between
    ``daily_start`` and ``daily_end`` (UTC). Matching is against the authorising organisation's lists.
    """

    __tablename__ = "face_authorisations"
    __table_args__ = NEVER_REUSED

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    legal_basis: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[str] = mapped_column(String(500))
    case_number: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    daily_start: Mapped[time | None] = mapped_column(Time, nullable=True)
    daily_end: Mapped[time | None] = mapped_column(Time, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[int | None] = mapped_column(Integer, nullable=True)

    cameras: Mapped[list[Camera]] = relationship(secondary=face_authorisation_cameras, lazy="selectin")


class ResidentReport(Base):
    """A photo or video a resident sent to the council or the police.

    Never passed to a recognizer and never enrolled (the law forbids enrolling residents' photos
    automatically). Key ids have no foreign keys, like the audit log: the report outlives the key.
    """

    __tablename__ = "resident_reports"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    submitted_by_key_id: Mapped[int] = mapped_column(Integer, index=True)
    addressed_to: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    camera_id: Mapped[str | None] = mapped_column(
        ForeignKey("cameras.id", ondelete="SET NULL"), nullable=True
    )
    observed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="new")
    status_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_key_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditRecord(Base):
    """Append-only, hash-chained: ``row_hash = sha256(prev_hash + canonical(row))``.

    No foreign keys on purpose: the log outlives keys, cameras and lists it mentions.
    """

    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("row_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_key_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="")
    organisation_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str | None] = mapped_column(String(500), nullable=True)
    case_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    watchlist_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    watchlist_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    result_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="ok")
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
