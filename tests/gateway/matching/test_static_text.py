"""StaticText: text that stays at one place of a camera's picture for minutes is scene, not a vehicle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.matching.static_text import StaticText
from shared.schemas import BBox, PlateRead

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def _read(text: str = "EZVIZ", x: int = 1700, y: int = 1010, h: int = 30) -> PlateRead:
    return PlateRead(
        text=text, raw_text=text, format="unknown", confidence=0.99, bbox=BBox(x=x, y=y, w=4 * h, h=h)
    )


def _at(s: float) -> datetime:
    return T0 + timedelta(seconds=s)


def _seen(st: StaticText, times: list[float], camera: str = "cam1", **read: int | str) -> list[bool]:
    return [st.is_static(camera, _at(t), _read(**read)) for t in times]  # type: ignore[arg-type]


def test_static_only_after_enough_frames_and_time() -> None:
    st = StaticText(min_frames=5, min_span_s=60)
    # five frames in 4 s: enough frames, too little time (a car waiting at the barrier)
    assert _seen(st, [0, 1, 2, 3, 4]) == [False] * 5
    # the same text, same place, still there a minute later: from now on static
    assert _seen(st, [59, 61, 62]) == [False, True, True]


def test_frames_count_as_well_as_time() -> None:
    st = StaticText(min_frames=4, min_span_s=10)
    assert _seen(st, [0, 100, 200, 300]) == [False, False, False, True]


def test_a_small_jitter_is_the_same_place_a_move_is_not() -> None:
    st = StaticText(min_frames=3, min_span_s=0)
    assert _seen(st, [0, 1], x=1700, y=1010) == [False, False]
    assert _seen(st, [2], x=1714, y=1004) == [True]  # within half the box height (15 px)
    # a car driving through reads the same text at a new place each frame: never static
    st2 = StaticText(min_frames=3, min_span_s=0)
    driving = [st2.is_static("cam1", _at(t), _read("AA1234BB", x=100 + 40 * t)) for t in range(10)]
    assert driving == [False] * 10


def test_other_text_at_the_same_place_is_not_static() -> None:
    st = StaticText(min_frames=3, min_span_s=0)
    assert _seen(st, [0, 1, 2]) == [False, False, True]
    assert _seen(st, [3], text="AA1234BB") == [False]  # a plate in front of the sign


def test_cameras_are_separate() -> None:
    st = StaticText(min_frames=3, min_span_s=0)
    assert _seen(st, [0, 1, 2], camera="cam1") == [False, False, True]
    assert _seen(st, [3], camera="cam2") == [False]


def test_forgotten_after_a_quiet_spell_and_counted_afresh() -> None:
    st = StaticText(min_frames=3, min_span_s=0, forget_s=600)
    assert _seen(st, [0, 1, 2]) == [False, False, True]
    assert _seen(st, [2 + 601, 604, 605]) == [False, False, True]


def test_off_when_min_frames_is_zero() -> None:
    st = StaticText(min_frames=0, min_span_s=0)
    assert not st.enabled
    assert _seen(st, list(range(50))) == [False] * 50


def test_out_of_order_frames_widen_the_span() -> None:
    st = StaticText(min_frames=3, min_span_s=60)
    # a camera's spool replays older frames after an outage: capture time, not arrival, decides
    assert _seen(st, [100, 90, 30]) == [False, False, True]
    # a frame replayed from long before does not make the camera forget its static text
    assert _seen(st, [-2000, 101]) == [True, True]


def test_spots_are_capped_least_recent_first() -> None:
    st = StaticText(min_frames=2, min_span_s=0, max_spots=3)
    for i, t in enumerate([0, 1, 2, 3]):  # four places; the first (least recently read) is dropped
        st.is_static("cam1", _at(t), _read(x=200 * i))
    assert st.is_static("cam1", _at(4), _read(x=0)) is False  # counted afresh
    assert st.is_static("cam1", _at(5), _read(x=600)) is True
