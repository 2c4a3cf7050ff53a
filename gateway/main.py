"""The gateway app factory: ``create_app(settings)``; the lifespan brings the system up and down."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI

from gateway import errors, startup
from gateway.api import (
    audit,
    authorisations,
    cameras,
    health,
    keys,
    metrics,
    previews,
    reports,
    watchlists,
)
from gateway.api.summaries_uk import DESCRIPTION_UK, SUMMARIES_UK
from gateway.audit.log import AuditWriter
from gateway.body_limit import BodyLimit
from gateway.config import GatewaySettings
from gateway.context import AppContext
from gateway.db.session import make_engine, make_session_factory
from gateway.watchlists.live import rebuild_plate_matcher
from shared.openapi_uk import bilingual_openapi

log = logging.getLogger(__name__)
OPTIONAL_ROUTERS = ("frames", "sightings", "alerts")  # owned by the pipeline part

DESCRIPTION = """Varta gateway: cameras post frames, recognizers read plates and faces, watchlists match,
alerts are raised for people to review. Authenticate with `Authorization: Bearer vk_...`.
Police searches state `X-Purpose` and `X-Case-Number`; every query, match, upload and change is audited."""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    ctx: AppContext = app.state.ctx
    await anyio.to_thread.run_sync(startup.prepare_database, ctx)
    await anyio.to_thread.run_sync(rebuild_plate_matcher, ctx)
    ctx.recognizers = await anyio.to_thread.run_sync(startup.build_recognizers, ctx)
    ctx.face_index = await anyio.to_thread.run_sync(startup.open_face_index, ctx)
    startup.start_retention(ctx)
    ctx.ready = True
    log.info("gateway ready on data dir %s", ctx.settings.data_dir)
    try:
        yield
    finally:
        ctx.ready = False
        await startup.shutdown(ctx)


AUDIT_POOL = (1, 1)  # one connection, and one more while a broken one is replaced


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    """Build the app; nothing connects or loads until the lifespan runs."""
    settings = settings or GatewaySettings()
    engine = make_engine(settings.db_url)
    sessions = make_session_factory(engine)
    app = FastAPI(title="Varta gateway", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    # the audit log writes through a pool of its own (its rows are written one at a time): a request
    # holds its connection while its audit row is written, so with one pool a burst of requests that
    # filled it would each wait for a second connection that none could free
    writer = AuditWriter(make_session_factory(make_engine(settings.db_url, pool=AUDIT_POOL)))
    app.state.ctx = AppContext(settings=settings, engine=engine, sessions=sessions, audit=writer)
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=settings.limits.max_request_bytes)
    for module in (health, metrics, keys, cameras, previews, watchlists, authorisations, audit, reports):
        app.include_router(module.router)
    for name in OPTIONAL_ROUTERS:
        try:
            module = importlib.import_module(f"gateway.api.{name}")
        except ModuleNotFoundError:
            log.warning("gateway.api.%s is absent: its routes are not served", name)
            continue
        app.include_router(module.router)
    bilingual_openapi(app, SUMMARIES_UK, DESCRIPTION_UK)
    return app
