"""Timestamps a client sends: they carry a time zone and lie inside what UTC can hold.

``UtcDateTime`` is the type of every date and time the API takes (query filters, body fields): a value
without a time zone is a 422 ("needs a time zone"), since a police system's local time read as UTC
would shift every search by two or three hours; a value whose UTC equivalent falls outside years
1-9999 (``0001-01-01T00:00:00+01:00``) is a 422 that says so, not an overflow in the database driver;
a number (``20261231``, ``1764000000``), which pydantic would read as seconds since 1970, is a 422
too: a date typed without its dashes would otherwise search from 1970 or expire in 1970.
Values come back converted to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator

from gateway.errors import InvalidInput
from shared.validation_uk import invalid

OUT_OF_RANGE = (
    "is out of range: in UTC it falls outside the years 1-9999",
    "поза допустимим діапазоном: за UTC виходить за межі років 1-9999",
)


def in_utc(value: datetime) -> datetime:
    """``value`` (time-zone aware) in UTC; a 422-worthy error when UTC cannot hold it."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise invalid(*OUT_OF_RANGE) from None


def field_in_utc(field: str, value: datetime) -> datetime:
    """``in_utc`` for a value read outside a schema (a header, a form field): ``InvalidInput`` naming
    ``field`` when UTC cannot hold it."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(field, *OUT_OF_RANGE) from None


_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


def not_a_number(value: Any) -> Any:
    """Refuse a number given as a date and time (RFC 3339 is asked for; see the module's docstring)."""
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise invalid(
            "must be a date and time in RFC 3339 with a time zone (e.g. 2026-11-26T08:00:00+02:00), "
            "not a number",
            "має бути датою й часом у форматі RFC 3339 з часовим поясом (напр. 2026-11-26T08:00:00+02:00), "
            "а не числом",
        )
    return value


UtcDateTime = Annotated[AwareDatetime, BeforeValidator(not_a_number), AfterValidator(in_utc)]
