"""The hash chain: ``row_hash = sha256(prev_hash + canonical(row))``; any silent edit breaks it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db.models import AuditRecord

GENESIS = "0" * 64
CHAINED_FIELDS = (
    "ts",
    "actor_key_id",
    "role",
    "organisation_id",
    "action",
    "target",
    "purpose",
    "case_number",
    "watchlist_id",
    "watchlist_version",
    "result_count",
    "outcome",
    "detail",
)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def row_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        [_canonical_value(fields.get(name)) for name in CHAINED_FIELDS],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


@dataclass
class ChainReport:
    ok: bool
    checked: int
    first_id: int | None = None
    bad_id: int | None = None
    reason: str = ""


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the log in id order; report the first row whose hash or link does not match.

    After a retention purge the oldest remaining row links to a deleted one: its ``prev_hash`` is
    trusted as the starting point (the purge itself is an audited action).
    """
    checked, prev, last_id, first_id = 0, None, 0, None
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id).limit(batch)
        ).all()
        if not rows:
            return ChainReport(True, checked, first_id)
        for row in rows:
            first_id = row.id if first_id is None else first_id
            if prev is not None and row.prev_hash != prev:
                return ChainReport(False, checked, first_id, row.id, "link to the previous row is broken")
            fields = {name: getattr(row, name) for name in CHAINED_FIELDS}
            if row_digest(row.prev_hash, fields) != row.row_hash:
                return ChainReport(False, checked, first_id, row.id, "row content does not match its hash")
            prev, last_id, checked = row.row_hash, row.id, checked + 1
        session.expunge_all()
