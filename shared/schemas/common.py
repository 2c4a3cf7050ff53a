"""Small value types used across services."""

from __future__ import annotations

from pydantic import BaseModel, Field


class BBox(BaseModel):
    """Axis-aligned box in pixels of the full-resolution image."""

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int = Field(ge=0)
    h: int = Field(ge=0)

    @classmethod
    def parse_csv(cls, value: str) -> BBox:
        """Parse ``"x,y,w,h"`` (as used by a camera's region of interest)."""
        parts = [p.strip() for p in value.split(",")]
        if len(parts) != 4 or not all(p.isascii() and p.isdigit() for p in parts):  # not '١' (Arabic 1)
            raise ValueError("expected four non-negative integers 'x,y,w,h'")
        x, y, w, h = (int(p) for p in parts)
        if w == 0 or h == 0:
            raise ValueError("width and height must be positive")
        return cls(x=x, y=y, w=w, h=h)


class ErrorBody(BaseModel):
    """Every 4xx/5xx answer of every Varta service has this shape.

    ``error`` is a stable machine code (``image_too_large``); ``detail`` says in English what is
    wrong and ``detail_uk`` says it in Ukrainian.
    """

    error: str
    detail: str
    detail_uk: str | None = None
