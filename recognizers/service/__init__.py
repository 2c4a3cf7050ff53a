"""The recognizers as HTTP services: ``create_app("plates" | "faces", settings)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(kind: Any, settings: Any = None, recognizer: Any = None) -> FastAPI:
    """See :func:`recognizers.service.main.create_app` (imported lazily: nothing heavy at import)."""
    from recognizers.service.main import create_app as _create_app

    return _create_app(kind, settings, recognizer)
