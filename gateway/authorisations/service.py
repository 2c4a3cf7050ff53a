"""Create, list and revoke face authorisations; whether one is active is decided in one place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.authorisations.schemas import AuthorisationCreate, AuthorisationPublic
from gateway.db.models import Camera, FaceAuthorisation
from gateway.db.types import utcnow
from gateway.errors import InvalidInput, NotFound


def is_active(auth: FaceAuthorisation, at: datetime) -> bool:
    """The frame pipeline's rule: in [starts_at, expires_at), not revoked, inside the daily window."""
    from gateway.pipeline.context import authorisation_active

    return authorisation_active(auth, at)


def to_public(auth: FaceAuthorisation, now: datetime | None = None) -> AuthorisationPublic:
    return AuthorisationPublic(
        id=auth.id,
        organisation_id=auth.organisation_id,
        legal_basis=auth.legal_basis,
        purpose=auth.purpose,
        case_number=auth.case_number,
        camera_ids=sorted(c.id for c in auth.cameras),
        starts_at=auth.starts_at,
        expires_at=auth.expires_at,
        daily_start=auth.daily_start,
        daily_end=auth.daily_end,
        notes=auth.notes,
        created_at=auth.created_at,
        revoked_at=auth.revoked_at,
        active=is_active(auth, now or utcnow()),
    )


def create(session: Session, principal: Principal, data: AuthorisationCreate) -> FaceAuthorisation:
    if data.expires_at <= utcnow():
        # such a record would enable nothing: most likely a mistyped date (a year, a month)
        when = f"{data.expires_at:%Y-%m-%d %H:%M} UTC"
        raise InvalidInput(
            "expires_at",
            f"{when} is in the past: the authorisation would never be in force",
            f"{when} вже минула: дозвіл не діяв би ніколи",
        )
    cameras = []
    for cam_id in dict.fromkeys(data.camera_ids):
        cam = session.get(Camera, cam_id)
        if cam is None:
            raise NotFound("camera", cam_id, "Камеру")
        cameras.append(cam)
    auth = FaceAuthorisation(
        organisation_id=principal.organisation_id,
        **data.model_dump(exclude={"camera_ids"}),
        created_by=principal.key_id,
    )
    auth.cameras = cameras
    session.add(auth)
    session.flush()
    return auth


def list_for(session: Session, principal: Principal) -> list[FaceAuthorisation]:
    q = select(FaceAuthorisation).order_by(FaceAuthorisation.id)
    if principal.role == "police":
        q = q.where(FaceAuthorisation.organisation_id == principal.organisation_id)
    return list(session.scalars(q))


def get_for(session: Session, principal: Principal, auth_id: int) -> FaceAuthorisation:
    auth = session.get(FaceAuthorisation, auth_id)
    if auth is None or (principal.role == "police" and auth.organisation_id != principal.organisation_id):
        raise NotFound("authorisation", auth_id, "Дозвіл")
    return auth


def revoke(session: Session, principal: Principal, auth_id: int) -> FaceAuthorisation:
    auth = get_for(session, principal, auth_id)
    if auth.revoked_at is None:
        auth.revoked_at = utcnow()
        auth.revoked_by = principal.key_id
    session.flush()
    return auth
