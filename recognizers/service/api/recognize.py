"""POST /v1/recognize: one image in, the plates or faces in it out."""

from __future__ import annotations

import time
from typing import Annotated, Any, cast

import anyio
from fastapi import APIRouter, Query, Request

from recognizers.service.body import read_image_bytes
from recognizers.service.deps import ServiceState, StateDep
from recognizers.service.engine import PlateParams, RecognitionResponse
from recognizers.service.errors import (
    BadRoiError,
    BodyTimeoutError,
    ModelNotReadyError,
    openapi_error_responses,
)
from recognizers.service.examples import FACES_EXAMPLE, PLATES_EXAMPLE
from shared.schemas import BBox, FacesResponse, PlatesResponse

_BINARY = {"schema": {"type": "string", "format": "binary"}}
IMAGE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A JPEG, PNG or WebP image: the raw body (any image content type; the bytes decide "
        "the type) or a multipart form with the file in the field `image`.",
        "content": {
            "image/jpeg": _BINARY,
            "image/png": _BINARY,
            "image/webp": _BINARY,
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"image": {"type": "string", "format": "binary"}},
                    "required": ["image"],
                }
            },
        },
    }
}


async def recognize(request: Request, state: ServiceState, params: object) -> RecognitionResponse:
    """Admit, read the body, then decode and infer in a worker thread; add read and total timings."""
    if not state.engine.ready:
        raise ModelNotReadyError(state.settings.retry_after_s)
    started = time.perf_counter()
    async with state.admission.slot():
        data = await _read_body(request, state)
        read_done = time.perf_counter()
        response, found = await state.admission.run(state.engine.process, data, params, read_done)
    timings = response.timings_ms
    timings["read"] = (read_done - started) * 1e3
    timings["total"] = (time.perf_counter() - started) * 1e3
    state.metrics.observe_stages(timings)
    response.timings_ms = {name: round(ms, 2) for name, ms in timings.items()}
    state.metrics.objects.labels(state.engine.kind).inc(found)
    return response


async def _read_body(request: Request, state: ServiceState) -> bytes:
    """The image bytes, within ``body_timeout_s``: an admitted request holds one of the few places, so
    a client that stalls mid-upload is answered 408 and its place freed."""
    deadline = state.settings.body_timeout_s
    try:
        with anyio.fail_after(deadline):
            return await read_image_bytes(request, state.settings.max_bytes)
    except TimeoutError:
        raise BodyTimeoutError(deadline) from None


def parse_roi(value: str | None) -> BBox | None:
    if value is None or value == "":
        return None
    try:
        return BBox.parse_csv(value)
    except ValueError as exc:
        raise BadRoiError(value) from exc


def plates_router() -> APIRouter:
    router = APIRouter(tags=["recognition"])

    @router.post(
        "/v1/recognize",
        response_model=PlatesResponse,
        summary="Find and read every licence plate in an image",
        responses={
            200: {"content": {"application/json": {"example": PLATES_EXAMPLE}}},
            **openapi_error_responses(with_roi=True),
        },
        openapi_extra=IMAGE_BODY,
    )
    async def recognize_plates(
        request: Request,
        state: StateDep,
        roi: Annotated[
            str | None,
            Query(
                description="Region of interest 'x,y,w,h' in pixels of the full image; plates are "
                "searched only there (clipped to the image)",
                examples=["0,360,1280,360"],
            ),
        ] = None,
        finer_look: Annotated[
            bool,
            Query(
                description="When the first look finds no plate, detect again at a finer scale (a "
                "photo's small plate). A camera's stream may send false: a car's plate grows from "
                "frame to frame, and the second look doubles the cost of a frame with no plate",
            ),
        ] = True,
    ) -> PlatesResponse:
        response = await recognize(request, state, PlateParams(parse_roi(roi), finer_look))
        return cast(PlatesResponse, response)

    return router


def faces_router() -> APIRouter:
    router = APIRouter(tags=["recognition"])

    @router.post(
        "/v1/recognize",
        response_model=FacesResponse,
        summary="Detect, align, score and embed every face in an image",
        responses={
            200: {"content": {"application/json": {"example": FACES_EXAMPLE}}},
            **openapi_error_responses(with_roi=False),
        },
        openapi_extra=IMAGE_BODY,
    )
    async def recognize_faces(
        request: Request,
        state: StateDep,
        embeddings: Annotated[
            bool, Query(description="Return each face's L2-normalised identity vector in `embedding`")
        ] = True,
    ) -> FacesResponse:
        response = await recognize(request, state, embeddings)
        return cast(FacesResponse, response)

    return router
