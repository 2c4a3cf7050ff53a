"""What a resident's file is, by its magic bytes, and whether it can be read at all.

Photos go through the recognizers' own header and decoder checks (``decode_image``: the same codes
and limits as frames and enrolled photos). A video's length is what its container states, read in
pure Python (``isobmff``, ``matroska``), and may not exceed the limit; then it must open in OpenCV
(FFmpeg inside) and yield a first frame, in a child process with capped memory (``probe``). Nothing
here looks for faces or plates.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass

from gateway.config import UploadLimits
from gateway.errors import EmptyUpload, TooLarge, UnsupportedMedia
from gateway.reports import isobmff, matroska
from gateway.reports.container import Malformed
from gateway.reports.probe import probe, unreadable
from recognizers.common.image import ImageLimits, decode_image
from recognizers.common.image_header import image_format
from recognizers.common.limits import DEFAULT_MAX_PIXELS

# ISO base media brands of QuickTime; other ftyp brands (isom, mp41, mp42, avc1, M4V ...) are MP4.
_QUICKTIME_BRANDS = {b"qt  "}
# Still-image brands in the same container: refused as images we do not take.
_IMAGE_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis"}
_EBML = b"\x1a\x45\xdf\xa3"


@dataclass(frozen=True)
class MediaType:
    kind: str  # "photo" or "video"
    content_type: str
    ext: str


@dataclass(frozen=True)
class MediaInfo:
    type: MediaType
    width: int
    height: int
    duration_s: float | None = None


PHOTO_TYPES = {
    "JPEG": MediaType("photo", "image/jpeg", "jpg"),
    "PNG": MediaType("photo", "image/png", "png"),
    "WebP": MediaType("photo", "image/webp", "webp"),
}
MP4 = MediaType("video", "video/mp4", "mp4")
MOV = MediaType("video", "video/quicktime", "mov")
WEBM = MediaType("video", "video/webm", "webm")


def sniff(data: bytes) -> MediaType:
    """The type by magic bytes (the client's Content-Type and file name are never trusted)."""
    if not data:
        raise EmptyUpload("The file is empty (0 bytes).", "Файл порожній (0 байтів).")
    photo = image_format(data)
    if photo is not None:
        return PHOTO_TYPES[photo]
    if data[4:8] == b"ftyp" and data[8:12] not in _IMAGE_BRANDS:
        return MOV if data[8:12] in _QUICKTIME_BRANDS else MP4
    if data[4:8] in (b"moov", b"wide", b"mdat"):  # old QuickTime files start without ftyp
        return MOV
    if data[:4] == _EBML and b"webm" in data[:64]:
        return WEBM
    raise UnsupportedMedia(
        "The file is not a JPEG, PNG or WebP photo nor an MP4, WebM or MOV video.",
        "Файл не є фото JPEG, PNG чи WebP або відео MP4, WebM чи MOV.",
    )


def _too_large(what: str, what_uk: str, limit: int) -> TooLarge:
    return TooLarge(
        f"The {what} is larger than the limit of {limit} bytes.",
        f"{what_uk} більше за межу {limit} байтів.",
    )


def check(data: bytes, limits: UploadLimits) -> MediaInfo:
    """Type, size and readability of one upload; raises a DomainError or ImageError otherwise."""
    media = sniff(data)
    if media.kind == "photo":
        if len(data) > limits.max_report_photo_bytes:
            raise _too_large("photo", "Фото", limits.max_report_photo_bytes)
        image = decode_image(data, ImageLimits(max_bytes=limits.max_report_photo_bytes))
        return MediaInfo(media, int(image.shape[1]), int(image.shape[0]))
    if len(data) > limits.max_report_video_bytes:
        raise _too_large("video", "Відео", limits.max_report_video_bytes)
    return probe_video(data, media, limits)


def probe_video(data: bytes, media: MediaType, limits: UploadLimits) -> MediaInfo:
    """The length the container states, then the first frame, decoded in a child process."""
    max_s = limits.max_report_video_s
    try:
        stated = (matroska.duration_s if media is WEBM else isobmff.duration_s)(data)
    except Malformed as e:
        raise unreadable(
            f"its container is malformed: {e.what}", f"його контейнер пошкоджено: {e.what_uk}"
        ) from None
    if stated is not None:
        _check_length(stated, max_s)  # before anything is decoded
    fd, name = tempfile.mkstemp(prefix="varta-report-", suffix=f".{media.ext}")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        # no stated length (a WebM with neither Duration nor blocks read): OpenCV measures it
        probed = probe(name, limits, DEFAULT_MAX_PIXELS, max_s if stated is None else None)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    duration = stated
    if duration is None:  # measured by OpenCV in the child
        duration = probed.duration_s or 0.0
        _check_length(duration, max_s)
    return MediaInfo(media, probed.width, probed.height, round(duration, 3))


def _check_length(duration: float, max_s: float) -> None:
    if duration > max_s:
        raise TooLarge(
            f"The video is {duration:.1f} s long; the limit is {max_s:g} s.",
            f"Відео триває {duration:.1f} с; межа — {max_s:g} с.",
        )
