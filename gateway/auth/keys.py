"""API keys ``vk_<random>``: shown once, stored as SHA-256, looked up by prefix, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db.models import ROLES, ApiKey, Camera, Organisation
from gateway.db.types import utcnow
from gateway.errors import Conflict, InvalidInput, NotFound

KEY_PREFIX = "vk_"
PREFIX_LEN = 12  # "vk_" + 9 random characters: enough to find the row, useless to guess the key
ORG_ROLES = frozenset({"council", "police"})
#: ``last_used_at`` is written at most this often a key, not once a frame
LAST_USED_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role and scope (organisation, camera)."""

    key_id: int | None
    role: str
    organisation_id: str | None = None
    camera_id: str | None = None
    name: str = ""


def hash_key(plain: str) -> str:
    return hashlib.sha256(plain.encode("utf-8")).hexdigest()


def new_plain_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def authenticate(session: Session, plain: str) -> Principal | None:
    """The principal for a presented key, or None (unknown, malformed or revoked); the key's
    ``last_used_at`` is brought up to date (to the minute)."""
    if not plain.startswith(KEY_PREFIX) or len(plain) < PREFIX_LEN + 8 or len(plain) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == plain[:PREFIX_LEN]))
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.key_hash, hash_key(plain)):
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        row.last_used_at = now
        session.commit()  # the caller's session is fresh: nothing else is committed with it
    return Principal(row.id, row.role, row.organisation_id, row.camera_id, row.name)


def _check_scope(session: Session, role: str, org: str | None, camera_id: str | None) -> None:
    if role not in ROLES:
        raise InvalidInput(
            "role", f"must be one of {', '.join(ROLES)}", f"має бути одна з {', '.join(ROLES)}"
        )
    if role in ORG_ROLES and org is None:
        raise InvalidInput(
            "organisation", f"a {role} key needs an organisation", "ключ цієї ролі потребує організації"
        )
    if org is not None and session.get(Organisation, org) is None:
        raise NotFound("organisation", org, "Організацію")
    if role in ("resident", "auditor", "camera") and org is not None:  # an admin key may name its own
        raise InvalidInput(
            "organisation",
            f"a {role} key has no organisation; leave organisation out",
            f"ключ ролі {role} не має організації; не вказуйте organisation",
        )
    if role in ORG_ROLES and org != role:
        # the role is the organisation's own: a police key of the council would record face
        # authorisations for the council's lists, a council key of the police read police lists
        # without the purpose police reads must state
        raise InvalidInput(
            "organisation",
            f"a {role} key belongs to the organisation '{role}', not '{org}'",
            f"ключ ролі {role} належить організації «{role}», а не «{org}»",
        )
    if role == "camera":
        if camera_id is None:
            raise InvalidInput("camera_id", "a camera key needs a camera", "ключ камери потребує камери")
        if session.get(Camera, camera_id) is None:
            raise NotFound("camera", camera_id, "Камеру")
    elif camera_id is not None:
        raise InvalidInput("camera_id", "only camera keys name a camera", "камеру вказують лише ключі камер")


def create_key(
    session: Session,
    role: str,
    *,
    organisation_id: str | None = None,
    camera_id: str | None = None,
    name: str = "",
    created_by: int | None = None,
    plain: str | None = None,
) -> tuple[ApiKey, str]:
    """Add a key (flushed, not committed) and return it with the plain text, which is never stored."""
    _check_scope(session, role, organisation_id, camera_id)
    plain = plain or new_plain_key()
    row = ApiKey(
        prefix=plain[:PREFIX_LEN],
        key_hash=hash_key(plain),
        role=role,
        organisation_id=organisation_id,
        camera_id=camera_id,
        name=name,
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row, plain


def revoke_key(session: Session, key_id: int) -> ApiKey:
    """Revoke a key (flushed, not committed). The last admin key in force is never revoked, also when
    two requests revoke the last two at once: the admin keys in force are locked first (PostgreSQL:
    the second request waits, then finds one), and counted again after the change (SQLite: the second
    writer waits for the first to commit, then finds none left and is refused; the caller's rollback
    undoes it)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound("api key", key_id, "Ключ API")
    if row.revoked_at is not None:
        return row
    if row.role != "admin":
        row.revoked_at = utcnow()
        return row
    if len(_admins_in_force(session, lock=True)) <= 1:
        raise _last_admin(key_id)
    session.refresh(row)  # as it stands after the lock's wait (another request may have revoked it)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        if not _admins_in_force(session):
            raise _last_admin(key_id)
    return row


def _last_admin(key_id: int) -> Conflict:
    return Conflict(
        f"key {key_id} is the last admin key: revoked, no one could manage keys and cameras over the "
        "API any more. Create another admin key first.",
        f"ключ {key_id} — останній ключ адміністратора: після відкликання ніхто не зміг би керувати "
        "ключами й камерами через API. Спершу створіть інший ключ адміністратора.",
    )


def _admins_in_force(session: Session, lock: bool = False) -> list[int]:
    """Ids of the admin keys in force; ``lock``: locked until the transaction ends (PostgreSQL)."""
    query = select(ApiKey.id).where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
    return list(session.scalars(query.with_for_update() if lock else query))
