"""``GET /metrics``: Prometheus text from this app's own registry.

No key is asked for (Prometheus scrapes it; it carries no personal data), so a deployment must not
expose it publicly: bind the gateway to loopback or an internal network, or block ``/metrics`` at the
reverse proxy.
"""

from __future__ import annotations

import anyio
from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST

from gateway.deps import CtxDep
from gateway.metrics import render_metrics

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (no key; do not expose publicly)",
    description="Frames by camera and outcome, per-stage latency, skipped recognizers, alerts by kind, "
    "frames in flight, watchlist entries, face index size. Labels carry no personal data. "
    "No key is asked for: keep it off the public network (loopback, internal network or a proxy rule).",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {"example": "varta_gateway_frames_in_flight 0.0\n"}}}},
)
async def metrics(ctx: CtxDep) -> Response:
    body = await anyio.to_thread.run_sync(render_metrics, ctx)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
