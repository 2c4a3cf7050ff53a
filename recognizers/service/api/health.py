"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST

from recognizers.service.deps import StateDep
from recognizers.service.errors import ModelNotReadyError, error_response
from shared.schemas import ErrorBody

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness: 200 while the process runs")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readiness",
    summary="Readiness: 200 once the model is loaded and warmed up, 503 with Retry-After before",
    responses={
        200: {"content": {"application/json": {"example": {"status": "ready", "kind": "plates"}}}},
        503: {"model": ErrorBody, "description": "model loading or warming up"},
    },
)
async def readiness(state: StateDep) -> Any:
    if state.engine.ready:
        return {"status": "ready", **state.engine.info()}
    exc = ModelNotReadyError(state.settings.retry_after_s)
    return error_response(503, exc.code, exc.detail, exc.detail_uk, exc.retry_after_s)


@router.get(
    "/metrics",
    summary="Prometheus metrics: per-stage latency, requests by status, in-flight requests",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(state: StateDep) -> Response:
    return Response(content=state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
