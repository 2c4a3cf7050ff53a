"""The hash chain: ``row_hash = sha256(prev_hash + canonical(row))``; any silent edit breaks it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db.models import AuditRecord
from gateway.db.types import ID_MAX

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


ANCHOR_FORMAT = f"an anchor is ID:HASH (a row id from 1 to {ID_MAX}, a colon, 64 hex digits)"
ANCHOR_FORMAT_UK = (
    f"якір має вигляд ID:HASH (номер рядка від 1 до {ID_MAX}, двокрапка, 64 шістнадцяткові цифри)"
)


def parse_anchor(text: str) -> tuple[int, str]:
    """An anchor written as ``ID:HASH`` (as ``GET /v1/audit/head`` gives it) -> (id, hash).

    The id names a row: 1 to ``ID_MAX``. Any other number names no row that could ever have been
    written, so the check could only pass it as "purged" (0) or fail it as "missing", whatever its hash:
    such an anchor is refused as mistyped instead."""
    ident, sep, digest = text.strip().partition(":")
    if (
        not sep
        or not (ident.isascii() and ident.isdigit() and len(ident) <= len(str(ID_MAX)))
        or not 1 <= int(ident) <= ID_MAX
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(f"{ANCHOR_FORMAT}, not {text!r}")
    return int(ident), digest


def verify_chain(session: Session, batch: int = 5000, anchors: Sequence[tuple[int, str]] = ()) -> ChainReport:
    """Walk the log in id order; report the first row whose hash or link does not match.

    After a retention purge the oldest remaining row links to a deleted one: its ``prev_hash`` is
    trusted as the starting point (the purge itself is an audited action).

    ``anchors`` are (row id, row hash) pairs recorded outside Varta earlier (``GET /v1/audit/head``).
    Whoever rewrites a row and every hash after it keeps the chain consistent, but not an anchor: a
    row still present whose hash differs from its anchor's, or an anchored row missing from the part
    of the log that retention keeps, fails the check.
    """
    wanted = dict(anchors)
    checked, prev, last_id, first_id = 0, None, 0, None
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.id > last_id).order_by(AuditRecord.id).limit(batch)
        ).all()
        if not rows:
            return _check_missing(wanted, ChainReport(True, checked, first_id), last_id)
        for row in rows:
            first_id = row.id if first_id is None else first_id
            if prev is not None and row.prev_hash != prev:
                return ChainReport(False, checked, first_id, row.id, "link to the previous row is broken")
            fields = {name: getattr(row, name) for name in CHAINED_FIELDS}
            if row_digest(row.prev_hash, fields) != row.row_hash:
                return ChainReport(False, checked, first_id, row.id, "row content does not match its hash")
            if wanted.pop(row.id, row.row_hash) != row.row_hash:
                return ChainReport(False, checked, first_id, row.id, "row hash differs from its anchor")
            prev, last_id, checked = row.row_hash, row.id, checked + 1
        session.expunge_all()


def _check_missing(wanted: dict[int, str], report: ChainReport, last_id: int) -> ChainReport:
    """Anchors left over name rows not found: fine if retention purged them, not if they should be there."""
    first = report.first_id if report.first_id is not None else last_id + 1
    gone = sorted(i for i in wanted if first <= i)
    if gone:
        return ChainReport(False, report.checked, report.first_id, gone[0], "anchored row is missing")
    return report
