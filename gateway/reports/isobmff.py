"""How long an MP4 or MOV plays, read from its boxes (ISO/IEC 14496-12 and QuickTime) in pure Python.

A file states its length in several places, and a crafted one makes them disagree (a handful of
frames whose last presentation time lies at 600 s reads as a second long from the frame count and
rate). A player goes by the boxes, so every timeline they state is read and the longest is kept:

* the movie header (``mvhd``), each track's header (``tkhd``) and edit list (``elst``), in the
  movie's time scale;
* each track's media header (``mdhd``) and its sample table: the ``stts`` decode deltas summed plus
  the largest ``ctts`` composition offset, in the track's own time scale;
* fragmented files: the fragment duration (``mvex/mehd``), and for each track fragment its base
  decode time (``tfdt``, else where the previous one ended) plus its runs' sample durations and
  largest composition offset (``trun``); segment indexes (``sidx``).

A duration of all ones means "not known" in the standard and is skipped; sums are taken in floating
point, so no count times delta can wrap around to a small number.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from gateway.reports.container import Budget, Malformed, printable

_UNKNOWN = {0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF}


@dataclass(frozen=True)
class Box:
    kind: bytes
    start: int  # the first byte after the header
    end: int


@dataclass
class _Track:
    timescale: int = 0
    track_id: int | None = None
    default_duration: int = 0  # trex: a fragment's sample duration when neither tfhd nor trun gives one
    next_decode: float = 0.0  # where this track's fragments have reached, in its time scale


@dataclass
class _Reading:
    """The file's data and what has been read from it so far."""

    data: bytes
    budget: Budget = field(default_factory=Budget)
    seconds: list[float] = field(default_factory=list)
    tracks: dict[int, _Track] = field(default_factory=dict)

    def children(self, start: int, end: int) -> Iterator[Box]:
        """The boxes between ``start`` and ``end``; fewer than 8 bytes left over are padding."""
        pos = start
        while end - pos >= 8:
            self.budget.spend()
            size, kind = struct.unpack_from(">I4s", self.data, pos)
            header = 8
            if size == 1:  # a 64-bit size follows the name
                if end - pos < 16:
                    raise _does_not_fit(kind)
                (size,) = struct.unpack_from(">Q", self.data, pos + 8)
                header = 16
            elif size == 0:  # to the end of what holds it
                size = end - pos
            if size < header or size > end - pos:
                raise _does_not_fit(kind)
            yield Box(kind, pos + header, pos + size)
            pos += size

    def full(self, box: Box, v0: str, v1: str) -> tuple[int, int, tuple[int, ...]]:
        """A full box's version, flags and the fields after them (``v1`` layout for version 1)."""
        if box.end - box.start < 4:
            raise _too_short(box.kind)
        version, flags = self.data[box.start], int.from_bytes(self.data[box.start + 1 : box.start + 4], "big")
        return version, flags, self.fields(box, box.start + 4, v1 if version == 1 else v0)

    def fields(self, box: Box, pos: int, layout: str) -> tuple[int, ...]:
        fmt = ">" + layout
        if pos + struct.calcsize(fmt) > box.end:
            raise _too_short(box.kind)
        return struct.unpack_from(fmt, self.data, pos)

    def table(self, box: Box, pos: int, count: int, dtype: np.dtype) -> np.ndarray:
        """``count`` rows of ``dtype`` at ``pos``, all inside the box."""
        if count * dtype.itemsize > box.end - pos:
            raise _too_short(box.kind)
        return np.frombuffer(self.data, dtype=dtype, count=count, offset=pos)

    def add(self, ticks: int, timescale: int) -> None:
        """A duration a header states (all ones: not known)."""
        if ticks not in _UNKNOWN:
            self.seconds.append(ticks / timescale)


def duration_s(data: bytes) -> float | None:
    """The longest timeline the boxes state, in seconds; None if they state none (no ``moov``)."""
    reading = _Reading(data)
    moovs, later = [], []
    for box in reading.children(0, len(data)):
        if box.kind == b"moov":
            moovs.append(box)
        elif box.kind in (b"moof", b"sidx"):
            later.append(box)
    for moov in moovs:  # the tracks first: fragments refer to them
        _movie(reading, moov)
    for box in later:
        if box.kind == b"moof":
            _fragment(reading, box)
        else:
            _segment_index(reading, box)
    return max(reading.seconds, default=None)


def _stated(r: _Reading, boxes: list[Box], kind: bytes, missing: str, missing_uk: str) -> int:
    """The timescale of the movie's or a track's media header ``kind`` (``mvhd``, ``mdhd``: one layout)
    among ``boxes``; the duration it states is added. No such header is ``Malformed(missing)``."""
    header = next((b for b in boxes if b.kind == kind), None)
    if header is None:
        raise Malformed(missing, missing_uk)
    _, _, (_, _, timescale, duration) = r.full(header, "IIII", "QQIQ")
    _check_timescale(header, timescale)
    r.add(duration, timescale)
    return int(timescale)


def _movie(r: _Reading, moov: Box) -> None:
    boxes = list(r.children(moov.start, moov.end))
    timescale = _stated(
        r, boxes, b"mvhd", "the movie has no header (mvhd)", "у фільмі немає заголовка (mvhd)"
    )
    defaults: dict[int, int] = {}
    for box in boxes:
        if box.kind == b"trak":
            _track(r, box, timescale)
        elif box.kind == b"mvex":
            for ext in r.children(box.start, box.end):
                if ext.kind == b"mehd":
                    r.add(r.full(ext, "I", "Q")[2][0], timescale)
                elif ext.kind == b"trex":
                    track_id, _, default_duration, _, _ = r.full(ext, "IIIII", "IIIII")[2]
                    defaults[track_id] = default_duration
    for track_id, default_duration in defaults.items():
        if track_id in r.tracks:
            r.tracks[track_id].default_duration = default_duration


def _track(r: _Reading, trak: Box, movie_timescale: int) -> None:
    track = _Track()
    for box in r.children(trak.start, trak.end):
        if box.kind == b"tkhd":
            _, _, (_, _, track_id, _, duration) = r.full(box, "IIIII", "QQIIQ")
            track.track_id = track_id
            r.add(duration, movie_timescale)
        elif box.kind == b"edts":
            for elst in (b for b in r.children(box.start, box.end) if b.kind == b"elst"):
                r.seconds.append(_edits(r, elst) / movie_timescale)
        elif box.kind == b"mdia":
            _media(r, box, track)
    if track.track_id is not None and track.timescale:
        r.tracks[track.track_id] = track


def _edits(r: _Reading, elst: Box) -> float:
    version, _, (count,) = r.full(elst, "I", "I")
    width = "u8" if version == 1 else "u4"
    rows = r.table(
        elst, elst.start + 8, count, np.dtype([("d", ">" + width), ("t", ">" + width), ("r", ">u4")])
    )
    return float(rows["d"].sum(dtype=np.float64))


def _media(r: _Reading, mdia: Box, track: _Track) -> None:
    boxes = list(r.children(mdia.start, mdia.end))
    missing, missing_uk = "a track has no media header (mdhd)", "у доріжки немає заголовка медіа (mdhd)"
    timescale = track.timescale = _stated(r, boxes, b"mdhd", missing, missing_uk)
    for minf in (b for b in boxes if b.kind == b"minf"):
        for stbl in (b for b in r.children(minf.start, minf.end) if b.kind == b"stbl"):
            _samples(r, stbl, timescale)


def _samples(r: _Reading, stbl: Box, timescale: int) -> None:
    """The last sample's decode end (``stts``) plus the largest composition offset (``ctts``)."""
    decode_end, offset = 0.0, 0
    for box in r.children(stbl.start, stbl.end):
        if box.kind in (b"stts", b"ctts"):
            (count,) = r.full(box, "I", "I")[2]
            rows = r.table(
                box,
                box.start + 8,
                count,
                np.dtype([("n", ">u4"), ("v", ">u4" if box.kind == b"stts" else ">i4")]),
            )
            if box.kind == b"stts":
                decode_end += float(np.dot(rows["n"].astype(np.float64), rows["v"].astype(np.float64)))
            elif (used := rows["v"][rows["n"] > 0]).size:  # offsets are signed, as players read them
                offset = max(offset, int(used.max()))
    if decode_end:
        r.seconds.append((decode_end + offset) / timescale)


def _fragment(r: _Reading, moof: Box) -> None:
    for traf in (b for b in r.children(moof.start, moof.end) if b.kind == b"traf"):
        boxes = list(r.children(traf.start, traf.end))
        header = next((b for b in boxes if b.kind == b"tfhd"), None)
        if header is None:
            raise Malformed(
                "a track fragment has no header (tfhd)", "у фрагмента доріжки немає заголовка (tfhd)"
            )
        _, flags, (track_id,) = r.full(header, "I", "I")
        track = r.tracks.get(track_id)
        if track is None:  # a fragment of a track the movie does not have is not played
            continue
        default = track.default_duration
        if flags & 0x08:  # default-sample-duration-present, after the optional fields before it
            skip = 4 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            (default,) = r.fields(header, header.start + 4 + skip, "I")
        decode = track.next_decode
        for box in boxes:
            if box.kind == b"tfdt":
                decode = float(r.full(box, "I", "Q")[2][0])
        for run in (b for b in boxes if b.kind == b"trun"):
            decode = _run(r, run, track.timescale, decode, default)
        track.next_decode = decode


def _run(r: _Reading, trun: Box, timescale: int, decode: float, default: int) -> float:
    """Add where this run's last sample is shown until; return where its decode times end."""
    _, flags, (count,) = r.full(trun, "I", "I")
    pos = trun.start + 8 + (4 if flags & 0x01 else 0) + (4 if flags & 0x04 else 0)
    present = [
        (flag, name)
        for flag, name in ((0x100, "d"), (0x200, "s"), (0x400, "f"), (0x800, "o"))
        if flags & flag
    ]
    if not present:
        r.fields(trun, pos, "")  # the optional fields must still lie in the box
        total = float(default) * count
        offset = 0
    else:
        dtype = np.dtype([(name, ">i4" if name == "o" else ">u4") for _, name in present])
        rows = r.table(trun, pos, count, dtype)
        total = float(rows["d"].sum(dtype=np.float64)) if flags & 0x100 else float(default) * count
        offset = max(0, int(rows["o"].max())) if flags & 0x800 and count else 0
    r.seconds.append((decode + total + offset) / timescale)
    return decode + total


def _segment_index(r: _Reading, sidx: Box) -> None:
    _, _, (_, timescale, earliest, _) = r.full(sidx, "IIII", "IIQQ")
    _check_timescale(sidx, timescale)
    version = r.data[sidx.start]
    pos = sidx.start + 4 + (24 if version == 1 else 16)
    (_, count) = r.fields(sidx, pos, "HH")
    rows = r.table(sidx, pos + 4, count, np.dtype([("size", ">u4"), ("d", ">u4"), ("sap", ">u4")]))
    r.seconds.append((earliest + float(rows["d"].sum(dtype=np.float64))) / timescale)


def _check_timescale(box: Box, timescale: int) -> None:
    if timescale == 0:
        name = printable(box.kind)
        raise Malformed(f"the {name} box has a time scale of zero", f"блок {name} має нульову шкалу часу")


def _does_not_fit(kind: bytes) -> Malformed:
    name = printable(kind)
    return Malformed(
        f"the {name} box does not fit in what holds it", f"блок {name} не вміщується в те, що його містить"
    )


def _too_short(kind: bytes) -> Malformed:
    name = printable(kind)
    return Malformed(f"the {name} box is too short for its fields", f"блок {name} закороткий для своїх полів")
