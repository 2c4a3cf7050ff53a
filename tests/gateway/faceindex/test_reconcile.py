"""At start-up the face index is brought in step with the enrolled photos, on both back-ends and both
databases: points whose photo row is gone are removed, rows whose point is missing are put back, and no
point of an enrolled photo is ever taken out."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gateway.audit.log import AuditWriter
from gateway.config import GatewaySettings
from gateway.context import AppContext
from gateway.db.base import Base
from gateway.db.models import Organisation, PersonEntry, PersonPhoto, Watchlist
from gateway.db.session import make_engine, make_session_factory
from gateway.faceindex import FacePoint
from gateway.faceindex.edge import EdgeFaceIndex
from gateway.faceindex.server import QdrantServerFaceIndex
from gateway.startup import open_face_index
from gateway.watchlists.live import reconcile_face_index

from .conftest import face_like

DIM = 128
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Enrolled:
    """A persons list in a real database; ``vectors`` by point id of every enrolled photo."""

    ctx: AppContext
    watchlist_id: int
    entry_id: int
    vectors: dict[str, np.ndarray]

    def point(self, point_id: str, vector: np.ndarray) -> FacePoint:
        return FacePoint(point_id, vector, str(self.watchlist_id), str(self.entry_id), "0")

    def points(self) -> list[FacePoint]:
        return [self.point(pid, v) for pid, v in self.vectors.items()]


@pytest.fixture(params=DATABASES)
def enrolled(request: pytest.FixtureRequest, tmp_path: Path, harness: Any) -> Iterator[Enrolled]:
    x, _ = face_like(12, 1, DIM, seed=4)
    with harness.database(request.param, tmp_path) as url:
        settings = GatewaySettings(
            environment="dev", data_dir=tmp_path, database_url=url, load_recognizers=False
        )
        engine = make_engine(settings.db_url)
        Base.metadata.create_all(engine)
        sessions = make_session_factory(engine)
        ctx = AppContext(settings, engine, sessions, AuditWriter(sessions))
        with sessions() as s, s.begin():
            s.add(Organisation(id="police", name="Police", name_uk="Поліція"))
            wl = Watchlist(kind="persons", owner_org="police", name="wanted")
            s.add(wl)
            s.flush()
            entry = PersonEntry(watchlist_id=wl.id, label="wanted")
            s.add(entry)
            s.flush()
            vectors = {}
            for i, v in enumerate(x):
                photo = harness.photo_row(entry.id, wl.id, f"p{i}.jpg", [float(f) for f in v])
                s.add(photo)
                vectors[photo.point_id] = v
            ids = (wl.id, entry.id)
        try:
            yield Enrolled(ctx, *ids, vectors)
        finally:
            engine.dispose()


@pytest.fixture(params=["edge", "server"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    ix: Any = (
        EdgeFaceIndex(tmp_path / "faces" / "faces", DIM, warm_up=False)
        if request.param == "edge"
        else QdrantServerFaceIndex(location=":memory:", dim=DIM)
    )
    try:
        yield ix
    finally:
        ix.close()


def stale_copies(enrolled: Enrolled, of: np.ndarray, n: int) -> list[FacePoint]:
    """Templates of photos deleted while the index was away: the same face, no row any more."""
    return [enrolled.point(str(uuid.uuid4()), of) for _ in range(n)]


def test_stale_points_are_removed_and_missing_ones_put_back(
    enrolled: Enrolled, index: Any, caplog: pytest.LogCaptureFixture
) -> None:
    points = enrolled.points()
    lost = points[0].point_id
    index.upsert(points[1:])  # the first photo's point is missing
    stale = stale_copies(enrolled, points[5].vector, 6)
    index.upsert(stale)
    assert index.count() == len(points) + 5  # more than enrolled: the old check rebuilt nothing
    with caplog.at_level(logging.INFO, logger="gateway.watchlists.live"):
        done = reconcile_face_index(enrolled.ctx, index)
    assert done.removed == sorted(p.point_id for p in stale)
    assert done.added == [lost] and done.unrestorable == []
    assert sorted(index.point_ids()) == sorted(enrolled.vectors)
    assert "removed 6 template(s)" in caplog.text and "put back 1 enrolled template(s)" in caplog.text
    assert stale[0].point_id in caplog.text and lost in caplog.text
    # the put-back template is the enrolled one, in its list and entry
    (hit,) = index.search(enrolled.vectors[lost], [str(enrolled.watchlist_id)], 1)
    assert (hit.point_id, hit.entry_id) == (lost, str(enrolled.entry_id))
    assert hit.score == pytest.approx(1.0, abs=1e-5)


def test_an_index_in_step_is_left_as_it_is(enrolled: Enrolled, index: Any) -> None:
    points = enrolled.points()
    index.upsert(points)
    done = reconcile_face_index(enrolled.ctx, index)
    assert done.removed == done.added == done.unrestorable == []
    assert sorted(index.point_ids()) == sorted(enrolled.vectors)


def test_stale_points_no_longer_push_a_real_match_out_of_the_top_k(enrolled: Enrolled, index: Any) -> None:
    points = enrolled.points()
    index.upsert(points)
    wanted = points[3]
    probe = wanted.vector + 0.05 * np.random.default_rng(1).standard_normal(DIM).astype(np.float32)
    index.upsert(stale_copies(enrolled, probe, 5))  # closer to the probe than the enrolled photo
    wl = [str(enrolled.watchlist_id)]
    assert wanted.point_id not in {h.point_id for h in index.search(probe, wl, 5)}
    reconcile_face_index(enrolled.ctx, index)
    assert index.search(probe, wl, 5)[0].point_id == wanted.point_id


def test_a_photo_without_a_kept_template_is_reported_not_invented(
    enrolled: Enrolled, index: Any, caplog: pytest.LogCaptureFixture
) -> None:
    points = enrolled.points()
    with enrolled.ctx.sessions() as s, s.begin():
        row = s.query(PersonPhoto).filter_by(point_id=points[0].point_id).one()
        row.embedding = None  # a row written before templates were kept in the database
    index.upsert(points[2:])
    with caplog.at_level(logging.ERROR, logger="gateway.watchlists.live"):
        done = reconcile_face_index(enrolled.ctx, index)
    assert done.added == [points[1].point_id]
    assert done.unrestorable == [points[0].point_id]
    assert "1 enrolled photo(s) have no template" in caplog.text
    assert sorted(index.point_ids()) == sorted(p.point_id for p in points[1:])


def test_start_up_reconciles_the_embedded_index_on_disk(enrolled: Enrolled) -> None:
    """The gateway's own start-up step, on the index directory it opens from its settings."""
    points = enrolled.points()
    path = enrolled.ctx.settings.data_dir / "faces" / "faces"
    with EdgeFaceIndex(path, DIM, warm_up=False) as ix:
        ix.upsert(points[1:] + stale_copies(enrolled, points[4].vector, 3))
    index = open_face_index(enrolled.ctx)
    try:
        assert sorted(index.point_ids()) == sorted(enrolled.vectors)
    finally:
        index.close()
