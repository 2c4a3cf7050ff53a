"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gateway.deps import CtxDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str

    model_config = {"json_schema_extra": {"examples": [{"status": "ok"}]}}


class Readiness(BaseModel):
    status: str
    checks: dict[str, bool]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"status": "ready", "checks": {"started": True, "recognizers": True, "face_index": True}}
            ]
        }
    }


@router.get("/healthz", response_model=Health, summary="Liveness: the process answers")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readiness",
    response_model=Readiness,
    summary="Readiness: 503 until migrations ran and recognizers and face index are up",
    responses={503: {"model": Readiness}},
)
async def readiness(ctx: CtxDep) -> Any:
    checks = {
        "started": ctx.ready,
        "recognizers": await _recognizers_ready(ctx),
        "face_index": ctx.face_index is not None,
    }
    ok = all(checks.values())
    body = Readiness(status="ready" if ok else "not_ready", checks=checks)
    return (
        body if ok else JSONResponse(status_code=503, content=body.model_dump(), headers={"Retry-After": "5"})
    )


async def _recognizers_ready(ctx: CtxDep) -> bool:
    client = ctx.recognizers
    if client is None:
        return not ctx.settings.load_recognizers
    ready = client.ready()
    if hasattr(ready, "__await__"):
        ready = await ready
    return all(ready.values()) if isinstance(ready, dict) else bool(ready)
