"""An MP4's or MOV's length from its boxes: every timeline it states, the longest kept; broken box
structures are Malformed (a 4xx to the resident), never another exception and never an endless loop."""

from __future__ import annotations

from pathlib import Path

import pytest
from media_helpers import (
    box,
    damaged,
    elst,
    ftyp,
    full,
    jpeg_frame,
    malformed,
    mdia,
    mjpeg_movie,
    moov,
    mvhd,
    opencv_clip,
    table,
    trak,
    u32,
    u64,
)

from gateway.reports import container, isobmff
from gateway.reports.container import Malformed

SECOND_AT_90K = 90_000


def movie(*parts: bytes, timescale: int = 1000, duration: int = 0, extra: bytes = b"") -> bytes:
    return ftyp() + moov(*parts, timescale=timescale, duration=duration) + extra


def test_the_movie_header_states_the_length() -> None:
    assert isobmff.duration_s(movie(duration=5000)) == 5.0
    v1 = ftyp() + box(b"moov", mvhd(600, 600 * 7, version=1))
    assert isobmff.duration_s(v1) == 7.0


def test_the_longest_timeline_wins() -> None:
    """mvhd 1 s, mdhd 2 s, the samples 3 s (stts) plus 0.5 s (largest ctts offset)."""
    samples = [table(b"stts", [(30, 9000)]), table(b"ctts", [(29, 0), (1, 45_000)], signed=True)]
    track = trak(mdia=mdia(SECOND_AT_90K, 2 * SECOND_AT_90K, *samples))
    assert isobmff.duration_s(movie(track, duration=1000)) == pytest.approx(3.5)


def test_a_last_frame_shown_at_600_s_is_read_as_600_s() -> None:
    """The crafted file: ten frames a tenth of a second apart, headers saying one second, the last
    frame's composition offset putting it at 600 s (frame count / rate reads 1 s)."""
    data = mjpeg_movie(
        [jpeg_frame(16, 16)] * 10, width=16, height=16, ctts=[(9, 0), (1, 5990)], brand=b"isom"
    )
    assert isobmff.duration_s(data) == pytest.approx(600.0)


def test_negative_composition_offsets_do_not_count() -> None:
    samples = [table(b"stts", [(10, 9000)]), table(b"ctts", [(5, -9000), (5, 0)], version=1, signed=True)]
    track = trak(mdia=mdia(SECOND_AT_90K, 0, *samples))
    assert isobmff.duration_s(movie(track)) == pytest.approx(1.0)


def test_track_header_and_edit_list_count_in_the_movie_time_scale() -> None:
    assert isobmff.duration_s(movie(trak(duration=9000), duration=1000)) == 9.0
    assert isobmff.duration_s(movie(trak(elst(4000, 8000)), duration=1000)) == 12.0
    assert isobmff.duration_s(movie(trak(elst(4000, version=1)), duration=1000)) == 4.0


def test_an_unknown_duration_is_skipped() -> None:
    """All ones means "not known": the samples decide, not 4294967 s."""
    track = trak(mdia=mdia(1000, 0xFFFFFFFF, table(b"stts", [(20, 100)])))
    assert isobmff.duration_s(movie(track, duration=0xFFFFFFFF)) == 2.0


def test_a_huge_count_times_delta_does_not_wrap_around() -> None:
    """Two entries of (2^32 - 1)^2 ticks pass 2^64: summed in 64-bit integers they would wrap."""
    big = (0xFFFFFFFF, 0xFFFFFFFF)
    duration = isobmff.duration_s(movie(trak(mdia=mdia(1, 0, table(b"stts", [big, big])))))
    assert duration is not None and duration > 3e19


def fragmented(*moofs: bytes, trex_duration: int = 3000, mehd: int | None = None) -> bytes:
    mvex = [full(b"trex", 0, 0, u32(1, 1, trex_duration, 0, 0))]
    if mehd is not None:
        mvex.insert(0, full(b"mehd", 0, 0, u32(mehd)))
    track = trak(track_id=1, mdia=mdia(SECOND_AT_90K, 0))
    return ftyp() + moov(track, box(b"mvex", *mvex)) + b"".join(moofs)


def moof(*traf: bytes, track_id: int = 1, tfhd_flags: int = 0, tfhd_fields: bytes = b"") -> bytes:
    return box(
        b"moof",
        full(b"mfhd", 0, 0, u32(1)),
        box(b"traf", full(b"tfhd", 0, tfhd_flags, u32(track_id), tfhd_fields), *traf),
    )


def trun(count: int, durations: list[int] | None = None, offsets: list[int] | None = None) -> bytes:
    flags = 0x01 | (0x100 if durations else 0) | (0x800 if offsets else 0)
    rows = b""
    for i in range(count):
        rows += u32(durations[i]) if durations else b""
        rows += int(offsets[i]).to_bytes(4, "big", signed=True) if offsets else b""
    return full(b"trun", 1, flags, u32(count), u32(0), rows)


def tfdt(base: int) -> bytes:
    return full(b"tfdt", 1, 0, u64(base))


def test_fragments_run_from_their_decode_time() -> None:
    """100 s base decode time plus ten samples of the trex default (3000 ticks at 90 kHz)."""
    data = fragmented(moof(tfdt(100 * SECOND_AT_90K), trun(10)))
    assert isobmff.duration_s(data) == pytest.approx(100 + 10 * 3000 / SECOND_AT_90K)


def test_fragment_durations_come_from_the_run_then_the_header_then_trex() -> None:
    per_sample = fragmented(moof(tfdt(0), trun(3, durations=[SECOND_AT_90K] * 3)))
    assert isobmff.duration_s(per_sample) == pytest.approx(3.0)
    header = moof(tfdt(0), trun(4), tfhd_flags=0x08, tfhd_fields=u32(SECOND_AT_90K))
    assert isobmff.duration_s(fragmented(header)) == pytest.approx(4.0)
    # base-data-offset and sample-description-index come first in tfhd
    both = moof(tfdt(0), trun(2), tfhd_flags=0x0B, tfhd_fields=u64(0) + u32(1) + u32(SECOND_AT_90K))
    assert isobmff.duration_s(fragmented(both)) == pytest.approx(2.0)


def test_a_fragment_offset_and_a_fragment_without_decode_time_continue_the_timeline() -> None:
    shifted = fragmented(moof(tfdt(0), trun(2, durations=[9000, 9000], offsets=[0, 600 * SECOND_AT_90K])))
    assert isobmff.duration_s(shifted) == pytest.approx(600.2)
    two = fragmented(moof(trun(30)), moof(trun(30)))  # no tfdt: the second follows the first
    assert isobmff.duration_s(two) == pytest.approx(60 * 3000 / SECOND_AT_90K)


def test_the_fragment_duration_and_segment_index_count() -> None:
    assert isobmff.duration_s(fragmented(mehd=700_000)) == 700.0
    refs = u32(0, 2000, 0) + u32(0, 3000, 0)
    sidx = full(b"sidx", 0, 0, u32(1, 1000, 1000, 0), b"\x00\x00\x00\x02", refs)
    assert isobmff.duration_s(fragmented() + sidx) == 6.0


def test_a_fragment_of_a_track_the_movie_does_not_have_is_not_played() -> None:
    data = fragmented(moof(tfdt(1000 * SECOND_AT_90K), trun(1), track_id=7))
    assert isobmff.duration_s(data) == 0.0  # what the movie header states


def test_no_movie_states_no_length() -> None:
    assert isobmff.duration_s(ftyp() + box(b"mdat", b"x" * 100)) is None


def test_64_bit_and_to_the_end_sizes() -> None:
    mdat = u32(1) + b"mdat" + u64(16 + 5) + b"12345"
    assert isobmff.duration_s(ftyp() + mdat + moov(duration=3000)) == 3.0
    last = u32(0) + b"mdat" + b"to the end"
    assert isobmff.duration_s(ftyp() + moov(duration=3000) + last) == 3.0


def test_what_opencv_writes_reads_as_its_length(tmp_path: Path) -> None:
    clip = opencv_clip(tmp_path / "clip.mp4", frames=25, fourcc="mp4v")
    assert isobmff.duration_s(clip) == pytest.approx(2.5)


def refused(data: bytes) -> str:
    return malformed(isobmff.duration_s, data)


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (ftyp() + u32(4096) + b"moov" + bytes(100), "moov box does not fit"),
        (ftyp() + u32(4) + b"free" + bytes(100), "free box does not fit"),
        (ftyp() + u32(1) + b"mdat" + u64(8) + bytes(8), "mdat box does not fit"),  # 64-bit size below 16
        (ftyp() + box(b"moov", box(b"mvhd", b"\0" * 10)), "mvhd box is too short"),
        (ftyp() + moov(timescale=0), "mvhd box has a time scale of zero"),
        (ftyp() + box(b"moov", trak()), "no header (mvhd)"),
        (movie(trak(mdia=mdia(0, 10))), "mdhd box has a time scale of zero"),
        (movie(trak(mdia=box(b"mdia"))), "no media header (mdhd)"),
        (
            movie(trak(mdia=mdia(1000, 0, full(b"stts", 0, 0, u32(0xFFFFFFFF), u32(1, 1))))),
            "stts box is too short",
        ),
        (fragmented(box(b"moof", box(b"traf", tfdt(0)))), "no header (tfhd)"),
        (fragmented(moof(full(b"trun", 0, 0x100, u32(1000), u32(1)))), "trun box is too short"),
        (fragmented() + full(b"sidx", 0, 0, u32(1, 0, 0, 0), u32(0)), "sidx box has a time scale of zero"),
        (ftyp() + u32(4096) + b"\x00\x01\xfe\x7f" + bytes(100), "the ???? box does not fit"),  # quoted safely
    ],
)
def test_broken_box_structures_are_malformed(data: bytes, why: str) -> None:
    assert why in refused(data)


def test_a_file_of_countless_boxes_stops_at_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_PARTS", 100)
    assert "more than 100 boxes" in refused(ftyp() + box(b"free") * 200)
    assert isobmff.duration_s(moov(duration=1000) + box(b"free") * 90) == 1.0


def test_damaged_files_give_a_length_or_malformed_and_nothing_else() -> None:
    """Random bytes changed in, or cut off, a movie with samples, edits and fragments."""
    samples = [table(b"stts", [(30, 3000)]), table(b"ctts", [(30, 100)], signed=True)]
    whole = fragmented(moof(tfdt(0), trun(3, durations=[10, 20, 30], offsets=[1, 2, 3])))
    whole += moov(trak(elst(1000), mdia=mdia(SECOND_AT_90K, 0, *samples)), duration=1000)
    for data in damaged(whole):
        try:
            duration = isobmff.duration_s(data)
        except Malformed:
            continue
        assert duration is None or duration >= 0
