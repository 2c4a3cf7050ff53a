"""Scoring of the plate benchmark: exact reads overall, by plate height and at a legible camera scale."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from recognizers.bench.plates import LEGIBLE_SCALE_PX, Read, evaluate, rendered_figures
from recognizers.synth import SynthPlate
from shared.schemas import BBox


def _plate(text: str, scale: int, height: int, **light: bool) -> SynthPlate:
    img = np.full((72, 128, 3), scale, np.uint8)  # the reader below finds the scale in the pixels
    box = BBox(x=0, y=0, w=4 * height, h=height)
    cond = {"scale_one_line_px": scale, "layout": "current", **light}
    return SynthPlate(img, text, "current", height, box, cond)


def test_rendered_figures_count_reads_by_height_and_at_a_legible_scale() -> None:
    plates = [
        _plate("AA1234BB", 12, 12, night_ir=True),
        _plate("AA1235BB", 20, 36, low_light=True),  # a two-line plate is taller than its scale
        _plate("AA1236BB", 30, 30, night_ir=True),
        _plate("AA1237BB", 60, 60),
    ]
    by_scale = {int(p.image_bgr[0, 0, 0]): p.text for p in plates}

    def read(img: np.ndarray) -> list[Read]:
        scale = int(img[0, 0, 0])
        return [Read(by_scale[scale], None)] if scale >= 20 else [Read("AA1234BO", None)]

    out = evaluate(read, [], plates, [plates[0].image_bgr])
    assert out["ua_rendered_exact_read"] == 0.75
    assert out["read_rate_by_height"]["<16"] == 0.0 and out["read_rate_by_height"]["32-47"] == 1.0
    assert out[f"ua_rendered_exact_read_scale_{LEGIBLE_SCALE_PX}px_up"] == 1.0  # scales 30 and 60
    assert out["ua_rendered_exact_read_by_light"] == {"day": 1.0, "low_light": 1.0, "night_ir": 0.5}
    assert out["ms_per_frame_720p"]["median"] is not None


def test_rendered_figures_take_a_generator_and_keep_no_pixels() -> None:
    plates = [_plate("AA1234BB", 30, 30), _plate("AA1235BB", 60, 60)]
    seen: list[int] = []

    def read(img: np.ndarray) -> list[Read]:
        seen.append(int(img[0, 0, 0]))
        return [Read("AA1234BB", None)]

    out = rendered_figures(read, (p for p in plates))
    assert seen == [30, 60]
    assert out["ua_rendered_exact_read"] == 0.5 and out["ua_rendered_n"] == 2
    assert out["read_rate_by_height"]["24-31"] == 1.0 and out["read_rate_by_height"]["48-63"] == 0.0


def test_rolled_figures_read_the_same_plates_level_and_rolled(monkeypatch: pytest.MonkeyPatch) -> None:
    from recognizers.bench import plates as bench
    from recognizers.synth import render_plate

    seeds = [s for s in range(5000, 5100) if render_plate(s, height_range=bench.ROLL_HEIGHTS).lines == 2][:1]
    monkeypatch.setattr(bench, "ROLL_SEEDS", [5001, 5002, *seeds])
    level = {
        render_plate(s, height_range=bench.ROLL_HEIGHTS, roll_deg=0.0).image_bgr.tobytes()
        for s in bench.ROLL_SEEDS
    }
    truth = {s: render_plate(s, height_range=bench.ROLL_HEIGHTS).text for s in bench.ROLL_SEEDS}
    texts = iter([truth[s] for s in bench.ROLL_SEEDS for _ in (0, 1)])

    def read(img: np.ndarray) -> list[Read]:
        text = next(texts)  # frames come level, rolled, level, rolled...: read only the level ones
        return [Read(text, None)] if img.tobytes() in level else []

    out = bench.rolled_figures(read)
    assert out["n"] == 3 and out["n_two_line"] == 1 and out["roll_deg"] == bench.ROLL_DEG
    assert out["exact_read_level"] == 1.0 and out["exact_read_rolled"] == 0.0
    assert out["exact_read_two_line_level"] == 1.0 and out["exact_read_two_line_rolled"] == 0.0


def test_fitting_figures_read_the_same_one_line_plates_plain_and_with_each_fitting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recognizers.bench import plates as bench
    from recognizers.synth import render_plate

    def draw(seed: int, fitting: str = "plain", heights: tuple[int, int] = bench.FITTING_HEIGHTS) -> Any:
        return render_plate(seed, height_range=heights, **bench.FITTINGS[fitting])

    two_line = [s for s in range(8000, 8100) if draw(s).lines == 2][:1]
    monkeypatch.setattr(bench, "FITTING_SEEDS", [8001, 8002, 8003, *two_line])
    one_line = [s for s in bench.FITTING_SEEDS if draw(s).lines == 1]
    frames = {
        (name, heights): {
            draw(s, name, heights).image_bgr.tobytes(): draw(s, name, heights) for s in one_line
        }
        for name in bench.FITTINGS
        for heights in (bench.FITTING_HEIGHTS, bench.CLOSE_HEIGHTS)
    }
    plain = frames["plain", bench.FITTING_HEIGHTS]
    for name in ("screws", "holder", "dirt"):  # each fitting changed every one-line plate's frame
        drawn = frames[name, bench.FITTING_HEIGHTS]
        assert not set(drawn) & set(plain)
        assert [s.text for s in drawn.values()] == [s.text for s in plain.values()]
    far = BBox(x=0, y=0, w=10, h=10)  # no plate is drawn in the top-left corner

    def read(img: np.ndarray) -> list[Read]:
        seen = [key for key, f in frames.items() if img.tobytes() in f]
        assert len(seen) == 1  # two-line plates are not read
        (name, heights), s = seen[0], frames[seen[0]][img.tobytes()]
        if name in ("screws", "holder") and heights == bench.FITTING_HEIGHTS:
            return []  # the fake reader misses these
        stray = [Read("ABTO", far)] if name == "holder" else []  # ... and reads a holder's print close up
        return [Read(s.text, s.bbox), *stray]

    out = bench.fitting_figures(read)
    assert out["n"] == len(one_line) >= 2
    assert out["exact_read_plain"] == out["exact_read_dirt"] == 1.0
    assert out["exact_read_screws"] == out["exact_read_holder"] == 0.0
    assert all(out[f"stray_read_frames_{k}"] == 0 for k in bench.FITTINGS)
    close = out["close"]
    assert close["heights"] == list(bench.CLOSE_HEIGHTS) and close["n"] == len(one_line)
    assert close["exact_read_plain"] == close["exact_read_holder"] == 1.0
    assert close["stray_read_frames_plain"] == 0 and close["stray_read_frames_holder"] == len(one_line)
    assert "exact_read_screws" not in close


def test_photo_figures_read_each_plate_photographed_alone_at_every_width(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recognizers.bench import plates as bench
    from recognizers.synth.plate import FONTS
    from recognizers.synth.render import plate_photo

    monkeypatch.setattr(bench, "PHOTO_SEEDS", range(8400, 8403))
    fonts = list(FONTS)
    photos = {
        plate_photo(seed, w, fonts[k % len(fonts)]).image_bgr.tobytes(): (seed, w)
        for k, seed in enumerate(bench.PHOTO_SEEDS)
        for w in bench.PHOTO_WIDTHS
    }
    assert len(photos) == 3 * len(bench.PHOTO_WIDTHS)  # every photo is drawn anew, in its seed's typeface
    texts = {seed: plate_photo(seed, 120).text for seed in bench.PHOTO_SEEDS}

    def read(img: np.ndarray) -> list[Read]:
        seed, width = photos[img.tobytes()]
        return [] if width == bench.PHOTO_WIDTHS[-1] and seed == 8400 else [Read(texts[seed], None)]

    out = bench.photo_figures(read)
    assert out["n"] == 3
    assert out["exact_read_by_width"] == {**{str(w): 1.0 for w in bench.PHOTO_WIDTHS[:-1]}, "560": 0.6667}
    assert out["exact_read"] == round(11 / 12, 4)


def test_camera_frames_are_timed_as_the_gateway_reads_them_without_the_finer_look() -> None:
    from recognizers.bench.plates import SPEED_ROUNDS, camera_frame_speed

    class Recognizer:
        def __init__(self) -> None:
            self.calls: list[tuple[tuple[int, ...], bool]] = []

        def recognize(self, img: np.ndarray, finer_look: bool = True) -> list[Any]:
            self.calls.append((img.shape, finer_look))
            return []

    rec = Recognizer()
    out = camera_frame_speed(rec, [np.zeros((50, 80, 3), np.uint8)] * 2)  # type: ignore[arg-type]
    assert out["finer_look"] is False and set(out) == {"finer_look", "720p", "1080p"}
    assert {finer for _, finer in rec.calls} == {False}
    shapes = [shape for shape, _ in rec.calls]
    assert shapes.count((720, 1280, 3)) == shapes.count((1080, 1920, 3)) == 1 + 2 * SPEED_ROUNDS  # + warm-up
    assert out["720p"]["median"] is not None and out["1080p"]["p95"] is not None


def _plate_read(
    text: str, chars: list[float] | None = None, cands: tuple[tuple[str, float], ...] = ()
) -> Any:
    from shared.schemas import PlateCandidate, PlateRead

    return PlateRead(
        text=text,
        raw_text=text,
        format="current",
        confidence=min(chars or [0.99]),
        char_confidences=chars or [0.99] * len(text),
        candidates=[PlateCandidate(text=t, confidence=c) for t, c in cands],
        bbox=BBox(x=0, y=0, w=40, h=10),
    )


def test_alert_figures_count_what_the_gateway_matching_would_raise() -> None:
    from recognizers.bench.alerts import alert_figures

    truths = ["AA1234BB", "KA5678CE", "BC0001XO", "AI7007MP", "OO4321TT", "CDP182", "CDP192"]
    unsure_5th = [0.99, 0.99, 0.99, 0.99, 0.6, 0.99, 0.99, 0.99]
    reads = [
        [_plate_read("AA1234BB", cands=(("CDP192", 0.001),))],  # an unlikely next-best reading: no hit
        [_plate_read("KA5673CE", cands=(("KA5678CE", 0.2),))],  # a likely next-best reading is the plate
        [_plate_read("BC0001X0")],  # O read as 0, surely: a look-alike, a fuzzy hit
        # an unsure 8 for 0, and another wanted plate read beside it
        [_plate_read("AI7087MP", unsure_5th), _plate_read("AA1234BB")],
        [_plate_read("OO4324TT")],  # 4 read surely where 1 is printed: not the wanted plate
        [_plate_read("CDP182")],  # read surely: not the wanted CDP192 either
        [_plate_read("CDP192")],
    ]
    out, raised = alert_figures(truths, reads, decoys=200)
    assert raised == [True, True, True, True, False, True, True]
    assert out["alert_rate"] == round(6 / 7, 4) and out["alert_rate_exact_rule"] == round(4 / 7, 4)
    assert out["false_alert_frames"] == round(1 / 7, 4)  # frame 3 read frame 0's plate too
    assert out["watchlist_entries"] == 207 and out["fuzzy_threshold"] == 1.0
    empty, _ = alert_figures([], [], decoys=10)
    assert empty["alert_rate"] is empty["false_alert_frames"] is None  # no frames: no rate, not 0 %


def test_rendered_figures_add_alert_rates_by_height_when_asked() -> None:
    plates = [_plate("AA1234BB", 12, 12), _plate("AA1235BB", 30, 30)]
    unsure = [0.99] * 7 + [0.5]

    def read(img: np.ndarray) -> list[Read]:
        return [Read("AA1234B8", None, _plate_read("AA1234B8", unsure))] if int(img[0, 0, 0]) == 12 else []

    out = rendered_figures(read, plates, alerts=True)
    assert out["ua_rendered_exact_read"] == 0.0
    alerts = out["ua_rendered_alerts"]
    assert alerts["alert_rate"] == 0.5 and alerts["alert_rate_exact_rule"] == 0.0
    assert alerts["alert_rate_by_height"]["<16"] == 1.0 and alerts["alert_rate_by_height"]["24-31"] == 0.0
    assert "ua_rendered_alerts" not in rendered_figures(read, plates)


def test_a_vehicle_approaches_on_frames_that_grow_along_a_path() -> None:
    from recognizers.bench.passes import APPROACH, render_vehicle
    from recognizers.synth.render import drawn_text

    for seed in (12_000, 12_001, 12_002):
        v = render_vehicle(seed)
        assert len(v.frames) == len(APPROACH) and v.text == drawn_text(seed)
        assert {f.text for f in v.frames} == {v.text} and len({f.conditions["font"] for f in v.frames}) == 1
        heights = [f.plate_height_px for f in v.frames]
        assert heights == sorted(heights) and heights[-1] == v.closest_px and heights[0] < heights[-1]
        centres = [f.bbox.y + f.bbox.h / 2 for f in v.frames]
        assert centres == sorted(centres)  # nearer, lower in the frame
        assert render_vehicle(seed).frames[1].image_bgr.tobytes() == v.frames[1].image_bgr.tobytes()


def test_pass_figures_group_each_vehicles_frames_as_the_gateway_does() -> None:
    from recognizers.bench.passes import APPROACH, pass_figures
    from recognizers.synth.render import drawn_text

    seeds = [12_000, 12_001, 12_002, 12_003]
    a, _, _, d = (drawn_text(s) for s in seeds)
    unsure_last = [0.99] * (len(d) - 1) + [0.5]
    wrong_d = d[:-1] + ("A" if d[-1] != "A" else "B")
    far: list[list[Any]] = [[]] * (len(APPROACH) - 1)
    per_vehicle: list[list[list[Any]]] = [
        [*far, [_plate_read(a)]],  # read on its closest frame only
        [*far, []],  # never read
        [*far, [_plate_read(a)]],  # reads the first vehicle's plate: an alert on a plate not its own
        # misread, unsure where it is wrong, then read right once: the pass's vote keeps the misreading
        [*[[_plate_read(wrong_d, unsure_last)]] * (len(APPROACH) - 1), [_plate_read(d, [0.6] * len(d))]],
    ]
    calls = iter([reads for frames in per_vehicle for reads in frames])

    def read(img: np.ndarray) -> list[Any]:
        assert img.shape == (720, 1280, 3)
        return next(calls)

    out = pass_figures(read, seeds, decoys=100)
    assert next(calls, None) is None  # every frame read once
    assert out["vehicles"] == 4 and out["frames_per_vehicle"] == len(APPROACH)
    assert out["alert_rate"] == 0.5  # the first vehicle and the last
    assert out["sighting_read_rate"] == 0.25 and out["closest_frame_exact_read"] == 0.5
    assert out["search_found_rate"] == 0.5  # the last one's sighting is found by its frame's read
    assert out["frame_exact_read"] == round(2 / (4 * len(APPROACH)), 4)
    assert out["false_alert_vehicles"] == 0.25
    assert out["passes_per_vehicle"] == 0.75  # the unread vehicle left none
    assert out["alerts_per_alerted_vehicle"] == 1.0  # one pass each, one alert each
    assert out["watchlist_entries"] == 104
    assert sum(v is not None for v in out["alert_rate_by_closest_height"].values()) >= 1


def test_vehicle_passes_are_read_as_the_gateway_reads_camera_frames_idle_and_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recognizers.bench.passes as passes
    from recognizers.bench.plates import vehicle_pass_figures

    monkeypatch.setattr(passes, "PASS_SEEDS", range(12_000, 12_002))
    monkeypatch.setattr(passes, "HELDOUT_PASS_SEEDS", range(13_000, 13_001))

    class Recognizer:
        def __init__(self) -> None:
            self.finer: list[bool] = []

        def recognize(self, img: np.ndarray, finer_look: bool = True) -> list[Any]:
            self.finer.append(finer_look)
            return []

    rec = Recognizer()
    out = vehicle_pass_figures(rec, [])  # type: ignore[arg-type]
    # both sets as the gateway reads frames while idle (the finer look), then the first under load
    n = len(passes.APPROACH)
    assert rec.finer == [True] * 3 * n + [False] * 2 * n
    assert (out["seeds"], out["vehicles"], out["alert_rate"]) == ("12000-12001", 2, 0.0)
    assert (out["heldout"]["seeds"], out["heldout"]["vehicles"]) == ("13000-13000", 1)
    assert out["finer_look"] is True and out["first_look_only"]["alert_rate"] == 0.0


def test_rates_are_shares_to_four_places_and_none_when_nothing_was_counted() -> None:
    from recognizers.bench.scoring import rate, rate_by_height, rate_per

    assert rate([True, False, False]) == 0.3333 and rate([]) is None
    by_height = rate_by_height([15, 16, 23, 24, 64, 200], [True, False, True, True, False, True])
    assert by_height == {"<16": 1.0, "16-23": 0.5, "24-31": 1.0, "32-47": None, "48-63": None, "64+": 0.5}
    assert rate_per(["night", "day", "night"], [True, True, False]) == {"day": 1.0, "night": 0.5}


def test_ms_stats_p95_is_a_measured_time_not_one_between_two() -> None:
    from recognizers.bench.scoring import ms_stats

    times = [10.0] * 18 + [100.0, 120.0]  # two slow frames in twenty (interpolated: 101)
    assert ms_stats(times) == {"median": 10.0, "p95": 100.0}
    assert ms_stats([1.234, 2.5], 2) == {"median": 1.87, "p95": 2.5}
    assert ms_stats([]) == {"median": None, "p95": None}
