"""The agent's own HTTP port: ``/healthz``, ``/metrics`` and ``POST /v1/push/{camera_id}``."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.concurrency import run_in_threadpool

from recognizers.common.image_errors import ImageError, ImageTooManyPixelsError
from services.ingest.frames import utcnow
from services.ingest.sources.http_snapshot import decode_frame
from services.ingest.sources.push import PushReceiver
from shared.schemas import ErrorBody

if TYPE_CHECKING:
    from services.ingest.agent import Agent

log = logging.getLogger(__name__)


def _error(status: int, error: str, detail: str, detail_uk: str) -> JSONResponse:
    return JSONResponse(
        ErrorBody(error=error, detail=detail, detail_uk=detail_uk).model_dump(), status_code=status
    )


def create_app(agent: Agent) -> FastAPI:
    app = FastAPI(title="Varta ingest agent", version="0.1.0")

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return agent.health_report()

    @app.get("/metrics")
    def metrics() -> Response:
        return Response(agent.metrics.render(), media_type=CONTENT_TYPE_LATEST)

    @app.post("/v1/push/{camera_id}", response_model=None)
    async def push(camera_id: str, request: Request) -> JSONResponse:
        receiver = agent.push_receivers.get(camera_id)
        auth = request.headers.get("authorization", "")
        key = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if receiver is None or key is None or not receiver.authorized(key):
            # an unknown camera answers as a wrong key does: the port must not list the agent's cameras
            if receiver is None:
                log.warning("push for a camera this agent does not have: %r", camera_id[:64])
            return _error(
                401,
                "unauthorized",
                "missing or wrong Bearer key for this camera",
                "відсутній або неправильний ключ камери",
            )
        return await _accept(receiver, request)

    return app


async def _accept(receiver: PushReceiver, request: Request) -> JSONResponse:
    limit = receiver.cfg.max_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return _error(
            413, "image_too_large", f"image larger than {limit} bytes", f"зображення більше за {limit} байтів"
        )
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return _error(
                413,
                "image_too_large",
                f"image larger than {limit} bytes",
                f"зображення більше за {limit} байтів",
            )
    capture_time = utcnow()
    header = request.headers.get("x-capture-time")
    if header:
        try:
            capture_time = datetime.fromisoformat(header.replace("Z", "+00:00"))
        except ValueError:
            capture_time = None  # type: ignore[assignment]
        if capture_time is None or capture_time.tzinfo is None:
            return _error(
                400,
                "bad_capture_time",
                "X-Capture-Time must be RFC 3339 with a timezone",
                "X-Capture-Time має бути у форматі RFC 3339 з часовим поясом",
            )
    if not body:
        return _error(400, "empty_image", "the body is empty", "тіло запиту порожнє")
    try:
        image = await run_in_threadpool(decode_frame, bytes(body))
    except ImageTooManyPixelsError as exc:
        return _error(413, exc.code, exc.detail, exc.detail_uk)
    except ImageError:
        return _error(
            400,
            "undecodable_image",
            "the body is not a decodable image",
            "тіло запиту не є зображенням, яке можна декодувати",
        )
    receiver.offer(image, capture_time)
    return JSONResponse({"accepted": True}, status_code=202)
