"""Automatic retention: ``purge(ctx, now)`` for the CLI, ``start_purge_task(ctx)`` for the app."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

import anyio

from gateway.context import AppContext
from gateway.db.types import utcnow
from gateway.evidence import EvidenceStore
from gateway.reports.store import ReportStore
from gateway.retention.purge import PurgeReport, purge_data

__all__ = ["PurgeReport", "purge", "purge_data", "start_purge_task"]
logger = logging.getLogger(__name__)


def purge(ctx: AppContext, now: datetime | None = None) -> PurgeReport:
    """One purge of every data class as of ``now`` (default: the current time); audited."""
    now = now or utcnow()
    store = EvidenceStore(ctx.settings.evidence_root)
    reports = ReportStore(ctx.settings.reports_root)
    report = purge_data(ctx.sessions, store, ctx.settings.retention, now, reports)
    ctx.audit.record(None, "retention.purge", "all data classes", detail=report.summary())
    return report


async def _loop(ctx: AppContext) -> None:
    interval = ctx.settings.retention.purge_interval_s
    while True:
        try:
            await anyio.to_thread.run_sync(purge, ctx)
        except Exception:  # a failed purge is retried next time; the app keeps serving
            logger.exception("retention purge failed")
        await asyncio.sleep(interval)


def start_purge_task(ctx: AppContext) -> asyncio.Task[None]:
    """Purge now and then every ``retention.purge_interval_s`` seconds (default one hour)."""
    return asyncio.get_running_loop().create_task(_loop(ctx), name="varta-retention")
