"""What the watchlist upload routes share: the capped read, its error responses, the mode query."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, UploadFile

from gateway.errors import ERROR_RESPONSES, TooLarge, UploadErrorBody
from gateway.watchlists.schemas import UploadMode

UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES | {
    413: {"model": UploadErrorBody, "description": "upload larger than the limit"},
    422: {
        "model": UploadErrorBody,
        "description": "rows rejected (row number, field, reason) or unreadable file",
    },
}
ModeQuery = Annotated[UploadMode, Query(description="all_or_nothing: any bad row rejects the upload")]


async def read_capped(file: UploadFile, limit: int) -> bytes:
    """Read an upload, refusing it as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The upload is larger than {limit} bytes.", f"Файл більший за {limit} байтів.")
        chunks.append(chunk)
    return b"".join(chunks)
