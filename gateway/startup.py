"""What the lifespan does, step by step: database, bootstrap, matcher, face index, recognizers, purge."""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import Any

from gateway.auth.bootstrap import announce, bootstrap_admin, seed_organisations
from gateway.context import AppContext
from gateway.db.migrate import upgrade_head
from gateway.watchlists.live import reconcile_face_index

log = logging.getLogger(__name__)


def prepare_database(ctx: AppContext) -> None:
    """Migrate, seed organisations, create the first admin key (printed once)."""
    if ctx.settings.auto_migrate:
        upgrade_head(ctx.engine)
    plain = ctx.settings.bootstrap_admin_key.get_secret_value() if ctx.settings.bootstrap_admin_key else None
    with ctx.sessions() as session, session.begin():
        seed_organisations(session)
        key = bootstrap_admin(session, plain)
    if key is not None:
        ctx.bootstrap_key = key
        ctx.audit.record(None, "key.bootstrap", "admin", detail="first start: admin key created")
        if plain is None:
            announce(key)


def open_face_index(ctx: AppContext) -> Any:
    """Open the FaceIndex and bring it in step with the enrolled photos (``reconcile_face_index``)."""
    try:
        from gateway.faceindex import make_face_index
    except ImportError:
        log.warning("gateway.faceindex.make_face_index is absent: no face matching")
        return None
    ctx.settings.data_dir.mkdir(parents=True, exist_ok=True)
    dim = getattr(ctx.recognizers, "embedding_dim", None) or ctx.settings.face_embedding_dim
    index = make_face_index(ctx.settings, dim=dim)
    try:
        reconcile_face_index(ctx, index)
        index_pending(index)
    except BaseException:
        index.close()  # the embedded index's lock goes with it; the start-up fails with the error
        raise
    return index


def index_pending(index: Any, min_pending: int = 1000) -> bool:
    """Build the embedded index over templates not indexed yet (after a bulk enrolment), at start-up.

    Qdrant Edge's ``optimize`` holds the process while it runs (13-17 s at 100,000 templates), so it
    runs here, before the gateway reports ready, and only where search is no longer exact and at
    least ``min_pending`` templates wait. A Qdrant server indexes by itself (no ``optimize``).
    """
    optimize = getattr(index, "optimize", None)
    pending = getattr(index, "pending_index", None)
    exact_below = getattr(index, "exact_below", None)
    if optimize is None or pending is None or exact_below is None or index.count() < exact_below:
        return False
    waiting = int(pending())
    if waiting < min_pending:
        return False
    log.info("face index: building the index over %d new templates before reporting ready", waiting)
    return bool(optimize())


def build_recognizers(ctx: AppContext) -> Any:
    """HTTP clients when URLs are set, else the real models in-process."""
    if not ctx.settings.load_recognizers:
        return None
    from gateway.recognizer_setup import make_recognizers

    return make_recognizers(ctx.settings)


def start_retention(ctx: AppContext) -> None:
    try:
        retention = importlib.import_module("gateway.retention")
    except ModuleNotFoundError:
        log.warning("gateway.retention is absent: no automatic purge")
        return
    start = getattr(retention, "start_purge_task", None)
    if start is None:
        log.warning("gateway.retention has no start_purge_task: no automatic purge")
        return
    task = start(ctx)
    if isinstance(task, asyncio.Task):
        ctx.tasks.append(task)


async def shutdown(ctx: AppContext) -> None:
    for task in ctx.tasks:
        task.cancel()
    for task in ctx.tasks:
        try:
            await task
        except (asyncio.CancelledError, Exception):
            log.debug("background task ended", exc_info=True)
    if ctx.recognizers is not None:
        await ctx.recognizers.aclose()
    if ctx.face_index is not None:
        ctx.face_index.close()
    ctx.engine.dispose()
    ctx.audit.close()
