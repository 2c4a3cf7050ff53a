"""First start: seed the organisations and create the first admin key (printed once, never again)."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.auth.keys import create_key
from gateway.db.models import SEED_ORGANISATIONS, ApiKey, Organisation

log = logging.getLogger(__name__)


def seed_organisations(session: Session) -> None:
    for org_id, (name, name_uk) in SEED_ORGANISATIONS.items():
        if session.get(Organisation, org_id) is None:
            session.add(Organisation(id=org_id, name=name, name_uk=name_uk))
    session.flush()


def bootstrap_admin(session: Session, plain: str | None = None) -> str | None:
    """Create an admin key if the database has no key at all; return its plain text, else None."""
    if session.scalar(select(func.count()).select_from(ApiKey)):
        return None
    _, key = create_key(session, "admin", organisation_id="council", name="bootstrap admin", plain=plain)
    return key


def announce(key: str) -> None:
    """Shown exactly once: the key is not stored in plain text anywhere."""
    bar = "=" * 72
    print(
        f"\n{bar}\nVarta: first start. Admin API key (shown ONCE, store it now):\n"
        f"Varta: перший запуск. Ключ API адміністратора (показано ОДИН раз, збережіть його):\n\n"
        f"    {key}\n{bar}\n",
        flush=True,
    )
