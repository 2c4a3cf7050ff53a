"""How long a WebM (Matroska) plays, read from its EBML elements in pure Python.

The first Segment's ``Info/Duration`` times ``TimestampScale`` is what a player shows; the blocks
themselves may run past it (a recorder that never wrote a Duration, or a crafted file), so every
Cluster's ``Timestamp`` plus each of its blocks' relative timestamp (and ``BlockDuration``) is read
too, and the longer of the two is kept. Only a Segment and a Cluster may have an unknown size (a
live recording): such a Cluster ends where an element of the Segment's own level begins.
"""

from __future__ import annotations

import math
import struct

from gateway.reports.container import Budget, Malformed

SEGMENT = 0x18538067
INFO = 0x1549A966
CLUSTER = 0x1F43B675
TIMESTAMP_SCALE = 0x2AD7B1
DURATION = 0x4489
TIMESTAMP = 0xE7
SIMPLE_BLOCK = 0xA3
BLOCK_GROUP = 0xA0
BLOCK = 0xA1
BLOCK_DURATION = 0x9B
# what may follow a Cluster in a Segment (SeekHead, Info, Tracks, Cues, Chapters, Tags, Attachments),
# and the EBML header of a next file
_SEGMENT_LEVEL = {0x114D9B74, INFO, 0x1654AE6B, 0x1C53BB6B, 0x1043A770, 0x1254C367, 0x1941A469, CLUSTER}
_ENDS_CLUSTER = _SEGMENT_LEVEL | {SEGMENT, 0x1A45DFA3}
NS = 1e9
DEFAULT_SCALE = 1_000_000  # nanoseconds a timestamp tick lasts when Info states no TimestampScale


def _sized(size: int | None) -> int:
    if size is None:
        raise Malformed(
            "an element other than a Segment or a Cluster has an unknown size",
            "елемент, що не є Segment чи Cluster, має невідомий розмір",
        )
    return size


def _invalid() -> Malformed:
    return Malformed(
        "an element's ID or size is not valid EBML", "ідентифікатор або розмір елемента не є дійсним EBML"
    )


class _Reading:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.budget = Budget()
        self.scale = DEFAULT_SCALE
        self.duration: float | None = None  # Info/Duration, in ticks
        self.last_tick: int | None = None  # the latest block end seen, in ticks

    def vint(self, pos: int, end: int, *, is_id: bool) -> tuple[int, int, bool]:
        """A variable-length integer at ``pos``: its value, its length and whether it is all ones."""
        if pos >= end:
            raise _invalid()
        length = 9 - self.data[pos].bit_length()  # one leading zero bit per extra byte
        if length > (4 if is_id else 8) or pos + length > end:
            raise _invalid()
        raw = int.from_bytes(self.data[pos : pos + length], "big")
        value = raw & ((1 << (7 * length)) - 1)
        return (raw if is_id else value), length, value == (1 << (7 * length)) - 1

    def element(self, pos: int, end: int) -> tuple[int, int, int | None]:
        """The ID, where the payload starts and its size (None: unknown) of the element at ``pos``."""
        self.budget.spend()
        ident, id_len, _ = self.vint(pos, end, is_id=True)
        size, size_len, unknown = self.vint(pos + id_len, end, is_id=False)
        start = pos + id_len + size_len
        if unknown:
            return ident, start, None
        if size > end - start:
            raise Malformed(
                "an element does not fit in what holds it", "елемент не вміщується в те, що його містить"
            )
        return ident, start, size

    def known(self, pos: int, end: int) -> tuple[int, int, int]:
        ident, start, size = self.element(pos, end)
        return ident, start, _sized(size)

    def uint(self, start: int, size: int) -> int:
        if size > 8:
            raise _invalid()
        return int.from_bytes(self.data[start : start + size], "big")

    def reach(self, tick: int) -> None:
        self.last_tick = tick if self.last_tick is None else max(self.last_tick, tick)


def duration_s(data: bytes) -> float | None:
    """The longer of Info/Duration and the blocks' timeline, in seconds; None if neither is there."""
    r = _Reading(data)
    pos, end = 0, len(data)
    while end - pos >= 2:
        ident, start, size = r.element(pos, end)
        if ident == SEGMENT:
            _segment(r, start, end if size is None else start + size)
            break  # a player plays the first Segment
        pos = start + _sized(size)
    seconds = [
        ticks * r.scale / NS for ticks in (r.duration, r.last_tick) if ticks is not None and ticks >= 0
    ]
    return max(seconds, default=None)


def _segment(r: _Reading, pos: int, end: int) -> None:
    while end - pos >= 2:
        ident, start, size = r.element(pos, end)
        if ident == CLUSTER:
            pos = _cluster(r, start, end if size is None else start + size, open_ended=size is None)
            continue
        if ident == INFO:
            _info(r, start, start + _sized(size))
        pos = start + _sized(size)


def _info(r: _Reading, pos: int, end: int) -> None:
    while end - pos >= 2:
        ident, start, size = r.known(pos, end)
        if ident == TIMESTAMP_SCALE:
            r.scale = r.uint(start, size)
            if r.scale == 0:
                raise Malformed("the TimestampScale is zero", "TimestampScale дорівнює нулю")
        elif ident == DURATION:
            r.duration = _float(r.data, start, size)
        pos = start + size


def _float(data: bytes, start: int, size: int) -> float:
    if size not in (0, 4, 8):
        raise _invalid()
    value = struct.unpack_from(">f" if size == 4 else ">d", data, start)[0] if size else 0.0
    if not math.isfinite(value) or value < 0:
        raise Malformed("the Duration is not a finite number", "Duration не є скінченним числом")
    return float(value)


def _cluster(r: _Reading, pos: int, end: int, *, open_ended: bool) -> int:
    """Read one Cluster's blocks; return where it ends (for one of unknown size, where the next
    element of the Segment's level starts)."""
    base = 0
    while end - pos >= 2:
        ident, start, length = r.element(pos, end)
        if open_ended and ident in _ENDS_CLUSTER:
            return pos
        size = _sized(length)
        if ident == TIMESTAMP:
            base = r.uint(start, size)
        elif ident == SIMPLE_BLOCK:
            r.reach(base + _relative(r, start, start + size))
        elif ident == BLOCK_GROUP:
            r.reach(base + _group(r, start, start + size))
        pos = start + size
    return end


def _group(r: _Reading, pos: int, end: int) -> int:
    """A BlockGroup's block: its relative timestamp plus its BlockDuration, if any."""
    relative, duration = 0, 0
    while end - pos >= 2:
        ident, start, size = r.known(pos, end)
        if ident == BLOCK:
            relative = _relative(r, start, start + size)
        elif ident == BLOCK_DURATION:
            duration = r.uint(start, size)
        pos = start + size
    return relative + duration


def _relative(r: _Reading, start: int, end: int) -> int:
    """A block's timestamp relative to its Cluster: a signed 16-bit number after the track number."""
    _, length, _ = r.vint(start, end, is_id=False)
    if start + length + 2 > end:
        raise Malformed("a block is too short for its header", "блок закороткий для свого заголовка")
    return int(struct.unpack_from(">h", r.data, start + length)[0])
