"""``create_app(kind, settings)``: one recognizer as a FastAPI service.

Startup loads the model (a missing or corrupt file stops the service with the fix in the message);
warm-up then runs in the background while ``/readiness`` answers 503.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request, Response

from recognizers.service.admission import Admission
from recognizers.service.api import health, recognize
from recognizers.service.config import Kind, RecognizerServiceSettings
from recognizers.service.deps import ServiceState
from recognizers.service.engine import make_engine
from recognizers.service.errors import install_error_handlers
from recognizers.service.metrics import ServiceMetrics
from shared.openapi_uk import bilingual_openapi

log = logging.getLogger(__name__)

TITLES = {"plates": "Varta plate recognizer", "faces": "Varta face recognizer"}
DESCRIPTION = (
    "POST an image (JPEG, PNG or WebP; raw body or multipart field `image`) to `/v1/recognize`. "
    "Errors are `ErrorBody` objects with an English `detail` and a Ukrainian `detail_uk`. "
    "503 answers carry `Retry-After`."
)
DESCRIPTION_UK = (
    "Надішліть зображення (JPEG, PNG або WebP; тіло запиту або поле `image` multipart) на `/v1/recognize`. "
    "Помилки — об'єкти `ErrorBody` з англійським `detail` і українським `detail_uk`. "
    "Відповіді 503 містять `Retry-After`."
)
SUMMARIES_UK = {
    "Liveness: 200 while the process runs": "Живучість: 200, поки процес працює",
    "Readiness: 200 once the model is loaded and warmed up, 503 with Retry-After before": (
        "Готовність: 200, коли модель завантажено й прогріто, до того 503 з Retry-After"
    ),
    "Prometheus metrics: per-stage latency, requests by status, in-flight requests": (
        "Метрики Prometheus: затримка за етапами, запити за статусом, запити в обробці"
    ),
    "Find and read every licence plate in an image": "Знайти й прочитати кожен номерний знак на зображенні",
    "Detect, align, score and embed every face in an image": (
        "Знайти, вирівняти, оцінити й закодувати кожне обличчя на зображенні"
    ),
}


def create_app(
    kind: Kind, settings: RecognizerServiceSettings | None = None, recognizer: Any = None
) -> FastAPI:
    """Build the service. ``recognizer``: an already loaded object to serve instead of building one."""
    settings = settings or RecognizerServiceSettings()
    metrics = ServiceMetrics(kind)
    admission = Admission(settings.max_concurrency, settings.max_queue, settings.retry_after_s)
    admission.on_change = metrics.set_in_flight
    state = ServiceState(settings, make_engine(kind, settings, recognizer), admission, metrics)
    metrics.ready.labels(kind).set(0)
    metrics.set_in_flight(0)

    app = FastAPI(title=TITLES[kind], description=DESCRIPTION, version="1", lifespan=_lifespan(state))
    app.state.varta = state
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(recognize.plates_router() if kind == "plates" else recognize.faces_router())
    app.middleware("http")(_request_counter(state))
    bilingual_openapi(app, SUMMARIES_UK, DESCRIPTION_UK)
    return app


def _lifespan(state: ServiceState) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            await anyio.to_thread.run_sync(state.engine.load)
        except Exception as exc:
            # ModelMissingError (and a pack error) carry the fix; say it plainly before exiting.
            kind = state.engine.kind
            log.error("the %s recognizer cannot start / розпізнавач %s не запускається: %s", kind, kind, exc)
            raise
        async with anyio.create_task_group() as tg:
            tg.start_soon(_warm_up, state)
            yield
            tg.cancel_scope.cancel()

    return lifespan


async def _warm_up(state: ServiceState) -> None:
    try:
        await anyio.to_thread.run_sync(state.engine.warm_up, abandon_on_cancel=True)
    except Exception:
        log.exception("%s recognizer warm-up failed; the service stays not ready", state.engine.kind)
        return
    state.metrics.ready.labels(state.engine.kind).set(1)


def _request_counter(state: ServiceState) -> Callable[..., Awaitable[Response]]:
    async def count_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = request.scope.get("route")
            path = getattr(route, "path", "other")
            state.metrics.requests.labels(state.engine.kind, path, str(status)).inc()

    return count_requests
