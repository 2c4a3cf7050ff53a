"""Retention per data class, run with a frozen ``now``."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from gateway.audit.chain import verify_chain
from gateway.db.events import Alert, Frame, PlateReadRow, Sighting
from gateway.db.models import AuditRecord
from gateway.retention import purge

DAY = timedelta(days=1)


def n(world: Any, model: Any, *where: Any) -> int:
    with world.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)))


def files(world: Any) -> set[str]:
    root = world.settings.evidence_root
    return {p.name.split("-", 1)[1] for p in root.rglob("*.jpg")} if root.exists() else set()


def post(world: Any, key: str, at: Any, text: str) -> Any:
    world.processor.clock = lambda: at
    world.recognizers.plates_script = [[world.plate(text)]]
    return asyncio.run(world.submit(key, at))


def test_each_data_class_goes_after_its_days(world: Any) -> None:
    world.plate_list("AA1234BO")
    t0 = world.T0
    hit = post(world, "hit", t0, "AA1234BO")
    post(world, "miss", t0 + timedelta(minutes=5), "BC5678CE")
    assert n(world, Frame) == 2 and n(world, Sighting) == 2 and n(world, Alert) == 1
    policy = world.settings.retention  # frames 7, reads without hit 30, hits 365 days

    report = purge(world.ctx, t0 + 6 * DAY)
    assert report.frames == 0 and n(world, Frame) == 2

    report = purge(world.ctx, t0 + (policy.frames_days + 1) * DAY)
    assert report.frames == 2 and n(world, Frame) == 0
    # the alert keeps its frame and crop; the unmatched sighting's files are gone
    assert files(world) == {"frame.jpg", "plate-0.jpg"}
    assert n(world, Sighting) == 2 and n(world, PlateReadRow) == 2

    purge(world.ctx, t0 + (policy.reads_without_hit_days + 1) * DAY)
    assert n(world, Sighting) == 1 and n(world, PlateReadRow, PlateReadRow.has_hit.is_(True)) == 1
    assert n(world, Alert) == 1

    purge(world.ctx, t0 + (policy.hits_days + 1) * DAY)
    assert n(world, Alert) == 0 and n(world, Sighting) == 0 and n(world, PlateReadRow) == 0
    assert files(world) == set()
    assert hit.alerts  # it was a hit


def test_audit_log_is_kept_at_least_six_months(world: Any) -> None:
    world.ctx.audit.record(None, "test.event", "x")
    first = n(world, AuditRecord)
    with world.ctx.sessions() as s:
        ts = s.scalar(select(func.min(AuditRecord.ts)))
    purge(world.ctx, ts + 182 * DAY)
    assert n(world, AuditRecord) >= first  # never before 183 days
    purge(world.ctx, ts + (world.settings.retention.audit_days + 1) * DAY)
    with world.ctx.sessions() as s:
        remaining = s.scalars(select(AuditRecord.action)).all()
        assert "test.event" not in remaining and remaining  # the purges themselves stay logged
        assert verify_chain(s).ok
