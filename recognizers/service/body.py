"""Take the image out of a request: a raw body (image/jpeg, image/png, image/webp, or anything) or a
multipart form with a file field ``image`` (``recognizers.common.multipart``, as the gateway takes it).
The body is read with a byte limit, never all at once."""

from __future__ import annotations

from fastapi import Request

from recognizers.common.image_errors import ImageTooLargeBytesError
from recognizers.common.multipart import MULTIPART_OVERHEAD, form_image, is_multipart


async def read_image_bytes(request: Request, max_bytes: int) -> bytes:
    """The image bytes of a request; raises ImageTooLargeBytesError as soon as the limit is passed."""
    multipart = is_multipart(request)
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
    return await form_image(request, bytes(body))
