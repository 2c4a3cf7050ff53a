"""Domain errors of the recognizer services and the ONE table that maps them to HTTP answers.

Every error answer is an :class:`shared.schemas.ErrorBody` with English and Ukrainian text.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from recognizers.common.image_errors import (
    CorruptImageError,
    EmptyImageError,
    ImageError,
    ImageTooLargeBytesError,
    ImageTooManyPixelsError,
    UnsupportedImageTypeError,
)
from recognizers.common.multipart import BadMultipartError, MissingImageError
from shared.schemas import ErrorBody
from shared.validation_uk import describe_all

log = logging.getLogger(__name__)

#: the status counted for a request whose client left before its body arrived (nginx's convention)
CLIENT_CLOSED = 499


class ServiceError(Exception):
    """A request the service refuses, with a stable code and text for people in two languages."""

    code = "service_error"

    def __init__(self, detail: str, detail_uk: str, retry_after_s: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_uk = detail_uk
        self.retry_after_s = retry_after_s


class ModelNotReadyError(ServiceError):
    code = "model_not_ready"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"The model is still loading or warming up; retry in {retry_after_s} s.",
            f"Модель ще завантажується або прогрівається; повторіть за {retry_after_s} с.",
            retry_after_s,
        )


class SaturatedError(ServiceError):
    code = "overloaded"

    def __init__(self, limit: int, retry_after_s: int) -> None:
        super().__init__(
            f"The recognizer is busy ({limit} requests running or queued); retry in {retry_after_s} s.",
            f"Розпізнавач зайнятий ({limit} запитів виконуються чи чекають); повторіть за {retry_after_s} с.",
            retry_after_s,
        )


class BadRoiError(ServiceError):
    code = "bad_roi"

    def __init__(self, value: str) -> None:
        super().__init__(
            f"roi must be four non-negative integers 'x,y,w,h' with positive w and h; got {value!r}.",
            f"roi має бути чотирма невід'ємними цілими 'x,y,w,h' з додатними w і h; отримано {value!r}.",
        )


class RoiOutsideImageError(ServiceError):
    code = "roi_outside_image"

    def __init__(self, width: int, height: int) -> None:
        super().__init__(
            f"The region of interest lies outside the {width}x{height} image.",
            f"Область інтересу лежить поза зображенням {width}x{height}.",
        )


class BodyTimeoutError(ServiceError):
    code = "body_timeout"

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The request body did not arrive within {seconds:g} s; send it again.",
            f"Тіло запиту не надійшло за {seconds:g} с; надішліть його знову.",
        )


# The one table: domain error -> HTTP status. Lookup walks the class hierarchy.
STATUS_BY_ERROR: dict[type[Exception], int] = {
    EmptyImageError: 400,
    ImageTooLargeBytesError: 413,
    ImageTooManyPixelsError: 413,
    UnsupportedImageTypeError: 415,
    CorruptImageError: 422,
    ImageError: 400,
    BadRoiError: 400,
    MissingImageError: 400,
    BadMultipartError: 400,
    BodyTimeoutError: 408,
    RoiOutsideImageError: 422,
    ModelNotReadyError: 503,
    SaturatedError: 503,
    ServiceError: 400,
}

_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    404: ("not_found", "No such route.", "Такого маршруту немає."),
    405: (
        "method_not_allowed",
        "Method not allowed on this route.",
        "Метод не дозволений для цього маршруту.",
    ),
}


def status_for(exc: Exception) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_response(
    status: int, code: str, detail: str, detail_uk: str, retry_after_s: int | None = None
) -> JSONResponse:
    headers = {"Retry-After": str(retry_after_s)} if retry_after_s else None
    body = ErrorBody(error=code, detail=detail, detail_uk=detail_uk)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ImageError | ServiceError)
    retry = exc.retry_after_s if isinstance(exc, ServiceError) else None
    return error_response(status_for(exc), exc.code, exc.detail, exc.detail_uk, retry)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    _field, detail, detail_uk = describe_all(exc.errors())
    return error_response(
        422, "invalid_request", f"Invalid request: {detail}", f"Некоректний запит: {detail_uk}"
    )


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, detail, detail_uk = _HTTP_CODES.get(
        exc.status_code, ("http_error", str(exc.detail), f"Помилка HTTP {exc.status_code}: {exc.detail}")
    )
    return error_response(exc.status_code, code, detail, detail_uk)


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client closed the connection before its body arrived: nobody reads an answer, nothing
    went wrong here. Counted as 499 (the client's abort), never as a 500."""
    log.info("client left during %s %s before its body arrived", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        500,
        "internal_error",
        "Internal error; see the service log.",
        "Внутрішня помилка; дивіться журнал сервісу.",
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ImageError, _domain_error)
    app.add_exception_handler(ServiceError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(Exception, _unexpected_error)


def _example(code: str, detail: str, detail_uk: str) -> dict[str, Any]:
    return {"summary": code, "value": {"error": code, "detail": detail, "detail_uk": detail_uk}}


def _examples(*errors: ImageError | ServiceError) -> dict[str, Any]:
    return {e.code: _example(e.code, e.detail, e.detail_uk) for e in errors}


def openapi_error_responses(with_roi: bool) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of POST /v1/recognize, with one example per code."""

    def entry(description: str, *errors: ImageError | ServiceError) -> dict[str, Any]:
        content = {"application/json": {"examples": _examples(*errors)}}
        return {"model": ErrorBody, "description": description, "content": content}

    corrupt = CorruptImageError(
        "JPEG",
        "the data ends before the end-of-image marker",
        "дані закінчуються до маркера кінця зображення",
    )
    bad_request: list[ImageError | ServiceError] = [EmptyImageError(), MissingImageError()]
    unprocessable: list[ImageError | ServiceError] = [corrupt]
    if with_roi:
        bad_request.append(BadRoiError("1,2,3"))
        unprocessable.append(RoiOutsideImageError(1280, 720))
    too_large = (ImageTooLargeBytesError(31457280, 20971520), ImageTooManyPixelsError(20000, 10000, 50000000))
    return {
        400: entry("Empty image, no 'image' field" + (", bad roi" if with_roi else ""), *bad_request),
        413: entry("Too many bytes, or too many pixels in the header", *too_large),
        415: entry("Not a JPEG, PNG or WebP image", UnsupportedImageTypeError("GIF")),
        422: entry(
            "Corrupt or truncated image" + (", roi outside the image" if with_roi else ""), *unprocessable
        ),
        503: entry(
            "Model not ready or service saturated: retry after Retry-After seconds",
            ModelNotReadyError(1),
            SaturatedError(6, 1),
        ),
    }
