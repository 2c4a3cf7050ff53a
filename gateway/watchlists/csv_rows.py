"""Reading uploaded CSV safely: UTF-8 only (BOM allowed), every quote closed, known columns, no spreadsheet
formulas, dates and times as the JSON routes take them."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from pydantic import TypeAdapter, ValidationError

from gateway.errors import RowError, UploadRejected
from gateway.timestamps import UtcDateTime
from shared.validation_uk import BILINGUAL, describe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = b"\xef\xbb\xbf"
#: a cell as the strict csv reader reads it: quoted (group 1; group 2 is its closing quote, empty if the
#: text ends first) or not, up to the comma or line end after it
_CELL = re.compile(r'("(?:[^"]+|"")*("?))?[^,\r\n]*')
_LINE_END = re.compile(r"\r\n?|\n")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: a date and time as every JSON route and query takes it (time zone required, kept in UTC)
_DATE_TIME: TypeAdapter[datetime] = TypeAdapter(UtcDateTime)


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
    if "expected after" in str(exc):
        return UploadRejected(
            f"The {what} file has text after the closing quote of a cell on line {line}; a quoted cell "
            'ends at a comma or at the end of its line (a quote inside it is written twice: "").',
            f"У файлі {what} у рядку {line} після лапок, що закривають клітинку, іде ще текст; клітинка "
            'в лапках закінчується комою або кінцем рядка (лапки всередині неї пишуться двічі: "").',
        )
    return UploadRejected(
        f"The {what} file cannot be read as CSV at line {line} ({exc}).",
        f"Файл {what} не читається як CSV у рядку {line} ({exc}).",
    )


def _unclosed(line: int, what: str) -> UploadRejected:
    return UploadRejected(
        f"The {what} file has a quote that opens a cell on line {line} and is never closed, so every "
        "line after it would be read into that cell; close the quote or remove it.",
        f"У файлі {what} лапки, що відкривають клітинку в рядку {line}, ніде не закриті, тож усі "
        "наступні рядки потрапили б у цю клітинку; закрийте лапки або приберіть їх.",
    )


def unclosed_quote_line(text: str, first: int) -> int | None:
    """The line of a quote that opens a cell of the record starting on line ``first`` and is never
    closed (the record runs to the end of the file), or None. Lines end as the csv reader ends them."""
    source = io.StringIO(text, newline="")
    for _ in range(first - 1):
        source.readline()
    start = source.tell()
    pos = start
    while True:
        cell = _CELL.match(text, pos)
        assert cell is not None  # it matches the empty string
        if cell.group(1) and not cell.group(2):
            return first + len(_LINE_END.findall(text, start, pos))
        pos = cell.end()
        if text[pos : pos + 1] != ",":
            return None  # the record ends here
        pos += 1


def _records(text: str, what: str) -> Iterator[list[str]]:
    """The CSV's records, read strictly; a reader error becomes an ``UploadRejected`` naming the line.

    A quote that opens a cell and is never closed would make the rest of the file that one cell (rows
    lost without an error): it is refused, naming its line, whether or not the reader raises for it
    (``strict`` does for a file that ends inside a quoted cell, but the check does not rely on that)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = last = 1  # the line the next record starts on, and the line the last one read started on
    try:
        for record in reader:
            last, start = start, reader.line_num + 1
            yield record
    except csv.Error as exc:
        opened = unclosed_quote_line(text, start)
        if opened is None:
            raise _unparsable(exc, reader.line_num, what) from None
        raise _unclosed(opened, what) from None
    opened = unclosed_quote_line(text, last)
    if opened is not None:
        raise _unclosed(opened, what)


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


def _bad_date(row: int, detail: str, detail_uk: str) -> RowError:
    return row_error(row, "valid_until", "bad_date", detail, detail_uk)


def parse_valid_until(value: str, row: int, now: datetime) -> datetime | RowError | None:
    """Empty = no expiry; ``YYYY-MM-DD`` = valid through that day (UTC); otherwise a date and time as
    the JSON routes take it (``UtcDateTime``): with a time zone, one without is refused, never read as UTC."""
    value = value.strip()
    if not value:
        return None
    try:
        if _DATE.fullmatch(value):
            ts = datetime.combine(date.fromisoformat(value), time.min, UTC) + timedelta(days=1)
        else:
            ts = _DATE_TIME.validate_python(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        detail, detail_uk = describe(err)
        if err["type"] != BILINGUAL:  # not one of ours (out of range): unreadable, or no time zone
            detail += "; or give a date alone, YYYY-MM-DD (valid through that day, UTC)"
            detail_uk += "; або вкажіть лише дату, РРРР-ММ-ДД (чинна до кінця цього дня за UTC)"
        return _bad_date(row, f"{value!r}: {detail}", f"{value!r}: {detail_uk}")
    except ValueError:
        return _bad_date(
            row, f"not a date: {value!r} (use YYYY-MM-DD)", f"не дата: {value!r} (формат РРРР-ММ-ДД)"
        )
    except OverflowError:  # the day after 9999-12-31
        return _bad_date(
            row,
            f"out of range: {value!r} (use a date before 9999-12-31)",
            f"поза межами: {value!r} (вкажіть дату до 9999-12-31)",
        )
    if ts <= now:
        return row_error(row, "valid_until", "expired", f"{value} is in the past", f"{value} вже минула")
    return ts
