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


#: what ``BadMultipartError`` is given for a form without its closing boundary (``shared.http_uk``)
CUT_OFF = "Missing closing boundary in multipart."


def _cut_off(content_type: str, body: bytes) -> bool:
    """The form opens with its boundary but never closes it: the upload was cut off. Starlette's parser
    then returns the parts it saw, so the image would be reported missing rather than the form broken."""
    _, found, rest = content_type.partition("boundary=")
    boundary = rest.split(";", 1)[0].strip().strip('"')
    if not (found and boundary):
        return False
    opening = b"--" + boundary.encode("latin-1", "replace")
    return body.startswith(opening) and opening + b"--" not in body


async def _form_image(request: Request, body: bytes) -> bytes:
    if _cut_off(request.headers.get("content-type", ""), body):
        raise BadMultipartError(CUT_OFF)
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
