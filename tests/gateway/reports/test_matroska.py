"""A WebM's length from its EBML elements: Info/Duration x TimestampScale, or its blocks' timeline when
that runs longer; broken structures are Malformed, never another exception and never an endless loop."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest
from media_helpers import (
    block_group,
    cluster,
    damaged,
    element,
    info,
    malformed,
    opencv_clip,
    simple_block,
    webm,
)

from gateway.reports import container, matroska
from gateway.reports.container import Malformed

TRACKS = element(0x1654AE6B, element(0xAE, element(0xD7, b"\x01")))
CUES = element(0x1C53BB6B)


def test_info_duration_times_the_timestamp_scale() -> None:
    assert matroska.duration_s(webm(info(5000.0))) == 5.0  # default scale: a millisecond a tick
    assert matroska.duration_s(webm(info(250.0, scale=20_000_000, width=4))) == 5.0
    assert matroska.duration_s(webm(info(scale=1_000_000), TRACKS)) is None


def test_blocks_past_the_stated_duration_count() -> None:
    """Info says one second; a cluster at 600 s holds a frame: 600 s."""
    data = webm(info(1000.0), TRACKS, cluster(0, simple_block(0)), cluster(600_000, simple_block(0)))
    assert matroska.duration_s(data) == 600.0
    group = webm(info(1000.0), cluster(10_000, block_group(-5000, 30_000)))
    assert matroska.duration_s(group) == 35.0


def test_a_live_recording_of_unknown_sizes_is_read_from_its_blocks() -> None:
    """A browser's recorder: no Duration, Segment and Clusters of unknown size, each Cluster ending
    where the next (or the Cues) begins."""
    clusters = [cluster(t, simple_block(0), simple_block(33), unknown=True) for t in (0, 2000, 4000)]
    data = webm(info(scale=1_000_000), TRACKS, *clusters, CUES, unknown=True)
    assert matroska.duration_s(data) == pytest.approx(4.033)


def test_no_segment_states_no_length() -> None:
    assert matroska.duration_s(webm()) is None
    assert matroska.duration_s(element(0x1A45DFA3, element(0x4282, b"webm"))) is None


def test_what_opencv_writes_reads_as_its_length(tmp_path: Path) -> None:
    clip = opencv_clip(tmp_path / "clip.webm", frames=25, fourcc="VP80")
    assert matroska.duration_s(clip) == pytest.approx(2.5, abs=0.11)


def refused(data: bytes) -> str:
    return malformed(matroska.duration_s, data)


def duration_bytes(value: bytes) -> bytes:
    return webm(element(0x1549A966, element(0x4489, value)))


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (webm(info(1.0))[:-3], "does not fit"),
        (webm(element(0x1549A966, b"\x00\x81\x00")), "not valid EBML"),  # an ID byte of zero
        (webm(b"\x1f\x43\xb6\x75\x00"), "not valid EBML"),  # a size byte of zero
        (webm(element(0x1549A966, unknown=True)), "unknown size"),
        (webm(cluster(0, element(0xA0, unknown=True))), "unknown size"),
        (webm(info(1.0, scale=0)), "TimestampScale is zero"),
        (duration_bytes(struct.pack(">d", math.nan)), "Duration is not a finite number"),
        (duration_bytes(struct.pack(">d", math.inf)), "Duration is not a finite number"),
        (duration_bytes(struct.pack(">d", -1.0)), "Duration is not a finite number"),
        (duration_bytes(b"\0\0\0"), "not valid EBML"),
        (webm(element(0x1549A966, element(0x2AD7B1, bytes(9)))), "not valid EBML"),
        (webm(cluster(0, element(0xA3, b"\x81\x00"))), "block is too short"),
    ],
)
def test_broken_element_structures_are_malformed(data: bytes, why: str) -> None:
    assert why in refused(data)


def test_a_file_of_countless_elements_stops_at_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(container, "MAX_PARTS", 100)
    void = element(0xEC)
    assert "more than 100 boxes or elements" in refused(webm(cluster(0, *[void] * 200)))
    assert matroska.duration_s(webm(info(1000.0), *[void] * 90)) == 1.0


def test_damaged_files_give_a_length_or_malformed_and_nothing_else() -> None:
    whole = webm(
        info(3000.0, scale=1_000_000),
        TRACKS,
        cluster(0, simple_block(0), block_group(40, 40)),
        cluster(2000, simple_block(0), unknown=True),
        CUES,
        unknown=True,
    )
    for data in damaged(whole):
        try:
            duration = matroska.duration_s(data)
        except Malformed:
            continue
        assert duration is None or duration >= 0
