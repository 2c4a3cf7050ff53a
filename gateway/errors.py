"""Domain exceptions and the one table that maps them to HTTP; every error body is an ``ErrorBody``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from shared.http_uk import describe_body_error
from shared.schemas import ErrorBody
from shared.validation_uk import describe_all

log = logging.getLogger(__name__)

#: the status counted for a request whose client left before its body arrived (nginx's convention, as
#: the recognizers count it); nobody reads the answer
CLIENT_CLOSED = 499


class RowError(BaseModel):
    """Why one row (CSV line, manifest line, ZIP member) of an upload was rejected."""

    row: int
    field: str | None = None
    error: str
    detail: str
    detail_uk: str


class UploadErrorBody(ErrorBody):
    rows: list[RowError]


class DomainError(Exception):
    """Base of every error the gateway answers with on purpose."""

    code = "error"

    def __init__(self, detail: str, detail_uk: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_uk = detail_uk
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return ErrorBody(error=self.code, detail=self.detail, detail_uk=self.detail_uk).model_dump()


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, kind: str, ident: object, kind_uk: str | None = None) -> None:
        super().__init__(f"{kind} '{ident}' not found.", f"{kind_uk or kind} '{ident}' не знайдено.")
        self.kind, self.ident = kind, ident


class AuthRequired(DomainError):
    code = "unauthenticated"

    def __init__(
        self,
        detail: str = "A valid API key is required (Authorization: Bearer vk_...).",
        detail_uk: str = "Потрібен дійсний ключ API (Authorization: Bearer vk_...).",
    ) -> None:
        super().__init__(detail, detail_uk, headers={"WWW-Authenticate": "Bearer"})


#: how a role is named to a person reading a Ukrainian message (the API value stays in quotes beside it)
ROLE_UK = {
    "admin": "адміністратор",
    "auditor": "аудитор",
    "camera": "камера",
    "council": "громада",
    "police": "поліція",
    "resident": "мешканець",
}


class Forbidden(DomainError):
    code = "forbidden"

    def __init__(self, roles: Iterable[str], what: str = "this action", what_uk: str | None = None) -> None:
        """``what`` names the action in English, ``what_uk`` in Ukrainian (a route path when None)."""
        ordered = sorted(roles)
        names = " or ".join(ordered)
        names_uk = " або ".join(f"«{r}» ({ROLE_UK.get(r, r)})" for r in ordered)
        super().__init__(
            f"{what[:1].upper()}{what[1:]} needs the role {names}.",
            f"Для дії «{what_uk or what}» потрібна роль {names_uk}.",
        )
        self.roles = tuple(ordered)


class ScopeDenied(DomainError):
    """The role is right, but the object belongs to someone else (camera key, other organisation)."""

    code = "forbidden"


class InvalidInput(DomainError):
    code = "validation_error"

    def __init__(self, field: str, detail: str, detail_uk: str) -> None:
        super().__init__(f"{field}: {detail}", f"{field}: {detail_uk}")
        self.field = field

    def body(self) -> dict[str, Any]:
        """Named like a request the schema refused: the same code, and the field in ``field``."""
        return super().body() | {"field": self.field}


class PurposeRequired(DomainError):
    code = "purpose_required"

    def __init__(self) -> None:
        super().__init__(
            "Police searches need the headers X-Purpose and X-Case-Number.",
            "Пошук поліцією потребує заголовків X-Purpose і X-Case-Number.",
        )


class Conflict(DomainError):
    code = "conflict"


class TooLarge(DomainError):
    code = "payload_too_large"


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"


class EmptyUpload(DomainError):
    code = "empty_upload"


class UnreadableMedia(DomainError):
    """The type is right by its magic bytes, but the decoder cannot read it (corrupt, truncated)."""

    code = "unreadable_media"


class RateLimited(DomainError):
    code = "too_many_requests"

    def __init__(self, detail: str, detail_uk: str, retry_after: int) -> None:
        super().__init__(detail, detail_uk, headers={"Retry-After": str(max(1, retry_after))})


class UploadRejected(DomainError):
    """A bulk upload with rejected rows (all-or-nothing), or one that could not be read at all."""

    code = "upload_rejected"

    def __init__(self, detail: str, detail_uk: str, rows: list[RowError] | None = None) -> None:
        super().__init__(detail, detail_uk)
        self.rows = rows or []

    def body(self) -> dict[str, Any]:
        return UploadErrorBody(
            error=self.code, detail=self.detail, detail_uk=self.detail_uk, rows=self.rows
        ).model_dump()


class NoLivePicture(DomainError):
    """The camera exists and may be viewed, but its agent sent no preview recently (404)."""

    code = "not_found"

    def __init__(self, camera_id: str, max_age_s: float) -> None:
        super().__init__(
            f"Camera '{camera_id}' has sent no live picture in the last {max_age_s:g} s.",
            f"Камера '{camera_id}' не надсилала зображення наживо за останні {max_age_s:g} с.",
        )


class Unavailable(DomainError):
    code = "unavailable"

    def __init__(self, detail: str, detail_uk: str, retry_after: int = 5) -> None:
        super().__init__(detail, detail_uk, headers={"Retry-After": str(retry_after)})


class BodyTimeout(DomainError):
    """The body did not arrive in time (``VARTA_LIMITS__BODY_TIMEOUT_S``); the rest of it may still come,
    so the connection is closed."""

    code = "body_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request body did not arrive within {seconds:g} s; send it again.",
            f"Тіло запиту не надійшло за {seconds:g} с; надішліть його знову.",
            headers={"Connection": "close"},
        )


class DatabaseBusy(Unavailable):
    """Every database connection was in use and none came free in time: a load peak, not a fault."""

    code = "database_busy"

    def __init__(self) -> None:
        super().__init__(
            "The database is busy; nothing was changed. Retry later.",
            "База даних зайнята; нічого не змінено. Повторіть пізніше.",
        )


# THE table: domain error -> HTTP status. Subclasses not listed inherit their parent's status.
STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    NoLivePicture: 404,
    AuthRequired: 401,
    Forbidden: 403,
    ScopeDenied: 403,
    InvalidInput: 422,
    PurposeRequired: 422,
    Conflict: 409,
    TooLarge: 413,
    UnsupportedMedia: 415,
    EmptyUpload: 400,
    UnreadableMedia: 422,
    RateLimited: 429,
    UploadRejected: 422,
    Unavailable: 503,
    BodyTimeout: 408,
}
IMAGE_ERROR_STATUS = {
    "empty_image": 422,
    "image_too_large_bytes": 413,
    "image_too_many_pixels": 413,
    "unsupported_image_type": 415,
    "corrupt_image": 422,
    "missing_image": 400,  # recognizers.common.multipart: an image upload's form, as the recognizers answer
    "bad_multipart": 400,
}


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _json(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


async def _domain(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return _json(status_of(exc), exc.body(), exc.headers)


async def _image(_: Request, exc: Exception) -> JSONResponse:
    code = str(getattr(exc, "code", "invalid_image"))
    body = ErrorBody(
        error=code, detail=str(getattr(exc, "detail", exc)), detail_uk=getattr(exc, "detail_uk", None)
    )
    return _json(IMAGE_ERROR_STATUS.get(code, 422), body.model_dump())


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    field, detail, detail_uk = describe_all(exc.errors())
    body = ErrorBody(error="validation_error", detail=detail, detail_uk=detail_uk)
    return _json(422, body.model_dump() | {"field": field or None})


async def _http(_: Request, exc: Exception) -> JSONResponse:
    """The framework's own HTTP errors: unknown route or method, a body over the cap
    (``gateway.body_limit``), and an upload whose multipart form (or body) it cannot parse, worded in
    both languages (``describe_body_error``)."""
    assert isinstance(exc, StarletteHTTPException)
    text = exc.detail if isinstance(exc.detail, str) else "error"
    code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
        exc.status_code, "http_error"
    )
    text_uk = getattr(exc, "detail_uk", None) or _UK_HTTP.get(
        exc.status_code, f"Помилка HTTP {exc.status_code}: {text}"
    )
    known = describe_body_error(exc.detail) if exc.status_code == 400 else None
    if known is not None:
        code, text, text_uk = known
    body = ErrorBody(error=code, detail=text, detail_uk=text_uk)
    return _json(exc.status_code, body.model_dump(), dict(exc.headers or {}))


async def _data(_: Request, exc: Exception) -> JSONResponse:
    """A value the database refuses to hold (PostgreSQL: text with a NUL byte, a number out of range)
    is bad input, not a fault of the server: 422, whichever route's query or commit met it."""
    assert isinstance(exc, DataError)
    if "NUL" in str(exc.orig):
        detail = "A text value of the request contains a NUL (0x00) character, which cannot be stored."
        detail_uk = "Текстове значення запиту містить символ NUL (0x00), який неможливо зберегти."
    else:
        detail = "A value of the request is out of the range the database can store."
        detail_uk = "Значення запиту виходить за межі того, що може зберегти база даних."
    body = ErrorBody(error="validation_error", detail=detail, detail_uk=detail_uk)
    return _json(422, body.model_dump())


async def _unencodable(request: Request, exc: Exception) -> JSONResponse:
    """Text the database cannot encode: a lone UTF-16 surrogate (``"\\ud800"`` in JSON is valid JSON
    but no character), which the JSON parser lets through into a text field. Met at the first query
    that carries it, before anything is committed: bad input, 422, whichever route it was."""
    assert isinstance(exc, UnicodeEncodeError)
    log.info("%s %s: unencodable text in the request: %s", request.method, request.url.path, exc.reason)
    body = ErrorBody(
        error="validation_error",
        detail="A text value of the request holds a lone surrogate (\\ud800-\\udfff), which is no "
        "character and cannot be stored.",
        detail_uk="Текстове значення запиту містить окремий сурогат (\\ud800-\\udfff), який не є символом "
        "і не може бути збережений.",
    )
    return _json(422, body.model_dump())


#: SQLSTATE (PostgreSQL) and extended result code (SQLite) of the constraints a concurrent request can
#: break between a route's check and its insert: a row with the same key stored meanwhile (unique), or
#: a row the new one refers to deleted meanwhile (foreign key)
_SQLSTATES = {"23505": "unique", "23503": "foreign_key"}
_SQLITE_CODES = {
    "SQLITE_CONSTRAINT_PRIMARYKEY": "unique",
    "SQLITE_CONSTRAINT_UNIQUE": "unique",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
}
_SQLITE_TEXTS = {"UNIQUE constraint failed": "unique", "FOREIGN KEY constraint failed": "foreign_key"}
_CONFLICTS = {
    "unique": (
        "It already exists: another request stored the same record at the same moment.",
        "Такий запис уже існує: інший запит зберіг його в ту саму мить.",
    ),
    "foreign_key": (
        "Something this request refers to no longer exists: another request removed it at the same moment.",
        "Те, на що посилається запит, уже не існує: інший запит видалив його в ту саму мить.",
    ),
}


def constraint_violated(exc: IntegrityError) -> str | None:
    """``"unique"`` or ``"foreign_key"`` when the database refused a row for one of those constraints
    (on PostgreSQL or SQLite), else ``None`` (NOT NULL, CHECK: a fault of the server, not a race)."""
    orig = exc.orig
    kind = _SQLSTATES.get(str(getattr(orig, "sqlstate", "") or ""))
    kind = kind or _SQLITE_CODES.get(str(getattr(orig, "sqlite_errorname", "") or ""))
    if kind is None and not getattr(orig, "sqlite_errorname", None):
        kind = next((k for text, k in _SQLITE_TEXTS.items() if str(orig).startswith(text)), None)
    return kind


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    """Routes check before they insert ("camera 'x' already exists", "camera 'x' not found"), but two
    requests at once both pass the check and the database's constraint refuses the second: that is the
    same conflict, a 409, whichever route it was (one place, not a try in every route)."""
    assert isinstance(exc, IntegrityError)
    kind = constraint_violated(exc)
    if kind is None:
        return await _unexpected(request, exc)
    first_line = str(exc.orig).split("\n", 1)[0]  # PostgreSQL's DETAIL line below it holds the values
    log.info("%s %s lost a race (%s): %s", request.method, request.url.path, kind, first_line)
    return await _domain(request, Conflict(*_CONFLICTS[kind]))


async def _gone_meanwhile(request: Request, exc: Exception) -> JSONResponse:
    """A row this request read was removed (or changed) by another request before this one wrote it
    (an update racing a delete): the same conflict as a lost insert race, a 409."""
    log.info("%s %s lost a race: %s", request.method, request.url.path, str(exc).split("\n", 1)[0])
    return await _domain(
        request,
        Conflict(
            "What this request changes was removed or changed by another request at the same moment; "
            "nothing was changed. Read it again and retry.",
            "Те, що змінює цей запит, інший запит видалив або змінив у ту саму мить; нічого не змінено. "
            "Прочитайте його знову й повторіть.",
        ),
    )


async def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    log.warning("no database connection came free for %s %s: %s", request.method, request.url.path, exc)
    return await _domain(request, DatabaseBusy())


async def _client_gone(request: Request, _: Exception) -> Response:
    """The client closed the connection before its body arrived: nothing went wrong here."""
    log.info("client left during %s %s before its body arrived", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED)


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error: %s", exc)
    body = ErrorBody(error="internal_error", detail="Internal error.", detail_uk="Внутрішня помилка.")
    return _json(500, body.model_dump())


_UK_HTTP = {404: "Не знайдено.", 405: "Метод не дозволено."}


def install(app: FastAPI) -> None:
    """Register the handlers; recognizer and image errors are mapped when their modules exist."""
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(StaleDataError, _gone_meanwhile)
    app.add_exception_handler(ObjectDeletedError, _gone_meanwhile)
    app.add_exception_handler(UnicodeEncodeError, _unencodable)
    app.add_exception_handler(Exception, _unexpected)
    try:
        from recognizers.common.image_errors import ImageError
    except ImportError:  # pragma: no cover - recognizers always ship with the gateway
        return
    app.add_exception_handler(ImageError, _image)


# OpenAPI: what every authenticated route may answer besides success.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "missing, unknown or revoked API key"},
    403: {"model": ErrorBody, "description": "the key's role or scope does not allow this"},
    404: {"model": ErrorBody, "description": "an id in the path does not exist (or is not visible)"},
    422: {"model": ErrorBody, "description": "invalid input; `detail` names the field"},
}

# OpenAPI: an image answer (evidence, enrolled photos): binary JPEG, described by its first bytes.
JPEG_RESPONSE: dict[str, Any] = {
    "content": {
        "image/jpeg": {
            "schema": {"type": "string", "format": "binary"},
            "example": "(binary JPEG: FF D8 FF E0 00 10 4A 46 49 46 ...)",
        }
    },
}


def multipart_example(**fields: str) -> dict[str, Any]:
    """OpenAPI ``openapi_extra`` that shows an example of a multipart upload's fields."""
    return {"requestBody": {"content": {"multipart/form-data": {"example": fields}}}}
