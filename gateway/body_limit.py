"""One cap on every request body, applied before a route reads it.

FastAPI parses a multipart form before the route's dependencies run (the API key check included),
and Starlette spools a file part to disk whatever its size; the routes' own byte limits only apply
after that. A body declared larger than the cap is answered 413 at once; one sent without a length
is counted as it arrives and refused once it passes the cap.

A route that reads its own body (frames, previews) reads it through ``within_body_timeout``: a client
that stalls mid-upload is answered 408 ``body_timeout`` instead of holding the request for ever.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import anyio
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import BodyTimeout
from shared.schemas import ErrorBody

T = TypeVar("T")


class BodyTooLarge(HTTPException):
    """Raised from ``receive``: FastAPI passes an HTTP error met while reading a body on unchanged
    (any other exception there becomes a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")
        self.detail_uk = f"Тіло запиту більше за {limit} байтів."

    def body(self) -> dict[str, object]:
        return ErrorBody(error="payload_too_large", detail=self.detail, detail_uk=self.detail_uk).model_dump()


class BodyLimit:
    """Pure ASGI middleware: ``app.add_middleware(BodyLimit, max_bytes=...)``."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await JSONResponse(BodyTooLarge(self.max_bytes).body(), status_code=413)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


async def within_body_timeout(read: Awaitable[T], seconds: float) -> T:
    """Await ``read`` (a route reading its body) for at most ``seconds``, else ``BodyTimeout`` (408)."""
    try:
        with anyio.fail_after(seconds):
            return await read
    except TimeoutError:
        raise BodyTimeout(seconds) from None
