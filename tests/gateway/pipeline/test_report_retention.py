"""Resident reports: purged with their files after ``reports_days``; a failed commit leaves no file."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.db.models import ResidentReport
from gateway.reports import service
from gateway.reports.schemas import ReportForm
from gateway.retention import purge

DAY = timedelta(days=1)
RESIDENT = Principal(key_id=41, role="resident")


def photo() -> bytes:
    _ok, buf = cv2.imencode(".jpg", np.zeros((32, 32, 3), np.uint8))
    return buf.tobytes()


def reports(world: Any) -> int:
    with world.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(ResidentReport)) or 0)


def files(world: Any) -> list[str]:
    root = world.settings.reports_root
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def submit(world: Any) -> Any:
    with world.ctx.sessions() as s:
        return service.submit(world.settings, s, RESIDENT, ReportForm(description="smoke"), photo()).report


def test_reports_and_their_files_go_after_reports_days(world: Any) -> None:
    rep = submit(world)
    assert reports(world) == 1 and files(world) == [f"{rep.id}.jpg"]
    days = world.settings.retention.reports_days
    assert days == 90

    report = purge(world.ctx, rep.created_at + (days - 1) * DAY)
    assert report.reports == 0 and reports(world) == 1 and files(world) == [f"{rep.id}.jpg"]

    report = purge(world.ctx, rep.created_at + (days + 1) * DAY)
    assert report.reports == 1 and report.files >= 1
    assert reports(world) == 0 and files(world) == []
    assert list(world.settings.reports_root.iterdir()) == []  # empty YYYY/MM directories pruned too


def test_a_failed_commit_leaves_no_file(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_commit(self: Session) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(Session, "commit", broken_commit)
    with pytest.raises(RuntimeError, match="went away"):
        submit(world)
    monkeypatch.undo()
    assert reports(world) == 0 and files(world) == []


def test_files_no_report_names_go_after_reports_days(world: Any) -> None:
    """A file left by a crash between its write and its row's commit, or a write cut off half-way
    (its temporary name), is purged like a report once older than ``reports_days``; a report's file is
    kept while its row is."""
    rep = submit(world)
    root = world.settings.reports_root
    kept = next(root.rglob(f"{rep.id}.jpg"))
    orphans = [kept.parent / "0123456789abcdef0123456789abcdef.mp4", kept.parent / ".x.jpg.tmp-12345"]
    long_ago = (rep.created_at - (world.settings.retention.reports_days + 1) * DAY).timestamp()
    for path in orphans:
        path.write_bytes(b"\0" * 16)
        os.utime(path, (long_ago, long_ago))
    os.utime(kept, (long_ago, long_ago))  # named by a row that is not due: stays

    report = purge(world.ctx, rep.created_at + DAY)
    assert report.reports == 0 and report.files == 2
    assert files(world) == [f"{rep.id}.jpg"] and reports(world) == 1
