"""Why an uploaded image was refused: one exception class per machine code, in English and Ukrainian."""

from __future__ import annotations

from typing import ClassVar


class ImageError(ValueError):
    """An image that cannot be accepted. ``code`` is stable; ``detail``/``detail_uk`` are for people."""

    code: ClassVar[str] = "invalid_image"

    def __init__(self, detail: str, detail_uk: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_uk = detail_uk


class EmptyImageError(ImageError):
    code = "empty_image"

    def __init__(self) -> None:
        super().__init__("The image is empty (0 bytes).", "Зображення порожнє (0 байтів).")


class ImageTooLargeBytesError(ImageError):
    code = "image_too_large_bytes"

    def __init__(self, size: int | None, limit: int) -> None:
        if size is None:
            super().__init__(
                f"The image is larger than the limit of {limit} bytes.",
                f"Зображення більше за межу {limit} байтів.",
            )
        else:
            super().__init__(
                f"The image is {size} bytes; the limit is {limit} bytes.",
                f"Зображення має {size} байтів; межа — {limit} байтів.",
            )


class ImageTooManyPixelsError(ImageError):
    code = "image_too_many_pixels"

    def __init__(self, width: int, height: int, limit: int) -> None:
        mp, limit_mp = width * height / 1e6, limit / 1e6
        super().__init__(
            f"The image is {width}x{height} ({mp:.1f} megapixels); the limit is {limit_mp:.1f} megapixels.",
            f"Зображення має розмір {width}x{height} ({mp:.1f} Мп); межа — {limit_mp:.1f} Мп.",
        )


class UnsupportedImageTypeError(ImageError):
    code = "unsupported_image_type"

    def __init__(self, found: str | None) -> None:
        if found:
            article = "an" if found[0].lower() in "aeiou" else "a"
            super().__init__(
                f"The data is {article} {found} file; "
                "only JPEG, PNG and single-frame WebP images are accepted.",
                f"Дані є файлом {found}; приймаються лише зображення JPEG, PNG і однокадрові WebP.",
            )
        else:
            super().__init__(
                "The data is not a JPEG, PNG or WebP image.",
                "Дані не є зображенням JPEG, PNG чи WebP.",
            )


class CorruptImageError(ImageError):
    code = "corrupt_image"

    def __init__(self, fmt: str, what: str, what_uk: str) -> None:
        super().__init__(
            f"The {fmt} image is corrupt or truncated: {what}.",
            f"Зображення {fmt} пошкоджене або обрізане: {what_uk}.",
        )
