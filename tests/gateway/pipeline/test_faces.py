"""Face matching in the pipeline: authorisation, thresholds, dedup, and no stored embeddings."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from gateway.db.base import Base
from gateway.db.events import Alert, Frame
from gateway.db.models import Camera, FaceAuthorisation, PersonEntry, PersonPhoto, Watchlist
from gateway.faceindex import FacePoint, make_face_index
from gateway.faceindex.server import QdrantServerFaceIndex
from gateway.pipeline import match
from shared.schemas import BBox, FaceDetection, FaceQuality

DIM = 128


def unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.normal(size=DIM).astype(np.float32)
    return v / np.linalg.norm(v)


def face(vector: np.ndarray | None, x: int = 50) -> FaceDetection:
    return FaceDetection(
        bbox=BBox(x=x, y=40, w=60, h=70),
        landmarks=[(0.0, 0.0)] * 5,
        det_score=0.9,
        quality=FaceQuality(score=0.8, size_px=60, sharpness=100, yaw_deg=0, pitch_deg=0, roll_deg=0),
        embedding=None if vector is None else [float(f) for f in vector],
    )


@pytest.fixture
def people(world: Any, harness: Any) -> Iterator[dict[str, Any]]:
    rng = np.random.default_rng(7)
    index = make_face_index(world.settings, DIM, warm_up=False)
    world.ctx.face_index = index
    templates = {"wanted": unit(rng), "other": unit(rng)}
    out: dict[str, Any] = {"templates": templates, "rng": rng}
    with world.ctx.sessions() as s, s.begin():
        wl = Watchlist(kind="persons", owner_org="police", name="wanted", face_threshold=0.5)
        s.add(wl)
        s.flush()
        points = []
        for label, vec in templates.items():
            entry = PersonEntry(watchlist_id=wl.id, label=label)
            s.add(entry)
            s.flush()
            photo = harness.photo_row(entry.id, wl.id, f"{label}.jpg", None)
            s.add(photo)
            s.flush()
            points.append(FacePoint(photo.point_id, vec, str(wl.id), str(entry.id), str(photo.id)))
            out[label] = entry.id
        index.upsert(points)
        out["watchlist_id"] = wl.id
        out["points"] = points
    yield out
    index.close()


def authorise(world: Any, hours: int = 1) -> None:
    with world.ctx.sessions() as s, s.begin():
        auth = FaceAuthorisation(
            organisation_id="police",
            legal_basis="court order",
            purpose="find a missing person",
            case_number="12345/2026",
            starts_at=world.T0 - timedelta(hours=1),
            expires_at=world.T0 + timedelta(hours=hours),
        )
        auth.cameras.append(s.get(Camera, "cam1"))
        s.add(auth)


def near(v: np.ndarray, rng: np.random.Generator, noise: float = 0.3) -> np.ndarray:
    w = v + noise * unit(rng) / np.sqrt(2)
    return w / np.linalg.norm(w)


def run_at(world: Any, key: str, offset_s: float = 0.0) -> Any:
    # the authorisation window is checked against the processing time too: pin it to the test clock
    at = world.T0 + timedelta(seconds=offset_s)
    world.processor.clock = lambda: at
    return asyncio.run(world.submit(key, at))


def test_authorised_face_match_raises_one_face_alert(world: Any, people: dict[str, Any]) -> None:
    authorise(world)
    rng = people["rng"]
    stranger = unit(rng)
    world.recognizers.faces_script = [[face(near(people["templates"]["wanted"], rng)), face(stranger, x=300)]]
    result = run_at(world, "k1")
    assert ("faces", True) in world.recognizers.calls
    assert [f.matched for f in result.faces] == [True, False]
    assert [(a.kind, a.entry_id) for a in result.alerts] == [("face", people["wanted"])]
    with world.ctx.sessions() as s:
        alert = s.scalars(select(Alert)).one()
        assert alert.confirmations_required == 2 and alert.status == "new"
        assert alert.enrolled_photo_id is not None and alert.crop_path and alert.frame_path


def test_same_person_next_frames_no_second_alert(world: Any, people: dict[str, Any]) -> None:
    authorise(world)
    rng = people["rng"]
    wanted = people["templates"]["wanted"]
    world.recognizers.faces_script = [[face(near(wanted, rng))], [face(near(wanted, rng))]]
    first = run_at(world, "k1")
    second = run_at(world, "k2", 2.0)
    assert first.alerts[0].new and not second.alerts[0].new
    assert second.alerts[0].alert_id == first.alerts[0].alert_id


def test_without_authorisation_no_face_alert(world: Any, people: dict[str, Any]) -> None:
    world.recognizers.faces_script = [[face(None)]]
    result = run_at(world, "k1")
    assert ("faces", False) in world.recognizers.calls
    assert result.alerts == [] and "face_matching" in result.skipped


def test_expired_authorisation_stops_matching(world: Any, people: dict[str, Any]) -> None:
    authorise(world, hours=1)
    world.recognizers.faces_script = [[face(None)]]
    result = run_at(world, "k1", 3 * 3600)
    assert ("faces", False) in world.recognizers.calls and result.alerts == []


def test_unmatched_embeddings_are_stored_nowhere(world: Any, people: dict[str, Any]) -> None:
    authorise(world)
    rng = people["rng"]
    stranger = unit(rng)
    world.recognizers.plates_script = [[world.plate("AA1234BO")]]  # a sighting, so evidence is written
    world.recognizers.faces_script = [[face(stranger)]]
    result = run_at(world, "k1")
    assert result.faces[0].matched is False and result.alerts == []
    files = [p.name for p in world.settings.evidence_root.rglob("*.jpg")]
    assert sorted(f.split("-", 1)[1] for f in files) == ["frame.jpg", "plate-0.jpg"]  # no face crop
    # no float of the embedding appears anywhere in the database (every row of every table)
    with world.ctx.sessions() as s:
        dump = "\n".join(
            str(row) for table in Base.metadata.sorted_tables for row in s.execute(table.select()).all()
        )
    assert "AA1234BO" in dump  # the dump does see what was stored
    for value in stranger[:8]:
        assert repr(float(value))[:9] not in dump
    with world.ctx.sessions() as s:
        stored = s.scalars(select(Frame)).one().result
    assert "embedding" not in str(stored)


@pytest.fixture(params=["edge", "server"])
def index_kind(request: pytest.FixtureRequest, world: Any, people: dict[str, Any]) -> Iterator[str]:
    """The people's templates on the embedded index (``people``), or on qdrant-client's local mode."""
    if request.param == "server":
        server = QdrantServerFaceIndex(location=":memory:", dim=DIM)
        server.upsert(people["points"])
        world.ctx.face_index = server
    yield str(request.param)
    if request.param == "server":
        server.close()


class CountedSearches:
    """The index, with the ``k`` of every search recorded."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.ks: list[int] = []

    def search(self, vector: Any, watchlist_ids: Any, k: int = 5) -> Any:
        self.ks.append(k)
        return self.index.search(vector, watchlist_ids, k)


def left_in_the_index(index: Any, people: dict[str, Any], vector: np.ndarray, n: int) -> None:
    """Templates of the wanted person's photos deleted while the index was away: no row any more, and
    nearer to ``vector`` than the photo that is still enrolled."""
    points = [
        FacePoint(str(uuid.uuid4()), vector, str(people["watchlist_id"]), str(people["wanted"]), "0")
        for _ in range(n)
    ]
    index.upsert(points)


def test_templates_left_in_the_index_do_not_push_a_real_match_out(
    world: Any, people: dict[str, Any], index_kind: str
) -> None:
    authorise(world)
    rng = people["rng"]
    probe = near(people["templates"]["wanted"], rng)
    left_in_the_index(
        world.ctx.face_index, people, probe, world.settings.match.face_top_k + 1
    )  # the whole top k
    world.recognizers.faces_script = [[face(probe)]]
    result = run_at(world, "k1")
    assert [f.matched for f in result.faces] == [True]
    assert [(a.kind, a.entry_id) for a in result.alerts] == [("face", people["wanted"])]
    with world.ctx.sessions() as s:
        enrolled = s.scalars(select(PersonPhoto.id).where(PersonPhoto.entry_id == people["wanted"])).one()
        assert s.scalars(select(Alert.enrolled_photo_id)).one() == enrolled


def test_only_a_face_whose_full_search_found_nothing_standing_is_searched_again(
    world: Any, people: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    authorise(world)
    rng = people["rng"]
    hidden = near(people["templates"]["wanted"], rng)
    left_in_the_index(world.ctx.face_index, people, hidden, 6)
    counted = CountedSearches(world.ctx.face_index)
    world.ctx.face_index = counted
    world.recognizers.faces_script = [
        [face(hidden), face(unit(rng), x=200), face(near(people["templates"]["other"], rng), x=300)]
    ]
    result = run_at(world, "k1")
    assert [f.matched for f in result.faces] == [True, False, True]
    assert counted.ks == [5, 5, 5, 20]  # a stranger and a plain match: one search each
    # more left-over templates than the widest search asks for: it stops there, without a hit
    monkeypatch.setattr(match, "MAX_FACE_CANDIDATES", 20)
    left_in_the_index(counted.index, people, hidden, 20)
    counted.ks.clear()
    world.recognizers.faces_script = [[face(hidden)]]
    result = run_at(world, "k2", 60.0)
    assert [f.matched for f in result.faces] == [False] and counted.ks == [5, 20]
