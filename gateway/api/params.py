"""Path and query parameter types the routes share, bounded to what the database holds.

An id or a page position beyond a column's range cannot name a row; unbounded, it reached the driver
(SQLite's INTEGER ends at 2**63 - 1) and came back as a 500. Bounded here, it is a 422 that says so.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gateway.db.types import ID_MAX
from gateway.timestamps import UtcDateTime

#: a page position: SQLite's and PostgreSQL's OFFSET take 64-bit integers
OFFSET_MAX = 2**63 - 1
_TIME = "RFC 3339 with a time zone, e.g. 2026-11-26T08:00:00+02:00"

RowId = Annotated[int, Path(ge=1, le=ID_MAX)]
Offset = Annotated[int, Query(ge=0, le=OFFSET_MAX, description="rows to skip")]
IdFilter = Annotated[int | None, Query(ge=1, le=ID_MAX)]
Since = Annotated[UtcDateTime | None, Query(description=_TIME)]
Until = Annotated[UtcDateTime | None, Query(description=_TIME)]
