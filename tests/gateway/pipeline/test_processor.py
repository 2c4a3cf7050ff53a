"""FrameProcessor on a real database, matcher, pass grouper and evidence store."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from gateway.db.events import Alert, Frame, PlateReadRow, Sighting
from gateway.errors import ScopeDenied
from gateway.pipeline.recognize import RecognizersUnavailable


def count(world: Any, model: Any) -> int:
    with world.ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def evidence_files(world: Any) -> list[str]:
    root = world.settings.evidence_root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_exact_hit_raises_one_alert_per_pass(world: Any) -> None:
    ids = world.plate_list("AA1234BO")
    world.recognizers.plates_script = [[world.plate("AA1234BO")], [world.plate("AA1234BO", x=110)]]
    first = asyncio.run(world.submit("k1"))
    second = asyncio.run(world.submit("k2", world.T0 + timedelta(milliseconds=500)))
    assert [h.rule for h in first.plates[0].hits] == ["exact"]
    assert first.alerts[0].entry_id == ids["AA1234BO"] and first.alerts[0].new
    assert second.plates[0].pass_id == first.plates[0].pass_id
    assert second.alerts[0].alert_id == first.alerts[0].alert_id and not second.alerts[0].new
    assert count(world, Alert) == 1 and count(world, Sighting) == 1 and count(world, PlateReadRow) == 2
    with world.ctx.sessions() as s:
        sighting = s.scalars(select(Sighting)).one()
        assert sighting.n_reads == 2 and sighting.has_hit and sighting.plate_text == "AA1234BO"


def test_confusion_hits_through_fuzzy(world: Any) -> None:
    world.plate_list("AA1234BO")
    world.recognizers.plates_script = [[world.plate("AA1234B0")]]
    result = asyncio.run(world.submit("k1"))
    assert result.plates[0].hits[0].rule == "fuzzy"
    assert result.alerts[0].rule == "fuzzy" and 0 < result.alerts[0].distance <= 1.0


def test_a_sure_reading_of_another_plate_raises_no_alert_an_unlikely_next_best_reading_neither(
    world: Any,
) -> None:
    world.plate_list("AA1234BO", "KA5678CE")
    other_car = world.plate("AA1284BO", conf=0.99, candidates=("KA5678CE",))
    other_car.candidates[0].confidence = 0.001  # a reading the recognizer gives one in a thousand
    world.recognizers.plates_script = [[other_car]]
    result = asyncio.run(world.submit("k1"))
    assert result.plates[0].hits == [] and result.alerts == []


def test_a_likely_next_best_reading_and_the_pass_reading_still_alert(world: Any) -> None:
    ids = world.plate_list("KA5678CE", "AA1234BO")
    world.recognizers.plates_script = [[world.plate("KA5673CE", conf=0.99, candidates=("KA5678CE",))]]
    result = asyncio.run(world.submit("k1"))
    assert [(h.entry_id, h.rule) for h in result.plates[0].hits] == [(ids["KA5678CE"], "exact")]
    # a pass read AA1234BO twice, then AA1284BO, unsure as a whole, each character sure: that reading
    # alone is another car, but it joins the pass, and the pass's reading still alerts
    odd = world.plate("AA1284BO", conf=0.85, x=310)
    odd.char_confidences = [0.99] * 8
    world.recognizers.plates_script = [
        [world.plate("AA1234BO", conf=0.99, x=300)],
        [world.plate("AA1234BO", conf=0.99, x=305)],
        [odd],
    ]
    for i in range(3):
        out = asyncio.run(world.submit(f"p{i}", world.T0 + timedelta(seconds=1 + i / 2)))
    hits = out.plates[0].hits
    assert [(h.entry_id, h.matched_text) for h in hits] == [(ids["AA1234BO"], "AA1234BO")]


def test_a_pass_reading_is_judged_by_the_votes_confidence_in_each_character(world: Any) -> None:
    ids = world.plate_list("CDP192", "AA1234BO")
    # a pass read CDP182 surely twice, then lost a character: its reading CDP182 is matched on its own,
    # and the vote is sure of the 8 where the wanted CDP192 has a 9: another car
    world.recognizers.plates_script = [
        [world.plate("CDP182", conf=0.99, x=300)],
        [world.plate("CDP182", conf=0.99, x=305)],
        [world.plate("CDP18", conf=0.6, x=310)],
    ]
    for i in range(3):
        out = asyncio.run(world.submit(f"c{i}", world.T0 + timedelta(seconds=1 + i / 2)))
        assert out.plates[0].hits == [] and out.alerts == []
    assert out.plates[0].pass_text == "CDP182"
    # frames that disagree leave the vote unsure: AA1234B0 once surely, AA1284B0 twice unsure
    world.recognizers.plates_script = [
        [world.plate("AA1284BO", conf=0.5, x=500)],
        [world.plate("AA1234BO", conf=0.99, x=505)],
        [world.plate("AA1284BO", conf=0.5, x=510)],
        [world.plate("AA128BO", conf=0.5, x=515)],
    ]
    for i in range(4):
        out = asyncio.run(world.submit(f"d{i}", world.T0 + timedelta(seconds=20 + i / 2)))
    assert out.plates[0].pass_text == "AA1284BO"
    assert [(h.entry_id, h.rule) for h in out.plates[0].hits] == [(ids["AA1234BO"], "fuzzy")]


def test_a_plate_entry_is_judged_at_the_frames_capture_time(world: Any) -> None:
    # frames the camera's agent spooled through an outage arrive an hour late, after the entry expired
    ids = world.plate_list("AA1234BO", until=world.T0 + timedelta(minutes=10))
    world.processor.clock = lambda: world.T0 + timedelta(hours=1)
    world.recognizers.plates_script = [[world.plate("AA1234BO")], [world.plate("AA1234BO")]]
    while_wanted = asyncio.run(world.submit("k1", world.T0 + timedelta(minutes=5)))
    assert [a.entry_id for a in while_wanted.alerts] == [ids["AA1234BO"]]
    after = asyncio.run(world.submit("k2", world.T0 + timedelta(minutes=30)))
    assert after.alerts == [] and after.plates[0].hits == []
    # a camera clock ahead of ours does not stretch the entry: judged when the frame arrived
    world.processor.clock = lambda: world.T0 + timedelta(minutes=11)
    world.recognizers.plates_script = [[world.plate("AA1234BO", x=600)]]
    ahead = asyncio.run(world.submit("k3", world.T0 + timedelta(minutes=9, hours=1)))
    assert ahead.alerts == []


def test_retry_returns_stored_result_and_stores_nothing(world: Any) -> None:
    world.plate_list("AA1234BO")
    world.recognizers.plates_script = [[world.plate("AA1234BO")], [world.plate("AA1234BO")]]
    first = asyncio.run(world.submit("same"))
    files = evidence_files(world)
    again = asyncio.run(world.submit("same"))
    assert again.duplicate and not first.duplicate
    assert again.frame_id == first.frame_id and again.alerts == first.alerts
    assert count(world, Frame) == 1 and count(world, Alert) == 1 and count(world, PlateReadRow) == 1
    assert evidence_files(world) == files
    assert len(world.recognizers.calls) == 2  # plates + faces of the first post only


def test_concurrent_retries_store_once(world: Any) -> None:
    world.plate_list("AA1234BO")
    world.recognizers.plates_script = [[world.plate("AA1234BO")], [world.plate("AA1234BO")]]

    async def both() -> list[Any]:
        return list(await asyncio.gather(world.submit("race"), world.submit("race")))

    a, b = asyncio.run(both())
    assert sorted([a.duplicate, b.duplicate]) == [False, True]
    assert a.frame_id == b.frame_id
    assert count(world, Frame) == 1 and count(world, Alert) == 1
    assert len(evidence_files(world)) == 2  # frame + one plate crop, none left by the loser


def test_other_camera_key_is_refused(world: Any) -> None:
    with pytest.raises(ScopeDenied):
        asyncio.run(world.submit("k1", camera="cam2"))
    assert count(world, Frame) == 0


def test_one_recognizer_down_other_runs(world: Any) -> None:
    world.recognizers.plates_script = [[world.plate("AA1234BO")]]
    world.recognizers.faces_script = [world.down("faces")]
    result = asyncio.run(world.submit("k1"))
    assert result.plates and "faces" in result.skipped
    assert "unavailable" in result.skip_reasons["faces"].reason


def test_all_down_is_503_and_nothing_stored(world: Any) -> None:
    world.recognizers.plates_script = [world.down("plates")]
    world.recognizers.faces_script = [world.down("faces")]
    with pytest.raises(RecognizersUnavailable) as info:
        asyncio.run(world.submit("k1"))
    assert "Retry-After" in info.value.headers
    assert count(world, Frame) == 0 and evidence_files(world) == []
    world.recognizers.plates_script = [[world.plate("AA1234BO")]]
    assert not asyncio.run(world.submit("k1")).duplicate  # the key was not consumed


def test_no_evidence_without_a_sighting(world: Any) -> None:
    result = asyncio.run(world.submit("k1"))
    assert result.plates == [] and evidence_files(world) == []
    with world.ctx.sessions() as s:
        assert s.scalars(select(Frame)).one().evidence == []


def test_faces_without_authorisation_are_not_embedded(world: Any) -> None:
    asyncio.run(world.submit("k1"))
    assert ("faces", False) in world.recognizers.calls
    result = asyncio.run(world.submit("k2"))
    assert "face_matching" in result.skipped


def test_failed_commit_removes_evidence(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import gateway.pipeline.processor as proc

    def boom(*_: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(proc, "persist", boom)
    world.recognizers.plates_script = [[world.plate("AA1234BO")]]
    with pytest.raises(RuntimeError):
        asyncio.run(world.submit("k1"))
    assert evidence_files(world) == [] and count(world, Frame) == 0


def test_match_is_audited(world: Any) -> None:
    from gateway.db.models import AuditRecord

    world.plate_list("AA1234BO")
    world.recognizers.plates_script = [[world.plate("AA1234BO")]]
    result = asyncio.run(world.submit("k1"))
    with world.ctx.sessions() as s:
        rows = s.scalars(select(AuditRecord).where(AuditRecord.action == "match.plate")).all()
    assert [r.target for r in rows] == [f"alert:{result.alerts[0].alert_id}"]
    assert rows[0].watchlist_version == 1


def test_disabled_camera_is_refused(world: Any) -> None:
    from gateway.db.models import Camera

    with world.ctx.sessions() as s, s.begin():
        s.get(Camera, "cam1").enabled = False
    with pytest.raises(ScopeDenied) as info:
        asyncio.run(world.submit("k1"))
    assert "disabled" in info.value.detail and count(world, Frame) == 0


def test_recognizer_refusal_is_the_cameras_4xx(world: Any) -> None:
    from gateway.clients import RecognizerRejected
    from gateway.errors import DomainError, status_of

    refusal = RecognizerRejected("plates", 413, "image_too_many_pixels", "too big", "завеликий")
    world.recognizers.plates_script = [refusal]
    with pytest.raises(DomainError) as info:
        asyncio.run(world.submit("k1"))
    assert status_of(info.value) == 413 and info.value.code == "image_too_many_pixels"
    assert info.value.body()["detail_uk"] == "завеликий" and count(world, Frame) == 0


def test_overload_is_503_not_an_unbounded_queue(world: Any) -> None:
    from gateway.pipeline.processor import GatewayBusy

    gate = asyncio.Event()

    class Slow:
        async def plates(self, image: Any, roi: Any = None, finer_look: bool = True) -> list[Any]:
            await gate.wait()
            return []

        async def faces(self, image: Any, embeddings: bool = True) -> list[Any]:
            await gate.wait()
            return []

    world.ctx.recognizers = Slow()
    world.processor.max_in_flight = 2

    async def scenario() -> list[Any]:
        first = [asyncio.create_task(world.submit(f"k{i}")) for i in range(2)]
        await asyncio.sleep(0.3)  # both are waiting on the recognizers now
        with pytest.raises(GatewayBusy) as info:
            await world.submit("k3")
        assert info.value.headers["Retry-After"] == "2"
        gate.set()
        return list(await asyncio.gather(*first))

    done = asyncio.run(scenario())
    assert len(done) == 2 and count(world, Frame) == 2 and world.processor.in_flight == 0


def test_static_text_is_left_out_after_minutes_at_one_place(world: Any) -> None:
    """A camera's burnt-in name read on every frame (default: 10 frames over 120 s) stops being stored;
    a plate passing by in the same frames is stored as always."""
    logo = world.plate("EZVIZ", x=1700)
    frames = 12
    world.recognizers.plates_script = [
        [logo, world.plate("AA1234BO", x=100 + 60 * i)] if i == frames - 1 else [logo] for i in range(frames)
    ]
    results = [
        asyncio.run(world.submit(f"k{i}", world.T0 + timedelta(seconds=15 * i))) for i in range(frames)
    ]
    ignored = [r.static_plates_ignored for r in results]
    assert ignored == [0] * 9 + [1] * 3  # the 10th read there, 135 s after the first (>= 120 s)
    assert [p.text for p in results[9].plates] == []
    last = results[-1]
    assert [p.text for p in last.plates] == ["AA1234BO"] and last.static_plates_ignored == 1
    with world.ctx.sessions() as s:
        texts = sorted(s.scalars(select(PlateReadRow.text)).all())
        assert texts == ["AA1234BO"] + ["EZVIZ"] * 9
        frames_with_evidence = [f for f in s.scalars(select(Frame)).all() if f.evidence]
        assert len(frames_with_evidence) == 10  # the 9 before it was static, and the one with the car
    metrics = world.ctx.metrics.render().decode()
    assert 'varta_gateway_static_plate_reads_total{camera="cam1"} 3.0' in metrics


def test_letters_only_text_is_matched_but_stored_only_on_a_hit(world: Any) -> None:
    """A word on a vehicle (letters only, no Ukrainian format) matching nothing leaves no sighting, read,
    evidence or pass; the same kind of text on a watchlist (a letters-only foreign plate) is stored and
    alerts; text with a digit or of a Ukrainian format is stored as always."""
    ids = world.plate_list("ABBA")
    words = [world.plate(w, x=300 + 200 * i, fmt="unknown") for i, w in enumerate(("SCANIA", "KRONE"))]
    world.recognizers.plates_script = [
        [*words, world.plate("AA1234BO"), world.plate("WX12345", x=900, fmt="unknown")],
        [world.plate("ABBA", x=500, fmt="unknown")],
        [world.plate("KOMAX", fmt="personalised")],
    ]
    first = asyncio.run(world.submit("k1"))
    assert sorted(p.text for p in first.plates) == ["AA1234BO", "WX12345"]
    assert first.letters_only_ignored == 2 and first.static_plates_ignored == 0
    hit = asyncio.run(world.submit("k2", world.T0 + timedelta(seconds=1)))
    assert [p.text for p in hit.plates] == ["ABBA"] and hit.letters_only_ignored == 0
    assert [a.entry_id for a in hit.alerts] == [ids["ABBA"]]
    own = asyncio.run(world.submit("k3", world.T0 + timedelta(seconds=2)))
    assert [p.text for p in own.plates] == ["KOMAX"]  # a Ukrainian personalised plate of letters
    stored = ["AA1234BO", "ABBA", "KOMAX", "WX12345"]
    with world.ctx.sessions() as s:
        assert sorted(s.scalars(select(PlateReadRow.text)).all()) == stored
        assert sorted(s.scalars(select(Sighting.plate_text)).all()) == stored
    assert not [f for f in evidence_files(world) if "plate-2" in f or "plate-3" in f]  # only 2 crops in k1
    metrics = world.ctx.metrics.render().decode()
    assert 'varta_gateway_letters_only_reads_total{camera="cam1"} 2.0' in metrics


def test_a_letters_only_sighting_kept_for_a_hit_shows_only_to_whom_the_hit_shows(world: Any) -> None:
    """It was stored only because a list held it: another organisation seeing it would learn the list
    holds it. Text with a digit is stored whatever it hits, so it shows to every searcher."""
    from gateway.auth.keys import Principal
    from gateway.pipeline.queries import SightingQuery, search_sightings

    world.plate_list("ABBA", "AA1234BO", org="police")
    world.recognizers.plates_script = [[world.plate("ABBA", fmt="unknown"), world.plate("AA1234BO", x=900)]]
    asyncio.run(world.submit("k1"))
    police, council = Principal(1, "police", "police"), Principal(2, "council", "council")
    with world.ctx.sessions() as s:
        seen = {
            who.role: {x.plate_text: hit for x, hit, _ in search_sightings(s, who, SightingQuery())}
            for who in (police, council)
        }
        kept = {
            x.plate_text for x, _, _ in search_sightings(s, council, SightingQuery(), letters_only_kept=True)
        }
    assert seen["police"] == {"ABBA": True, "AA1234BO": True}
    assert seen["council"] == {"AA1234BO": False}
    assert kept == {"ABBA", "AA1234BO"}  # where every such read is stored, its presence tells nothing


def test_letters_only_text_is_stored_when_the_site_keeps_it(world: Any) -> None:
    world.settings.pipeline.keep_letters_only_reads = True
    world.recognizers.plates_script = [[world.plate("SCANIA", fmt="unknown")]]
    result = asyncio.run(world.submit("k1"))
    assert [p.text for p in result.plates] == ["SCANIA"] and result.letters_only_ignored == 0
    assert count(world, Sighting) == 1


def test_camera_frames_get_the_finer_plate_look_as_set_and_by_default_while_idle(world: Any) -> None:
    """A second detector run on every frame with no plate halves what two cores carry: by default
    (``when_idle``) it is asked for only while the recognizers were busy less than half of the last
    10 s; ``on`` and ``off`` ask always and never."""
    from gateway.db.models import Camera
    from gateway.pipeline.load import BusyMeter

    now = [1000.0]
    world.processor.busy = BusyMeter(clock=lambda: now[0])
    assert world.settings.pipeline.plates_finer_look == "when_idle"

    def finer(key: str, second: int) -> bool:
        world.recognizers.plates_script = [[]]
        world.recognizers.calls.clear()
        asyncio.run(world.submit(key, world.T0 + timedelta(seconds=second)))
        return ("plates", True) in world.recognizers.calls

    assert finer("idle", 1)
    world.processor.busy.record(6.0)  # 6 s of the last 10 spent recognizing
    assert not finer("busy", 2)
    now[0] += 11  # ... all of it more than 10 s ago
    assert finer("idle-again", 3)
    world.settings.pipeline.plates_finer_look = "off"
    assert not finer("off", 4)
    world.settings.pipeline.plates_finer_look = "on"
    world.processor.busy.record(9.0)
    assert finer("on", 5)

    def looks() -> float | None:
        return world.ctx.metrics.registry.get_sample_value("varta_gateway_plate_finer_looks_total")

    assert looks() == 3  # idle, idle-again, on
    # a camera whose plates are off asks the plate recognizer for nothing, so none is counted
    with world.ctx.sessions() as s, s.begin():
        s.get(Camera, "cam1").plates_enabled = False
    world.recognizers.calls.clear()
    asyncio.run(world.submit("no-plates", world.T0 + timedelta(seconds=6)))
    assert not any(kind == "plates" for kind, _ in world.recognizers.calls)
    assert looks() == 3


@pytest.mark.parametrize(
    ("value", "mode"),
    [(True, "on"), ("true", "on"), ("1", "on"), (False, "off"), ("false", "off"), ("WHEN_IDLE", "when_idle")],
)
def test_the_finer_look_setting_takes_its_earlier_true_and_false(value: Any, mode: str) -> None:
    from gateway.config import PipelineSettings

    assert PipelineSettings(plates_finer_look=value).plates_finer_look == mode


def test_the_finer_look_setting_refuses_other_values() -> None:
    from pydantic import ValidationError

    from gateway.config import PipelineSettings

    with pytest.raises(ValidationError, match="when_idle"):
        PipelineSettings(plates_finer_look="sometimes")  # type: ignore[arg-type]


def test_the_busy_meter_counts_recognizer_time_within_its_window() -> None:
    from gateway.pipeline.load import BusyMeter

    now = [0.0]
    meter = BusyMeter(window_s=10.0, clock=lambda: now[0])
    assert meter.share() == 0.0 and meter.idle()
    meter.record(2.0)
    now[0] = 4.0
    meter.record(3.5)  # two frames side by side count twice
    assert meter.share() == pytest.approx(0.55) and not meter.idle()
    now[0] = 10.5  # the first run ended more than 10 s ago
    assert meter.share() == pytest.approx(0.35) and meter.idle()
    now[0] = 30.0
    assert meter.share() == 0.0


def test_a_pass_is_found_by_the_plate_one_of_its_frames_read(world: Any) -> None:
    """An unsure read of the next car one character off joins the pass as a possible misreading; a
    search for that car's plate must still find the pass, marked as found by a read."""
    from gateway.auth.keys import Principal
    from gateway.pipeline.queries import SightingQuery, search_sightings

    world.recognizers.plates_script = [
        [world.plate("AA1234BO", conf=0.97)],
        [world.plate("AA1234BO", conf=0.97, x=110)],
        [world.plate("AA1235BO", conf=0.6, x=120)],
        [world.plate("KA7777XX", conf=0.97, x=900)],
    ]
    for i in range(4):
        asyncio.run(world.submit(f"k{i}", world.T0 + timedelta(milliseconds=400 * i)))
    police = Principal(1, "police", "police")

    def found(plate: str | None) -> list[tuple[str, bool]]:
        with world.ctx.sessions() as s:
            return [
                (r.sighting.plate_text, r.found_by_read)
                for r in search_sightings(s, police, SightingQuery(plate))
            ]

    assert count(world, Sighting) == 2
    assert found("AA1235BO") == [("AA1234BO", True)]
    assert found("AA1234BO") == [("AA1234BO", False)]
    assert found("AA123?BO") == [("AA1234BO", False)]
    assert found("AA1236BO") == []
    assert sorted(found(None)) == [("AA1234BO", False), ("KA7777XX", False)]


def test_a_1995_plate_is_the_same_plate_with_or_without_its_region_number(world: Any) -> None:
    """The region number of a 1995 plate is printed small beside it: one camera reads it, another misses
    it, a person types it or leaves it out. Alerts and searches find the plate either way."""
    from gateway.auth.keys import Principal
    from gateway.pipeline.queries import SightingQuery, search_sightings

    ids = world.plate_list("07 840-22 РЕ", "123-45 КА", "3000?CE")
    world.recognizers.plates_script = [
        [world.plate("84022PE", fmt="legacy_1995")],
        [world.plate("2612345KA", fmt="legacy_1995", x=900)],
        [world.plate("0230001CE", fmt="legacy_1995", x=500)],
    ]
    results = [asyncio.run(world.submit(f"k{i}", world.T0 + timedelta(seconds=30 * i))) for i in range(3)]
    hits = [[(a.entry_id, a.rule) for a in r.alerts] for r in results]
    assert hits == [
        [(ids["07 840-22 РЕ"], "exact")],
        [(ids["123-45 КА"], "exact")],
        [(ids["3000?CE"], "wildcard")],
    ]
    police = Principal(1, "police", "police")

    def found(plate: str) -> list[tuple[str, bool]]:
        with world.ctx.sessions() as s:
            return [
                (r.sighting.plate_text, r.found_by_read)
                for r in search_sightings(s, police, SightingQuery(plate))
            ]

    assert found("0784022PE") == found("84022PE") == found("840?2PE") == [("84022PE", False)]
    assert found("12345KA") == found("2612345KA") == found("??123?5KA") == [("2612345KA", False)]
    assert found("0184022PE") == [("84022PE", False)]  # read without a number: it may be this one
    assert found("0112345KA") == []  # read with another region's number: another plate
    assert found("30001CE") == [("0230001CE", False)]
    assert found("AA1234BB") == []
    # a * pattern: the other form is told by the stored plate's format and length
    assert found("840*PE") == found("07840*PE") == found("07840*") == [("84022PE", False)]
    assert found("123*KA") == found("26123*") == found("123*") == [("2612345KA", False)]
    assert found("01123*KA") == []  # another region's number
    assert found("30*CE") == [("0230001CE", False)]


def test_a_transit_plate_is_the_same_plate_with_or_without_its_small_prefix(world: Any) -> None:
    """A transit plate prints its region's number, or a letter and a digit (``т1``), small before its
    letters: a camera may miss it and a person may leave it out. Alerts and searches find it either way."""
    from gateway.auth.keys import Principal
    from gateway.pipeline.queries import SightingQuery, search_sightings

    ids = world.plate_list("т1 CP 5140", "KA 1234")
    world.recognizers.plates_script = [
        [world.plate("CP5140", fmt="unknown")],
        [world.plate("11KA1234", fmt="transit", x=900)],
    ]
    results = [asyncio.run(world.submit(f"k{i}", world.T0 + timedelta(seconds=30 * i))) for i in range(2)]
    hits = [[(a.entry_id, a.rule) for a in r.alerts] for r in results]
    assert hits == [[(ids["т1 CP 5140"], "exact")], [(ids["KA 1234"], "exact")]]
    police = Principal(1, "police", "police")

    def found(plate: str) -> list[str]:
        with world.ctx.sessions() as s:
            return [r.sighting.plate_text for r in search_sightings(s, police, SightingQuery(plate))]

    assert found("T1CP5140") == found("CP5140") == found("T?CP51??") == ["CP5140"]
    assert found("KA1234") == found("11KA1234") == found("??KA1234") == ["11KA1234"]
    assert found("T1KA1234") == []  # read with a region's number: another prefix, another plate
    assert found("CP5*") == found("T1CP5*") == found("T?CP*40") == ["CP5140"]
    assert found("KA12*") == found("11KA*") == ["11KA1234"]
