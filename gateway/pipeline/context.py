"""What applies to one camera at one moment: its settings, the watchlists, a face authorisation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db.models import Camera, FaceAuthorisation, Watchlist
from shared.schemas import BBox


@dataclass(frozen=True)
class WatchlistInfo:
    id: int
    kind: str
    version: int
    owner_org: str
    face_threshold: float | None


@dataclass(frozen=True)
class AuthorisationInfo:
    id: int
    organisation_id: str
    case_number: str


@dataclass
class CameraContext:
    camera_id: str
    enabled: bool
    plates_enabled: bool
    faces_enabled: bool
    roi: BBox | None
    plate_lists: dict[int, WatchlistInfo] = field(default_factory=dict)
    person_lists: dict[int, WatchlistInfo] = field(default_factory=dict)
    authorisations: list[AuthorisationInfo] = field(default_factory=list)

    @property
    def face_matching(self) -> bool:
        """Face matching runs only under an active authorisation and with a list to match against."""
        return bool(self.authorisations) and bool(self.person_lists)


def authorisation_active(auth: FaceAuthorisation, at: datetime) -> bool:
    if auth.revoked_at is not None and auth.revoked_at <= at:
        return False
    if not auth.starts_at <= at < auth.expires_at:
        return False
    if auth.daily_start is None or auth.daily_end is None:
        return True
    t = at.astimezone(UTC).time()  # the window is in UTC; a frame's time may carry the camera's zone
    if auth.daily_start <= auth.daily_end:
        return auth.daily_start <= t < auth.daily_end
    return t >= auth.daily_start or t < auth.daily_end  # window over midnight


def _active_authorisations(
    session: Session, camera_id: str, moments: tuple[datetime, ...]
) -> list[AuthorisationInfo]:
    earliest = min(moments)
    rows = session.scalars(select(FaceAuthorisation).where(FaceAuthorisation.expires_at > earliest)).all()
    found = []
    for auth in rows:
        if camera_id not in {c.id for c in auth.cameras}:
            continue
        # the frame must be captured AND processed inside the authorised window
        if all(authorisation_active(auth, m) for m in moments):
            found.append(AuthorisationInfo(auth.id, auth.organisation_id, auth.case_number))
    return found


def _info(w: Watchlist) -> WatchlistInfo:
    return WatchlistInfo(w.id, w.kind, w.version, w.owner_org, w.face_threshold)


def load_context(session: Session, camera: Camera, captured_at: datetime, now: datetime) -> CameraContext:
    roi = BBox.parse_csv(camera.roi) if camera.roi else None
    ctx = CameraContext(camera.id, camera.enabled, camera.plates_enabled, camera.faces_enabled, roi)
    lists = session.scalars(select(Watchlist).where(Watchlist.enabled.is_(True))).all()
    applicable = [w for w in lists if not w.cameras or camera.id in {c.id for c in w.cameras}]
    ctx.plate_lists = {w.id: _info(w) for w in applicable if w.kind == "plates"}
    if camera.faces_enabled:
        ctx.authorisations = _active_authorisations(session, camera.id, (captured_at, now))
        orgs = {a.organisation_id for a in ctx.authorisations}
        # live face matching runs only against the authorising organisations' own person lists
        ctx.person_lists = {w.id: _info(w) for w in applicable if w.kind == "persons" and w.owner_org in orgs}
    return ctx
