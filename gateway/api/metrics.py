"""``GET /metrics``: Prometheus text from this app's own registry.

It carries no personal data (frame counts and latencies by camera, alerts by kind). With
``VARTA_METRICS_TOKEN`` set (Compose and Kubernetes require it) Prometheus must send it as a bearer token;
unset, the route is open, which suits only the one-process default on loopback.
"""

from __future__ import annotations

import hmac
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Response
from prometheus_client import CONTENT_TYPE_LATEST

from gateway.deps import CtxDep, bearer_token
from gateway.errors import AuthRequired
from gateway.metrics import render_metrics

router = APIRouter(tags=["health"])


def _check_token(expected: str, authorization: str | None) -> None:
    given = bearer_token(authorization) or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise AuthRequired(
            "/metrics needs the metrics token (Authorization: Bearer <VARTA_METRICS_TOKEN>).",
            "/metrics потребує токена метрик (Authorization: Bearer <VARTA_METRICS_TOKEN>).",
        )


@router.get(
    "/metrics",
    summary="Prometheus metrics (bearer token when VARTA_METRICS_TOKEN is set)",
    description="Frames by camera and outcome, per-stage latency, skipped recognizers, alerts by kind, "
    "frames in flight, watchlist entries, face index size. Labels carry no personal data. When the "
    "gateway has VARTA_METRICS_TOKEN, send it as 'Authorization: Bearer <token>' (401 otherwise); "
    "without it the route is open, so keep such a gateway on loopback.",
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {"example": "varta_gateway_frames_in_flight 0.0\n"}}},
        401: {"description": "the metrics token is set and was not sent, or is wrong"},
    },
)
async def metrics(
    ctx: CtxDep,
    authorization: Annotated[str | None, Header(description="Bearer <metrics token>")] = None,
) -> Response:
    token = ctx.settings.metrics_token
    if token is not None:
        _check_token(token.get_secret_value(), authorization)
    body = await anyio.to_thread.run_sync(render_metrics, ctx)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
