"""decode_image: the limits, the type sniffing and the header parsing that guard every upload."""

from __future__ import annotations

import io
import random
import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from recognizers.common import image as image_mod
from recognizers.common.image import (
    CorruptImageError,
    EmptyImageError,
    ImageError,
    ImageLimits,
    ImageTooLargeBytesError,
    ImageTooManyPixelsError,
    UnsupportedImageTypeError,
    decode_image,
    encode_jpeg,
    probe_image,
)


def scene(w: int = 320, h: int = 200) -> np.ndarray:
    img = np.zeros((h, w, 3), np.uint8)
    img[:, :, 0] = np.linspace(0, 255, w, dtype=np.uint8)[None, :]
    cv2.rectangle(img, (40, 50), (200, 120), (255, 255, 255), -1)
    cv2.putText(img, "AA1234BB", (50, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    return img


def enc(ext: str, img: np.ndarray, *params: int) -> bytes:
    ok, buf = cv2.imencode(ext, img, list(params))
    assert ok
    return buf.tobytes()


def jpeg_header(width: int, height: int) -> bytes:
    """SOI + SOF0 + SOS + a little data + EOI: a JPEG whose header claims any size."""
    sof = (
        b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    )
    sos = b"\xff\xda" + struct.pack(">H", 12) + b"\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00"
    return b"\xff\xd8" + sof + sos + b"\x00" * 64 + b"\xff\xd9"


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64


def webp_vp8x_header(width: int, height: int) -> bytes:
    body = b"WEBP" + b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little") + b"\x00" * 64
    return b"RIFF" + struct.pack("<I", len(body)) + body


@pytest.mark.parametrize(
    ("ext", "params"),
    [
        (".jpg", ()),
        (".jpg", (cv2.IMWRITE_JPEG_PROGRESSIVE, 1)),
        (".png", ()),
        (".webp", (cv2.IMWRITE_WEBP_QUALITY, 80)),
    ],
)
def test_decodes_supported_formats(ext: str, params: tuple[int, ...]) -> None:
    img = scene()
    out = decode_image(enc(ext, img, *params))
    assert out.shape == img.shape and out.dtype == np.uint8
    assert float(np.abs(out.astype(int) - img.astype(int)).mean()) < 8


def test_decodes_lossless_and_extended_webp() -> None:
    img = scene()
    lossless = enc(".webp", img, cv2.IMWRITE_WEBP_QUALITY, 101)
    assert lossless[12:16] == b"VP8L"
    assert np.array_equal(decode_image(lossless), img)
    rgba = Image.fromarray(np.dstack([img[:, :, ::-1], np.full(img.shape[:2], 200, np.uint8)]), "RGBA")
    buf = io.BytesIO()
    rgba.save(buf, "WEBP", quality=90)
    extended = buf.getvalue()
    assert extended[12:16] == b"VP8X"
    assert probe_image(extended).width == 320
    assert decode_image(extended).shape == (200, 320, 3)


def test_grey_png_comes_back_as_bgr() -> None:
    grey = cv2.cvtColor(scene(), cv2.COLOR_BGR2GRAY)
    assert decode_image(enc(".png", grey)).shape == (200, 320, 3)


def test_empty_and_too_many_bytes() -> None:
    with pytest.raises(EmptyImageError) as err:
        decode_image(b"")
    assert err.value.code == "empty_image" and err.value.detail_uk
    data = enc(".png", scene())
    with pytest.raises(ImageTooLargeBytesError) as err2:
        decode_image(data, ImageLimits(max_bytes=len(data) - 1))
    assert err2.value.code == "image_too_large_bytes"
    assert str(len(data)) in err2.value.detail
    assert decode_image(data, ImageLimits(max_bytes=len(data))).shape == (200, 320, 3)


@pytest.mark.parametrize("make", [jpeg_header, png_header, webp_vp8x_header])
def test_200_megapixel_header_refused_before_decoding(make, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_decode(*_a: object) -> None:
        raise AssertionError("the decoder must not run")

    monkeypatch.setattr(image_mod.cv2, "imdecode", no_decode)
    with pytest.raises(ImageTooManyPixelsError) as err:
        decode_image(make(20000, 10000))
    assert err.value.code == "image_too_many_pixels"
    assert "20000x10000" in err.value.detail and "200.0" in err.value.detail
    assert "20000x10000" in (err.value.detail_uk or "")


def test_pixel_limit_is_inclusive() -> None:
    data = enc(".jpg", scene())
    assert decode_image(data, ImageLimits(max_pixels=320 * 200)).shape == (200, 320, 3)
    with pytest.raises(ImageTooManyPixelsError):
        decode_image(data, ImageLimits(max_pixels=320 * 200 - 1))


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_images_are_corrupt(ext: str, keep: float) -> None:
    data = enc(ext, scene(640, 400))
    with pytest.raises(CorruptImageError) as err:
        decode_image(data[: int(len(data) * keep)])
    assert err.value.code == "corrupt_image"


def test_truncated_jpeg_with_exif_thumbnail_is_still_caught() -> None:
    thumb = enc(".jpg", scene(32, 20))  # its own FF D9 sits inside APP1 and must not count
    app1 = b"\xff\xe1" + struct.pack(">H", len(thumb) + 8) + b"Exif\x00\x00" + thumb
    main = enc(".jpg", scene(640, 400))
    data = main[:2] + app1 + main[2:]
    assert decode_image(data).shape == (400, 640, 3)
    with pytest.raises(CorruptImageError):
        decode_image(data[: len(data) * 2 // 3])


def test_trailing_bytes_after_jpeg_end_are_tolerated() -> None:
    assert decode_image(enc(".jpg", scene()) + b"\x00trailer").shape == (200, 320, 3)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"GIF89a" + b"\x00" * 40, "GIF"),
        (b"BM" + b"\x00" * 40, "BMP"),
        (b"II*\x00" + b"\x00" * 40, "TIFF"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "HEIC"),
        (b"%PDF-1.7" + b"\x00" * 40, "a PDF"),
        (b"\x00\x00\x01\x00" + b"\x00" * 40, "an ICO"),
        (b"\x00\x00\x00\x18ftypavif" + b"\x00" * 40, "an AVIF"),
    ],
)
def test_other_formats_are_named(data: bytes, named: str) -> None:
    with pytest.raises(UnsupportedImageTypeError) as err:
        decode_image(data)
    assert err.value.code == "unsupported_image_type" and f"{named} file" in err.value.detail


def test_animated_webp_is_refused_by_name() -> None:
    buf = io.BytesIO()
    frames = [Image.new("RGB", (64, 48), c) for c in ("black", "red")]
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:])
    with pytest.raises(UnsupportedImageTypeError) as err:
        decode_image(buf.getvalue())
    assert "an animated WebP file" in err.value.detail and "single-frame WebP" in err.value.detail
    assert "однокадрові WebP" in err.value.detail_uk


def test_real_gif_and_bmp_are_unsupported() -> None:
    buf = io.BytesIO()
    Image.fromarray(scene()[:, :, ::-1]).save(buf, "GIF")
    for data in (buf.getvalue(), enc(".bmp", scene())):
        with pytest.raises(UnsupportedImageTypeError):
            decode_image(data)


def test_random_bytes_are_unsupported() -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4096))
    with pytest.raises(UnsupportedImageTypeError) as err:
        decode_image(data)
    assert "JPEG, PNG" in err.value.detail


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xda\x00\x08" + b"\x00" * 20 + b"\xff\xd9",  # scan before frame header
        b"\xff\xd8\xff\xd9",
        png_header(0, 100),
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
        b"RIFF\xff\xff\x00\x00WEBPVP8 " + b"\x00" * 30,
        jpeg_header(64, 48),  # a plausible header over data no decoder can read
    ],
)
def test_corrupt_headers(data: bytes) -> None:
    with pytest.raises(CorruptImageError):
        decode_image(data)


def test_mutated_images_only_raise_image_errors() -> None:
    """Bit flips and cuts anywhere: the result is an image or an ImageError, never anything else."""
    rng = random.Random(11)
    seeds = [enc(".jpg", scene(96, 64)), enc(".png", scene(96, 64)), enc(".webp", scene(96, 64))]
    outcomes = {"ok": 0, "error": 0}
    for i in range(300):
        data = bytearray(seeds[i % 3])
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        try:
            out = decode_image(bytes(data), ImageLimits(max_pixels=96 * 64 * 4))
            assert out.ndim == 3 and out.shape[2] == 3
            outcomes["ok"] += 1
        except ImageError as exc:
            assert exc.code and exc.detail and exc.detail_uk
            outcomes["error"] += 1
    assert outcomes["ok"] > 0 and outcomes["error"] > 0


def test_encode_jpeg_round_trip() -> None:
    data = encode_jpeg(scene(), quality=85)
    assert data[:3] == b"\xff\xd8\xff"
    assert decode_image(data).shape == (200, 320, 3)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(fmt: str) -> None:
    """A phone stores a portrait photo as landscape pixels and an EXIF tag that says to turn them
    (6: 90 degrees clockwise); a resident's or a police officer's photo must be read the right way up."""
    pixels = np.zeros((100, 300, 3), np.uint8)
    pixels[:, :50] = 255  # a white band along the stored image's left edge
    photo = Image.fromarray(pixels)
    exif = photo.getexif()
    exif[0x0112] = 6
    buf = io.BytesIO()
    photo.save(buf, fmt, exif=exif.tobytes(), **({"lossless": True} if fmt == "WEBP" else {}))
    upright = decode_image(buf.getvalue())
    assert upright.shape == (300, 100, 3)
    assert upright[:40].mean() > 240 and upright[-40:].mean() < 15  # the band is now along the top
