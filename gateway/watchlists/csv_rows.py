"""Reading uploaded CSV safely: UTF-8 only (BOM allowed), known columns, no spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from gateway.errors import RowError, UploadRejected

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"


def row_error(row: int, field: str | None, error: str, detail: str, detail_uk: str) -> RowError:
    return RowError(row=row, field=field, error=error, detail=detail, detail_uk=detail_uk)


def decode_utf8(data: bytes, what: str = "CSV") -> str:
    """UTF-8 with or without BOM; anything else is refused with advice on how to save the file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UploadRejected(
            f"The {what} file is UTF-16; save it as 'CSV UTF-8'.",
            f"Файл {what} у кодуванні UTF-16; збережіть його як «CSV UTF-8».",
        )
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadRejected(
            f"The {what} file is not UTF-8 (invalid byte at offset {exc.start}; Windows-1251?). "
            "Save it as 'CSV UTF-8'.",
            f"Файл {what} не в кодуванні UTF-8 (недійсний байт на позиції {exc.start}; Windows-1251?). "
            "Збережіть його як «CSV UTF-8».",
        ) from None
    if "\x00" in text:
        raise UploadRejected(f"The {what} file contains NUL bytes.", f"Файл {what} містить байти NUL.")
    return text


def _unparsable(exc: csv.Error, line: int, what: str) -> UploadRejected:
    """The reader gave up on the file (a cell over its size limit, say): nothing of it is used."""
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(exc):
        return UploadRejected(
            f"The {what} file has a cell longer than {limit} characters (line {line}).",
            f"Файл {what} містить клітинку, довшу за {limit} символів (рядок {line}).",
        )
    return UploadRejected(
        f"The {what} file cannot be read as CSV at line {line} ({exc}).",
        f"Файл {what} не читається як CSV у рядку {line} ({exc}).",
    )


def _records(text: str, what: str) -> Iterator[list[str]]:
    """The CSV's records; a reader error becomes an ``UploadRejected`` naming the line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error as exc:
        raise _unparsable(exc, reader.line_num, what) from None


def read_rows(
    text: str, required: tuple[str, ...], optional: tuple[str, ...], max_rows: int, what: str = "CSV"
) -> Iterator[tuple[int, dict[str, str] | None]]:
    """Yield (row number, cells or None if the row has too many cells); the header is row 1."""
    reader = _records(text, what)
    header = [h.strip().lower() for h in next(reader, [])]
    allowed = set(required) | set(optional)
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in allowed]
    if missing or unknown or len(set(header)) != len(header):
        raise UploadRejected(
            f"Bad header {header}: columns must be {', '.join(required + optional)} "
            f"(missing: {missing or '-'}, unknown: {unknown or '-'}).",
            f"Неправильний заголовок {header}: стовпці мають бути {', '.join(required + optional)} "
            f"(бракує: {missing or '-'}, невідомі: {unknown or '-'}).",
        )
    for index, cells in enumerate(reader, start=2):
        if index - 1 > max_rows:
            raise UploadRejected(
                f"More than {max_rows} rows; split the file.", f"Понад {max_rows} рядків; розділіть файл."
            )
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            yield index, None
            continue
        yield index, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)}


def too_many_cells(row: int) -> RowError:
    return row_error(
        row, None, "too_many_cells", "more cells than header columns", "більше клітинок, ніж стовпців"
    )


def formula_cell(cells: dict[str, str], row: int, fields: tuple[str, ...]) -> RowError | None:
    """Cells that a spreadsheet would run as a formula (CSV injection) are refused, not escaped."""
    for name in fields:
        value = cells.get(name, "")
        if value.startswith(FORMULA_START):
            return row_error(
                row,
                name,
                "formula",
                f"cell starts with {value[0]!r}: looks like a spreadsheet formula",
                "клітинка починається як формула електронної таблиці",
            )
    return None


def parse_valid_until(value: str, row: int, now: datetime) -> datetime | RowError | None:
    """Empty = no expiry; ``YYYY-MM-DD`` = valid through that day (UTC); ISO datetime (naive = UTC)."""
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            ts = datetime.combine(date.fromisoformat(value), time.min, UTC) + timedelta(days=1)
        else:
            ts = datetime.fromisoformat(value.replace("Z", "+00:00"))
            ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    except ValueError:
        return row_error(
            row,
            "valid_until",
            "bad_date",
            f"not a date: {value!r} (use YYYY-MM-DD)",
            f"не дата: {value!r} (формат РРРР-ММ-ДД)",
        )
    except OverflowError:  # the day after 9999-12-31, or a time zone that pushes it past
        return row_error(
            row,
            "valid_until",
            "bad_date",
            f"out of range: {value!r} (use a date before 9999-12-31)",
            f"поза межами: {value!r} (вкажіть дату до 9999-12-31)",
        )
    if ts <= now:
        return row_error(row, "valid_until", "expired", f"{value} is in the past", f"{value} вже минула")
    return ts
