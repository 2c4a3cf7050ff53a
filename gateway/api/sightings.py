"""Routes for /v1/sightings (the handlers are thin: parse, call a service, answer)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["sightings"])
