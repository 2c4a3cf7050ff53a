"""Reading an uploaded CSV (``gateway.watchlists.csv_rows``): quoting and ``valid_until``, without HTTP."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.errors import RowError, UploadRejected
from gateway.watchlists.csv_rows import parse_valid_until, read_rows, unclosed_quote_line

COLUMNS = ("plate",), ("reason",)
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _rows(text: str) -> list[tuple[int, dict[str, str] | None]]:
    return list(read_rows(text, *COLUMNS, max_rows=100))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('plate,reason\nQQ0001QQ,"abc\nQQ0002QQ,x\nQQ0003QQ,y\n', 2),
        ('plate,reason\r\nQQ0001QQ,"abc\r\nQQ0002QQ,x\r\n', 2),
        ('plate,reason\rQQ0001QQ,x\rQQ0002QQ,"abc\rQQ0003QQ,y', 3),
        ('plate,reason\nQQ0001QQ,"two\nlines"\nQQ0002QQ,"abc\nQQ0003QQ,y\n', 4),
        ('plate,reason\nQQ0001QQ,"ab ""c"" d\n', 2),  # the quotes inside are doubled, the cell's own is not
        ('plate,reason\nQQ0001QQ,"', 2),
        ('"plate,reason\nQQ0001QQ,x\n', 1),
    ],
)
def test_a_quote_never_closed_is_refused_naming_its_line(text: str, line: int) -> None:
    with pytest.raises(UploadRejected) as err:
        _rows(text)
    assert f"line {line} " in err.value.detail and "never closed" in err.value.detail
    assert f"рядку {line}," in err.value.detail_uk and "не закриті" in err.value.detail_uk


def test_a_quote_never_closed_is_refused_even_by_a_reader_that_does_not_raise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Some csv readers end the cell at the end of the file silently: the check does not rely on them."""
    reader = csv.reader

    def lenient(source: Any, **kwargs: Any) -> Any:
        return reader(source, **(kwargs | {"strict": False}))

    monkeypatch.setattr(csv, "reader", lenient)
    with pytest.raises(UploadRejected, match="line 3 "):
        _rows('plate,reason\nQQ0001QQ,ok\nQQ0002QQ,"abc\nQQ0003QQ,x\n')
    assert [row for row, _ in _rows('plate,reason\nQQ0001QQ,"a\nb"\nQQ0002QQ,x\n')] == [2, 3]


def test_text_after_a_closing_quote_is_refused_naming_its_line() -> None:
    with pytest.raises(UploadRejected) as err:
        _rows('plate,reason\nQQ0001QQ,"abc\nQQ0002QQ,"x\nQQ0003QQ,y\n')
    assert "line 3;" in err.value.detail and "closing quote" in err.value.detail
    assert "рядку 3 " in err.value.detail_uk


def test_closed_quotes_and_quotes_inside_unquoted_cells_are_read_as_written() -> None:
    text = 'plate,reason\r\nQQ0001QQ,"two\r\nlines, ""quoted"""\r\nQQ0002QQ,a 5" pipe\r\n\r\nQQ0003QQ,""\r\n'
    assert _rows(text) == [
        (2, {"plate": "QQ0001QQ", "reason": 'two\r\nlines, "quoted"'}),
        (3, {"plate": "QQ0002QQ", "reason": 'a 5" pipe'}),
        (5, {"plate": "QQ0003QQ", "reason": ""}),
    ]


@pytest.mark.parametrize(
    ("text", "first", "line"),
    [
        ('a,"b\nc', 1, 1),
        ('x\na,"b\nc', 2, 2),
        ('a,"b\n"\nc,"d', 1, None),  # the record of line 1 ends on line 2; the open quote is another's
        ('a,"b\n"\nc,"d', 3, 3),
        ('a,b"c\n', 1, None),
        ("", 1, None),
    ],
)
def test_unclosed_quote_line(text: str, first: int, line: int | None) -> None:
    assert unclosed_quote_line(text, first) == line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("2030-01-01", datetime(2030, 1, 2, tzinfo=UTC)),  # valid through that day (UTC)
        (" 2030-01-01T00:00:00Z ", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T02:00:00+02:00", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01 02:00+02:00", datetime(2030, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_date_or_a_date_time_with_a_zone_is_read_in_utc(value: str, expected: datetime | None) -> None:
    assert parse_valid_until(value, 2, NOW) == expected


@pytest.mark.parametrize(
    ("value", "says", "says_uk"),
    [
        ("2030-01-01T00:00:00", "needs a time zone", "потрібен часовий пояс"),
        ("2030-01-01T00:00", "needs a time zone", "потрібен часовий пояс"),
        ("2030W011T1", "must be a date and time", "має бути датою й часом"),
        ("20300101Z0", "must be a date and time", "має бути датою й часом"),
        ("2030-W01-1", "must be a date and time", "має бути датою й часом"),
        ("31/12/2030", "must be a date and time", "має бути датою й часом"),
        ("2030-02-30", "not a date", "не дата"),
        ("9999-12-31", "out of range", "поза межами"),
        ("9999-12-31T23:00:00-05:00", "out of range", "поза допустимим діапазоном"),
    ],
)
def test_a_value_without_a_zone_or_not_iso_is_a_bilingual_row_error(
    value: str, says: str, says_uk: str
) -> None:
    err = parse_valid_until(value, 7, NOW)
    assert isinstance(err, RowError)
    assert (err.row, err.field, err.error) == (7, "valid_until", "bad_date")
    assert says in err.detail and value in err.detail, err
    assert says_uk in err.detail_uk and value in err.detail_uk, err


def test_a_past_value_is_expired() -> None:
    err = parse_valid_until("2026-10-31T23:59:59+00:00", 3, NOW)
    assert isinstance(err, RowError) and err.error == "expired"
