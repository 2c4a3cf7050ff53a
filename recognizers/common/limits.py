"""Limits on what an uploaded image may cost before anything is decoded."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# 50 MP admits any phone photo (48 MP sensors) and rejects decompression bombs; BGR at 50 MP is 150 MB.
DEFAULT_MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class ImageLimits:
    """Upper bounds checked on the raw bytes and on the header, before pixels are allocated."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_pixels <= 0:
            raise ValueError("image limits must be positive")
