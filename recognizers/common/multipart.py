"""The image of a multipart upload: the file field ``image`` of a form whose bytes were read already.

One way for every service that takes an image as a form (the recognizers' ``POST /v1/recognize``, the
gateway's ``POST /v1/frames``), so they answer a form the same: ``missing_image`` 400 when it has no
``image`` file field (none, or a text field of that name), ``bad_multipart`` 400 when it cannot be
parsed (broken boundaries or part headers, a part with two Content-Disposition headers, too many
parts, cut off before its closing boundary).
The caller reads the body with its own byte limit first; parsing from memory never spools to disk.
"""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import Message

from recognizers.common.image_errors import ImageError
from shared.http_uk import describe_body_error

#: room for the boundary lines and part headers around the image in a form's byte limit
MULTIPART_OVERHEAD = 64 * 1024
#: what ``BadMultipartError`` is given for the forms ``broken`` finds (worded in ``shared.http_uk``)
CUT_OFF = "Missing closing boundary in multipart."
REPEATED_DISPOSITION = "Repeated Content-Disposition header in a multipart part."


class MissingImageError(ImageError):
    code = "missing_image"

    def __init__(self) -> None:
        super().__init__(
            "The multipart form has no file field named 'image'.",
            "Форма multipart не містить файлового поля 'image'.",
        )


class BadMultipartError(ImageError):
    code = "bad_multipart"

    def __init__(self, why: object) -> None:
        """``why``: the parser's own (English) detail, worded in both languages where it is known."""
        known = describe_body_error(why)
        if known is not None:
            super().__init__(known[1], known[2])
        else:
            super().__init__(
                f"The multipart form cannot be parsed: {why}.",
                "Форму multipart неможливо розібрати: пошкоджені межі або заголовки її частин.",
            )


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


def _boundary(content_type: str) -> bytes | None:
    _, found, rest = content_type.partition("boundary=")
    boundary = rest.split(";", 1)[0].strip().strip('"')
    return b"--" + boundary.encode("latin-1", "replace") if found and boundary else None


def broken(content_type: str, body: bytes) -> str | None:
    """What is wrong with a form that Starlette's parser would pass, or ``None``.

    Cut off (it opens with its boundary but never closes it): the parser returns the parts it saw, so
    the image would be reported missing rather than the form broken. A part with two Content-Disposition
    headers: the parser keeps the last, so a form could name one field to a proxy and another here."""
    opening = _boundary(content_type)
    if opening is None:
        return None
    if body.startswith(opening) and opening + b"--" not in body:
        return CUT_OFF
    at = body.find(opening)
    while at != -1:  # each part's header lines: from its boundary line to the first empty line
        end = body.find(b"\r\n\r\n", at)
        lines = body[at : len(body) if end == -1 else end].split(b"\r\n")[1:]
        names = [line.split(b":", 1)[0].strip().lower() for line in lines]
        if names.count(b"content-disposition") > 1:
            return REPEATED_DISPOSITION
        at = body.find(opening, at + len(opening))
    return None


async def form_image(request: Request, body: bytes) -> bytes:
    """The bytes of the file field ``image`` of ``body``, a multipart form sent with ``request``'s
    headers; ``MissingImageError`` or ``BadMultipartError`` (both 400) otherwise."""
    why = broken(request.headers.get("content-type", ""), body)
    if why is not None:
        raise BadMultipartError(why)
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
    except MultiPartException as exc:  # the same, raised as it is when the scope has no app
        raise BadMultipartError(exc.message) from exc
    try:
        field = form.get("image")
        if not isinstance(field, UploadFile):
            raise MissingImageError()
        return await field.read()
    finally:
        await form.close()
