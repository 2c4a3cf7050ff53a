"""Take the image out of a request: a raw body (image/jpeg, image/png, image/webp, or anything) or a
multipart form with a file field ``image``. The body is read with a byte limit, never all at once."""

from __future__ import annotations

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message

from recognizers.common.image_errors import ImageTooLargeBytesError
from recognizers.service.errors import BadMultipartError, MissingImageError

# Room for the multipart boundary lines and part headers around the image itself.
MULTIPART_OVERHEAD = 64 * 1024


async def read_image_bytes(request: Request, max_bytes: int) -> bytes:
    """The image bytes of a request; raises ImageTooLargeBytesError as soon as the limit is passed."""
    multipart = request.headers.get("content-type", "").lower().startswith("multipart/form-data")
    limit = max_bytes + (MULTIPART_OVERHEAD if multipart else 0)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ImageTooLargeBytesError(None if multipart else int(declared), max_bytes)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise ImageTooLargeBytesError(None, max_bytes)
    if not multipart:
        return bytes(body)
    return await _form_image(request, bytes(body))


async def _form_image(request: Request, body: bytes) -> bytes:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        form = await Request(request.scope, receive).form(max_files=1, max_fields=16)
    except HTTPException as exc:  # starlette's (not FastAPI's subclass): multipart parse errors, HTTP 400
        raise BadMultipartError(exc.detail) from exc
    try:
        field = form.get("image")
        if not isinstance(field, UploadFile):
            raise MissingImageError()
        return await field.read()
    finally:
        await form.close()
