"""Hand-built media for the report tests: ISO-BMFF boxes, EBML elements, playable MJPEG movies and
uniform JPEG frames of any size (a 15000x15000 one is 3.5 MB), with no encoder and no network."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from gateway.reports.container import Malformed

# A 16x16 block of grey 128 in baseline 4:2:0 JPEG with the standard Huffman tables: four luma blocks
# (DC difference 0 "00", end of block "1010") and two chroma blocks ("00", "00") are these 32 bits.
GREY_MCU = bytes.fromhex("28a28a00")


def opencv_clip(path: Path, frames: int = 10, fps: float = 10.0, fourcc: str = "mp4v") -> bytes:
    """A short 64x64 clip from OpenCV's writer; the container follows the file name (.mp4, .webm,
    .mov, .avi)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*fourcc), fps, (64, 64))
    assert writer.isOpened()
    for i in range(frames):
        writer.write(np.full((64, 64, 3), i * 20 % 256, np.uint8))
    writer.release()
    return path.read_bytes()


def malformed(parse: Callable[[bytes], object], data: bytes) -> str:
    """What a container parser says is broken in ``data`` (in English; the Ukrainian must be there)."""
    with pytest.raises(Malformed) as e:
        parse(data)
    assert e.value.what_uk
    return e.value.what


def lying_webm(path: Path) -> bytes:
    """Three 64x64 VP8 frames from OpenCV's writer, the first keyframe's header then saying
    16000x16000: FFmpeg decodes it at that size while the file is being opened (VP8 has no
    header-only pass), about 400 MB for a file of some 600 bytes."""
    data = bytearray(opencv_clip(path, frames=3, fourcc="VP80"))
    start = data.find(b"\x9d\x01\x2a")  # a VP8 keyframe's start code, then width and height
    assert start > 0 and struct.unpack("<HH", data[start + 3 : start + 7]) == (64, 64)
    data[start + 3 : start + 7] = struct.pack("<HH", 16000, 16000)
    return bytes(data)


def box(kind: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full(kind: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big"), *parts)


def u32(*values: int) -> bytes:
    return struct.pack(f">{len(values)}I", *values)


def u64(*values: int) -> bytes:
    return struct.pack(f">{len(values)}Q", *values)


MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def mvhd(timescale: int, duration: int, version: int = 0) -> bytes:
    times = u64(0, 0) + u32(timescale) + u64(duration) if version == 1 else u32(0, 0, timescale, duration)
    rest = u32(0x10000) + b"\x01\x00" + bytes(10) + MATRIX + bytes(24) + u32(2)
    return full(b"mvhd", version, 0, times, rest)


def tkhd(track_id: int, duration: int, width: int = 64, height: int = 64) -> bytes:
    return full(
        b"tkhd",
        0,
        3,
        u32(0, 0, track_id, 0, duration),
        bytes(8),
        bytes(8),
        MATRIX,
        u32(width << 16, height << 16),
    )


def mdhd(timescale: int, duration: int, version: int = 0) -> bytes:
    times = u64(0, 0) + u32(timescale) + u64(duration) if version == 1 else u32(0, 0, timescale, duration)
    return full(b"mdhd", version, 0, times, b"\x55\xc4\x00\x00")


def table(kind: bytes, rows: list[tuple[int, int]], version: int = 0, signed: bool = False) -> bytes:
    """stts (count, delta) or ctts (count, offset) rows."""
    fmt = ">Ii" if signed else ">II"
    return full(kind, version, 0, u32(len(rows)), b"".join(struct.pack(fmt, *row) for row in rows))


def elst(*durations: int, version: int = 0) -> bytes:
    rows = b"".join((u64(d) + u64(0) if version == 1 else u32(d, 0)) + u32(0x10000) for d in durations)
    return box(b"edts", full(b"elst", version, 0, u32(len(durations)), rows))


def trak(*parts: bytes, track_id: int = 1, duration: int = 0, mdia: bytes = b"") -> bytes:
    return box(b"trak", tkhd(track_id, duration), *parts, mdia)


def mdia(timescale: int, duration: int, *stbl: bytes, version: int = 0) -> bytes:
    return box(b"mdia", mdhd(timescale, duration, version), box(b"minf", box(b"stbl", *stbl)))


def moov(*parts: bytes, timescale: int = 1000, duration: int = 0) -> bytes:
    return box(b"moov", mvhd(timescale, duration), *parts)


def ftyp(brand: bytes = b"isom") -> bytes:
    return box(b"ftyp", brand, u32(0x200), brand)


def jpeg_frame(width: int, height: int) -> bytes:
    """A grey baseline JPEG of any size, made by repeating one encoded 16x16 block."""
    ok, small = cv2.imencode(".jpg", np.full((16, 16, 3), 128, np.uint8))
    assert ok
    data = small.tobytes()
    sos = data.index(b"\xff\xda")
    scan = sos + 2 + int.from_bytes(data[sos + 2 : sos + 4], "big")
    assert data[scan:] == GREY_MCU + b"\xff\xd9", "the encoder no longer writes the block this helper repeats"
    sof = data.index(b"\xff\xc0")
    header = bytearray(data[:scan])
    header[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    mcus = -(-width // 16) * -(-height // 16)
    return bytes(header) + GREY_MCU * mcus + b"\xff\xd9"


def mjpeg_movie(
    frames: list[bytes],
    *,
    width: int = 64,
    height: int = 64,
    timescale: int = 10,
    stts: list[tuple[int, int]] | None = None,
    ctts: list[tuple[int, int]] | None = None,
    movie_duration: int | None = None,
    media_duration: int | None = None,
    brand: bytes = b"qt  ",
) -> bytes:
    """A QuickTime movie OpenCV plays: one MJPEG track declaring ``width`` x ``height``, one frame a
    tick of ``timescale`` unless ``stts``/``ctts`` say otherwise, the headers' durations as given
    (else the samples' own); ``brand`` b"isom" makes it an MP4."""
    count = len(frames)
    stts = stts or [(count, 1)]
    natural = sum(n * d for n, d in stts)
    head = ftyp(brand)
    mdat = box(b"mdat", *frames)
    entry = box(
        b"jpeg",
        bytes(6),
        struct.pack(">H", 1),
        bytes(16),
        struct.pack(">HH", width, height),
        u32(0x480000, 0x480000, 0),
        struct.pack(">H", 1),
        bytes(32),
        struct.pack(">Hh", 24, -1),
    )
    stbl = [
        full(b"stsd", 0, 0, u32(1), entry),
        table(b"stts", stts),
        *([table(b"ctts", ctts, signed=True)] if ctts else []),
        full(b"stsc", 0, 0, u32(1, 1, count, 1)),
        full(b"stsz", 0, 0, u32(0, count, *(len(f) for f in frames))),
        full(b"stco", 0, 0, u32(1, len(head) + 8)),
    ]
    handler = full(b"hdlr", 0, 0, u32(0), b"vide", bytes(12), b"\0")
    media = box(
        b"mdia",
        mdhd(timescale, natural if media_duration is None else media_duration),
        handler,
        box(
            b"minf",
            full(b"vmhd", 0, 1, bytes(8)),
            box(b"dinf", full(b"dref", 0, 0, u32(1), full(b"url ", 0, 1))),
            box(b"stbl", *stbl),
        ),
    )
    movie_len = natural if movie_duration is None else movie_duration
    track = box(b"trak", tkhd(1, movie_len, width, height), media)
    return head + mdat + box(b"moov", mvhd(timescale, movie_len), track)


def ebml_size(size: int | None) -> bytes:
    """An EBML size as an 8-byte variable-length integer (None: unknown)."""
    return b"\x01\xff\xff\xff\xff\xff\xff\xff" if size is None else (0x01 << 56 | size).to_bytes(8, "big")


def element(ident: int, *parts: bytes, unknown: bool = False) -> bytes:
    payload = b"".join(parts)
    return (
        ident.to_bytes((ident.bit_length() + 7) // 8, "big")
        + ebml_size(None if unknown else len(payload))
        + payload
    )


EBML_HEADER = element(0x1A45DFA3, element(0x4282, b"webm"))


def webm(*segment: bytes, unknown: bool = False) -> bytes:
    return EBML_HEADER + element(0x18538067, *segment, unknown=unknown)


def info(duration: float | None = None, scale: int | None = None, width: int = 8) -> bytes:
    parts = [] if scale is None else [element(0x2AD7B1, scale.to_bytes(4, "big"))]
    if duration is not None:
        parts.append(element(0x4489, struct.pack(">d" if width == 8 else ">f", duration)))
    return element(0x1549A966, *parts)


def cluster(timestamp: int, *blocks: bytes, unknown: bool = False) -> bytes:
    return element(0x1F43B675, element(0xE7, timestamp.to_bytes(4, "big")), *blocks, unknown=unknown)


def simple_block(relative: int, track: int = 1) -> bytes:
    return element(0xA3, bytes([0x80 | track]), struct.pack(">hB", relative, 0x80), b"frame")


def block_group(relative: int, duration: int, track: int = 1) -> bytes:
    block = element(0xA1, bytes([0x80 | track]), struct.pack(">hB", relative, 0), b"frame")
    return element(0xA0, block, element(0x9B, duration.to_bytes(2, "big")))


def damaged(whole: bytes, n: int = 3000, seed: int = 1) -> Iterator[bytes]:
    """``n`` copies of ``whole`` with 1-4 random bytes changed, one in five also cut off somewhere."""
    rng = random.Random(seed)
    for _ in range(n):
        data = bytearray(whole)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice((0, 1, 0xFF, rng.randrange(256)))
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data))]
        yield bytes(data)
