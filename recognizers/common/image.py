"""Decode uploaded images safely: bytes and pixel limits first, then the decoder.

Used by both recognizer services, the CLI and the gateway, so every part refuses the same inputs
with the same error codes.
"""

from __future__ import annotations

import cv2
import numpy as np

from recognizers.common.image_errors import (
    CorruptImageError,
    EmptyImageError,
    ImageError,
    ImageTooLargeBytesError,
    ImageTooManyPixelsError,
    UnsupportedImageTypeError,
)
from recognizers.common.image_header import ImageHeader, read_header
from recognizers.common.limits import ImageLimits

__all__ = [
    "CorruptImageError",
    "EmptyImageError",
    "ImageError",
    "ImageHeader",
    "ImageLimits",
    "ImageTooLargeBytesError",
    "ImageTooManyPixelsError",
    "UnsupportedImageTypeError",
    "decode_image",
    "encode_jpeg",
    "probe_image",
]


def probe_image(data: bytes, limits: ImageLimits | None = None) -> ImageHeader:
    """Check bytes, type and header size against ``limits`` without decoding; return the header."""
    limits = limits or ImageLimits()
    if len(data) == 0:
        raise EmptyImageError()
    if len(data) > limits.max_bytes:
        raise ImageTooLargeBytesError(len(data), limits.max_bytes)
    header = read_header(data)
    if header.pixels > limits.max_pixels:
        raise ImageTooManyPixelsError(header.width, header.height, limits.max_pixels)
    return header


def decode_image(data: bytes, limits: ImageLimits | None = None) -> np.ndarray:
    """Decode a JPEG, PNG or WebP image to a BGR uint8 array (EXIF orientation applied).

    Raises a subclass of :class:`ImageError`: ``empty_image``, ``image_too_large_bytes``,
    ``image_too_many_pixels`` (from the header, before decoding), ``unsupported_image_type``
    or ``corrupt_image``.
    """
    header = probe_image(data, limits)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise CorruptImageError(header.format, "the decoder could not read it", "декодер не зміг прочитати")
    if image.shape[0] * image.shape[1] != header.pixels:
        claimed, real = f"{header.width}x{header.height}", f"{image.shape[1]}x{image.shape[0]}"
        raise CorruptImageError(
            header.format,
            f"the header says {claimed} but the data holds {real}",
            f"заголовок вказує {claimed}, а дані містять {real}",
        )
    if image.dtype != np.uint8:
        image = cv2.convertScaleAbs(image, alpha=255.0 / 65535.0)
    return np.ascontiguousarray(image)


def encode_jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    """Encode a BGR (or grey) uint8 image as JPEG."""
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return buf.tobytes()
