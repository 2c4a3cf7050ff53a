"""Who sees which watchlist: its own organisation, plus organisations it is shared with."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.db.models import Watchlist, watchlist_shares
from gateway.errors import NotFound, ScopeDenied

LIST_ROLES = frozenset({"admin", "council", "police"})


def visible_query(principal: Principal) -> Select[Watchlist]:
    org = principal.organisation_id
    if principal.role not in LIST_ROLES or org is None:
        return select(Watchlist).where(Watchlist.id.is_(None))
    shared = select(watchlist_shares.c.watchlist_id).where(watchlist_shares.c.organisation_id == org)
    return select(Watchlist).where(or_(Watchlist.owner_org == org, Watchlist.id.in_(shared)))


def get_visible(session: Session, principal: Principal, watchlist_id: int) -> Watchlist:
    """The list, or 404 when it does not exist *or* is not visible (its existence is not disclosed)."""
    wl = session.scalar(visible_query(principal).where(Watchlist.id == watchlist_id))
    if wl is None:
        raise NotFound("watchlist", watchlist_id, "Список спостереження")
    return wl


def get_editable(session: Session, principal: Principal, watchlist_id: int) -> Watchlist:
    """Only the owning organisation changes a list; organisations it is shared with only read it."""
    wl = get_visible(session, principal, watchlist_id)
    if wl.owner_org != principal.organisation_id:
        raise ScopeDenied(
            f"watchlist {watchlist_id} belongs to '{wl.owner_org}'; only its owner may change it.",
            f"список {watchlist_id} належить «{wl.owner_org}»; змінювати його може лише власник.",
        )
    return wl
