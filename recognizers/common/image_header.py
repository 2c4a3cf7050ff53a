"""Read an image's format and size from its first bytes, without decoding any pixels.

The size decides whether an image may be decoded at all, so it is read from the container itself
(JPEG SOF, PNG IHDR, WebP VP8/VP8L/VP8X) and a header that claims 200 megapixels is refused before a
single pixel buffer exists. The Content-Type a client sends is never trusted: magic bytes decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recognizers.common.image_errors import CorruptImageError, UnsupportedImageTypeError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Formats people send by mistake, named in the error so they know what to convert.
_OTHER_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"GIF87a", 0, "GIF"),
    (b"GIF89a", 0, "GIF"),
    (b"BM", 0, "BMP"),
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"%PDF", 0, "PDF"),
    (b"\x00\x00\x01\x00", 0, "ICO"),
    (b"\xff\x0a", 0, "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL ", 0, "JPEG XL"),
    (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF", b"avif": "AVIF"}
# Start-of-frame markers (baseline, extended, progressive, lossless, arithmetic), not DHT/JPG/DAC.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JPEG_MAX_SEGMENTS = 4096
_NOT_FF = re.compile(rb"[^\xff]")


@dataclass(frozen=True)
class ImageHeader:
    format: str  # "JPEG", "PNG" or "WebP"
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def image_format(data: bytes) -> str | None:
    """ "JPEG", "PNG" or "WebP" by the first bytes (nothing else is read), None for anything else."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == PNG_MAGIC:
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return None


def read_header(data: bytes) -> ImageHeader:
    """Format and size of a JPEG, PNG or WebP image; raises an ImageError subclass otherwise."""
    fmt = image_format(data)
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "PNG":
        return _png(data)
    if fmt == "WebP":
        return _webp(data)
    raise UnsupportedImageTypeError(_name_other(data))


def _name_other(data: bytes) -> str | None:
    for magic, offset, name in _OTHER_MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return name
    if data[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(data[8:12])
    return None


def _checked(fmt: str, width: int, height: int) -> ImageHeader:
    if width <= 0 or height <= 0:
        raise CorruptImageError(
            fmt, f"the header gives a size of {width}x{height}", f"заголовок вказує розмір {width}x{height}"
        )
    return ImageHeader(fmt, width, height)


def _truncated(fmt: str, where: str, where_uk: str) -> CorruptImageError:
    return CorruptImageError(fmt, f"the data ends {where}", f"дані закінчуються {where_uk}")


def _jpeg(data: bytes) -> ImageHeader:
    size: tuple[int, int] | None = None
    i, n = 2, len(data)
    for _ in range(_JPEG_MAX_SEGMENTS):
        if i >= n:
            raise _truncated("JPEG", "before the image data", "до даних зображення")
        if data[i] != 0xFF:
            raise CorruptImageError("JPEG", f"no marker at byte {i}", f"немає маркера в байті {i}")
        found = _NOT_FF.search(data, i)  # skip fill bytes
        if found is None:
            raise _truncated("JPEG", "inside a marker", "всередині маркера")
        marker, i = data[found.start()], found.start() + 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0xD8, 0xD9):
            raise CorruptImageError("JPEG", "no image data before the end marker", "немає даних зображення")
        if i + 2 > n:
            raise _truncated("JPEG", "before the image data", "до даних зображення")
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2:
            raise CorruptImageError("JPEG", "a segment has a bad length", "сегмент має хибну довжину")
        if marker in _JPEG_SOF:
            if i + 7 > n:
                raise _truncated("JPEG", "inside the frame header", "всередині заголовка кадру")
            size = (int.from_bytes(data[i + 5 : i + 7], "big"), int.from_bytes(data[i + 3 : i + 5], "big"))
        elif marker == 0xDA:
            if size is None:
                raise CorruptImageError(
                    "JPEG", "image data comes before the frame header", "дані йдуть перед заголовком кадру"
                )
            # Entropy-coded data never holds FF D9 (FF is stuffed as FF 00), so a missing EOI after
            # the first scan means the file was cut short.
            if data.find(b"\xff\xd9", i + length) < 0:
                raise _truncated("JPEG", "before the end-of-image marker", "до маркера кінця зображення")
            return _checked("JPEG", *size)
        i += length
    raise CorruptImageError("JPEG", "too many header segments", "забагато сегментів заголовка")


def _png(data: bytes) -> ImageHeader:
    if len(data) < 24:
        raise _truncated("PNG", "inside the header", "всередині заголовка")
    if data[12:16] != b"IHDR" or int.from_bytes(data[8:12], "big") != 13:
        raise CorruptImageError("PNG", "the first chunk is not IHDR", "перший блок не IHDR")
    return _checked("PNG", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


def _webp(data: bytes) -> ImageHeader:
    if len(data) < 30:
        raise _truncated("WebP", "inside the header", "всередині заголовка")
    if int.from_bytes(data[4:8], "little") + 8 > len(data):
        raise _truncated("WebP", "before the size its RIFF header gives", "раніше, ніж вказує заголовок RIFF")
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise CorruptImageError("WebP", "bad VP8 start code", "хибний початковий код VP8")
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        return _checked("WebP", width, int.from_bytes(data[28:30], "little") & 0x3FFF)
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise CorruptImageError("WebP", "bad VP8L signature", "хибний підпис VP8L")
        bits = int.from_bytes(data[21:25], "little")
        return _checked("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        if data[20] & 0x02:
            raise UnsupportedImageTypeError("animated WebP")
        width = int.from_bytes(data[24:27], "little") + 1
        return _checked("WebP", width, int.from_bytes(data[27:30], "little") + 1)
    raise CorruptImageError("WebP", "unknown first chunk", "невідомий перший блок")
