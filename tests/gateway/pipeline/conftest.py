"""A real gateway context on a throw-away SQLite database and data dir; recognizers are scripted.

The pipeline tests feed recognizer *outputs* (PlateRead/FaceDetection values) through the real
matcher, pass grouper, face index, database and evidence store. The real models run in
tests/gateway/e2e.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from gateway.audit.log import AuditWriter
from gateway.auth.keys import Principal
from gateway.clients import FrameImage, RecognizerUnavailable
from gateway.config import GatewaySettings
from gateway.context import AppContext
from gateway.db.base import Base
from gateway.db.models import Camera, Organisation, PlateEntry, Watchlist
from gateway.db.session import make_engine, make_session_factory
from gateway.matching import PassGrouper, PlateEntryRef, PlateMatcher
from gateway.pipeline import FrameProcessor
from shared.schemas import BBox, PlateCandidate, PlateRead

T0 = datetime(2026, 11, 24, 8, 0, 0, tzinfo=UTC)


def jpeg(width: int = 640, height: int = 360, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def plate(
    text: str, conf: float = 0.95, x: int = 100, candidates: tuple[str, ...] = (), fmt: str = "ua_2004"
) -> PlateRead:
    return PlateRead(
        text=text,
        raw_text=text,
        format=fmt,
        confidence=conf,
        char_confidences=[conf] * len(text),
        bbox=BBox(x=x, y=200, w=120, h=30),
        candidates=[PlateCandidate(text=c, confidence=0.5) for c in candidates],
    )


class ScriptedRecognizers:
    """Returns the next scripted result per call; an exception in the script is raised instead."""

    def __init__(self) -> None:
        self.plates_script: list[Any] = []
        self.faces_script: list[Any] = []
        self.calls: list[tuple[str, bool]] = []

    async def plates(
        self, image: FrameImage, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]:
        self.calls.append(("plates", finer_look))
        return self._next(self.plates_script, "plates")

    async def faces(self, image: FrameImage, embeddings: bool = True) -> list[Any]:
        self.calls.append(("faces", embeddings))
        return self._next(self.faces_script, "faces")

    @staticmethod
    def _next(script: list[Any], kind: str) -> Any:
        item = script.pop(0) if script else []
        if isinstance(item, BaseException):
            raise item
        return item

    async def aclose(self) -> None:
        return None


def down(kind: str) -> RecognizerUnavailable:
    return RecognizerUnavailable(kind, "connection refused")


class World:
    jpeg = staticmethod(jpeg)
    plate = staticmethod(plate)
    down = staticmethod(down)
    T0 = T0

    def __init__(self, tmp: Path, db_url: str) -> None:
        self.settings = GatewaySettings(
            environment="dev", data_dir=tmp, database_url=db_url, load_recognizers=False
        )
        engine = make_engine(self.settings.db_url)
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        self.ctx = AppContext(self.settings, engine, sessions, AuditWriter(sessions))
        self.recognizers = ScriptedRecognizers()
        self.ctx.recognizers = self.recognizers
        self.ctx.plate_matcher = PlateMatcher(fuzzy_threshold=1.0)
        self.processor = FrameProcessor(self.ctx, PassGrouper())
        self.camera = Principal(key_id=1, role="camera", camera_id="cam1")
        with sessions() as s, s.begin():
            s.add_all(
                [
                    Organisation(id="police", name="Police", name_uk="Поліція"),
                    Organisation(id="council", name="Council", name_uk="Рада"),
                ]
            )
            s.add(Camera(id="cam1", name="North", faces_enabled=True))
            s.add(Camera(id="cam2", name="South"))

    def plate_list(
        self, *patterns: str, org: str = "council", until: datetime | None = None
    ) -> dict[str, int]:
        ids: dict[str, int] = {}
        with self.ctx.sessions() as s, s.begin():
            wl = Watchlist(kind="plates", owner_org=org, name="stolen")
            s.add(wl)
            s.flush()
            for p in patterns:
                wild = "?" in p or "*" in p
                e = PlateEntry(watchlist_id=wl.id, pattern=p, is_wildcard=wild, valid_until=until)
                s.add(e)
                s.flush()
                ids[p] = e.id
                self.ctx.plate_matcher.add(PlateEntryRef(str(e.id), str(wl.id), p, until))
        return ids


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path: Path, harness: Any) -> Iterator[World]:
    """The same pipeline on SQLite and on a throw-away PostgreSQL database."""
    with harness.database(request.param, tmp_path) as url:
        w = World(tmp_path, url)
        try:
            yield w
        finally:
            w.ctx.engine.dispose()


def _submit(self: World, key: str, ts: datetime = T0, data: bytes | None = None, camera: str = "cam1") -> Any:
    from gateway.pipeline import FrameSubmission

    return self.processor.process(self.camera, FrameSubmission(camera, ts, key, data or jpeg()))


World.submit = _submit  # type: ignore[attr-defined]
