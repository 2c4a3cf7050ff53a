"""Bulk plate upload from CSV (plate,reason,valid_until,notes): every row checked, then all-or-valid."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.config import UploadLimits
from gateway.db.models import PlateEntry, Watchlist
from gateway.db.types import utcnow
from gateway.errors import InvalidInput, RowError, UploadRejected
from gateway.matching.patterns import PatternError, normalize_pattern
from gateway.watchlists.csv_rows import (
    decode_utf8,
    formula_cell,
    parse_valid_until,
    read_rows,
    row_error,
    too_many_cells,
)
from gateway.watchlists.schemas import UploadMode
from gateway.watchlists.service import bump

COLUMNS = ("plate",), ("reason", "valid_until", "notes")
TEXT_LIMITS = {"reason": 500, "notes": 2000}


@dataclass
class BulkOutcome:
    added: list[PlateEntry]
    rejected: list[RowError]


def _check_row(row: int, cells: dict[str, str], seen: set[str], existing: set[str]) -> PlateEntry | RowError:
    bad = formula_cell(cells, row, ("plate", "reason", "notes", "valid_until"))
    if bad:
        return bad
    try:
        pattern, wildcard = normalize_pattern(cells["plate"])
    except PatternError as exc:
        return row_error(row, "plate", "bad_plate", exc.detail, exc.detail_uk)
    if pattern in seen:
        return row_error(
            row, "plate", "duplicate", f"{pattern} is repeated in the file", f"{pattern} повторюється"
        )
    if pattern in existing:
        return row_error(
            row, "plate", "exists", f"{pattern} is already in the list", f"{pattern} вже є у списку"
        )
    for name, limit in TEXT_LIMITS.items():
        if len(cells.get(name, "")) > limit:
            return row_error(
                row, name, "too_long", f"longer than {limit} characters", f"довше за {limit} символів"
            )
    until = parse_valid_until(cells.get("valid_until", ""), row, utcnow())
    if isinstance(until, RowError):
        return until
    seen.add(pattern)
    return PlateEntry(
        pattern=pattern,
        is_wildcard=wildcard,
        reason=cells.get("reason", "").strip(),
        valid_until=until,
        notes=cells.get("notes", "").strip(),
    )


def import_plates_csv(
    session: Session,
    wl: Watchlist,
    data: bytes,
    mode: UploadMode,
    limits: UploadLimits,
    created_by: int | None,
) -> BulkOutcome:
    """Validate every row; add the valid ones (none if all-or-nothing and a row is bad). Not committed."""
    if wl.kind != "plates":
        raise InvalidInput(
            "watchlist", "this is a persons list; upload a ZIP", "це список осіб; завантажте ZIP"
        )
    if len(data) > limits.max_csv_bytes:
        raise UploadRejected(
            f"The CSV is larger than {limits.max_csv_bytes} bytes.",
            f"CSV більший за {limits.max_csv_bytes} байтів.",
        )
    text = decode_utf8(data)
    existing = set(session.scalars(select(PlateEntry.pattern).where(PlateEntry.watchlist_id == wl.id)))
    good: list[PlateEntry] = []
    rejected: list[RowError] = []
    seen: set[str] = set()
    for row, cells in read_rows(text, *COLUMNS, max_rows=limits.max_csv_rows):
        result = too_many_cells(row) if cells is None else _check_row(row, cells, seen, existing)
        (rejected if isinstance(result, RowError) else good).append(result)  # type: ignore[arg-type]
    if rejected and mode == "all_or_nothing":
        raise UploadRejected(
            f"{len(rejected)} row(s) rejected; nothing was added (mode=all_or_nothing).",
            f"Відхилено рядків: {len(rejected)}; нічого не додано (mode=all_or_nothing).",
            rejected,
        )
    if not good:
        raise UploadRejected(
            "No valid rows; nothing was added.",
            "Немає жодного правильного рядка; нічого не додано.",
            rejected,
        )
    for entry in good:
        entry.watchlist_id = wl.id
        entry.created_by = created_by
    session.add_all(good)
    bump(wl)
    session.flush()
    return BulkOutcome(good, rejected)
