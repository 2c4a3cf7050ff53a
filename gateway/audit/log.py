"""Writing audit rows: one short transaction per row, serialised so the chain stays linear."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from gateway.audit.chain import GENESIS, row_digest
from gateway.auth.keys import Principal
from gateway.db.models import AuditRecord
from gateway.db.types import utcnow

log = logging.getLogger(__name__)
PG_CHAIN_LOCK = 0x56415254  # "VART": serialises writers across gateway processes on PostgreSQL


@dataclass(frozen=True)
class AuditContext:
    """The stated purpose and case number of a request (``X-Purpose`` / ``X-Case-Number``)."""

    purpose: str | None = None
    case_number: str | None = None


class AuditWriter:
    """Append rows to ``audit_log``. Written after the action (or its refusal), in its own transaction."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connections of the engine the rows are written through."""
        bind = self._sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()

    def record(
        self,
        principal: Principal | None,
        action: str,
        target: str = "",
        *,
        ctx: AuditContext | None = None,
        watchlist_id: int | None = None,
        watchlist_version: int | None = None,
        result_count: int | None = None,
        outcome: str = "ok",
        detail: str = "",
    ) -> AuditRecord:
        ctx = ctx or AuditContext()
        fields: dict[str, Any] = {
            "ts": utcnow(),
            "actor_key_id": principal.key_id if principal else None,
            "role": principal.role if principal else "",
            "organisation_id": principal.organisation_id if principal else None,
            "action": action,
            "target": target[:200],
            "purpose": ctx.purpose,
            "case_number": ctx.case_number,
            "watchlist_id": watchlist_id,
            "watchlist_version": watchlist_version,
            "result_count": result_count,
            "outcome": outcome,
            "detail": detail[:2000],
        }
        with self._lock, self._sessions() as session, session.begin():
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_CHAIN_LOCK})
            prev = session.scalar(select(AuditRecord.row_hash).order_by(AuditRecord.id.desc()).limit(1))
            prev = prev or GENESIS
            row = AuditRecord(**fields, prev_hash=prev, row_hash=row_digest(prev, fields))
            session.add(row)
        log.debug("audit %s %s by key %s: %s", action, target, fields["actor_key_id"], outcome)
        return row
