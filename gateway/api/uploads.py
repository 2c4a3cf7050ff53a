"""What the upload routes share: one file a form, the capped read, its error responses, the mode query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, UploadFile
from starlette.datastructures import UploadFile as FormFile

from gateway.errors import ERROR_RESPONSES, TooLarge, UploadErrorBody, UploadRejected
from gateway.watchlists.schemas import UploadMode

UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    413: {"model": UploadErrorBody, "description": "upload larger than the limit"},
    422: {
        "model": UploadErrorBody,
        "description": "rows rejected (row number, field, reason) or unreadable file",
    },
}
ModeQuery = Annotated[UploadMode, Query(description="all_or_nothing: any bad row rejects the upload")]


async def one_file(request: Request, file: UploadFile) -> UploadFile:
    """The form's one file, under ``file``. A form with more files (two under ``file``, of which
    FastAPI would keep the last, or one under another name, which it would ignore) is refused: which of
    them was meant, nothing says. The form is parsed once already; this reads the parsed copy."""
    names = [name for name, value in (await request.form()).multi_items() if isinstance(value, FormFile)]
    if len(names) != 1:
        fields = ", ".join(repr(n) for n in names)
        raise UploadRejected(
            f"Send exactly one file, in the form field 'file'; this form has {len(names)} ({fields}).",
            f"Надішліть рівно один файл, у полі форми 'file'; ця форма має {len(names)} ({fields}).",
        )
    return file


#: a route's uploaded file: the form's only one (``one_file``)
OneFile = Annotated[UploadFile, Depends(one_file)]


async def read_capped(file: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The upload is larger than {limit} bytes.", f"Файл більший за {limit} байтів.")
        chunks.append(chunk)
    return b"".join(chunks)
