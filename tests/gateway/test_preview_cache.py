"""The residents' live view keeps the newest capture, but a picture stamped ahead of time (a camera
clock set wrong) holds it no longer than a live picture would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.cameras.preview import Preview, PreviewCache

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
MAX_AGE = 30.0


def _preview(tag: bytes, captured_s: float, received_s: float) -> Preview:
    return Preview(tag, T0 + timedelta(seconds=captured_s), T0 + timedelta(seconds=received_s))


def test_an_older_capture_arriving_late_does_not_replace_a_live_newer_one() -> None:
    cache = PreviewCache()
    cache.put("c", _preview(b"new", 10, 10), MAX_AGE)
    cache.put("c", _preview(b"late", 5, 12), MAX_AGE)
    held = cache.get("c", T0 + timedelta(seconds=13), MAX_AGE)
    assert held is not None and held.jpeg == b"new"


def test_a_picture_stamped_ahead_of_time_holds_the_view_no_longer_than_max_age() -> None:
    cache = PreviewCache()
    cache.put("c", _preview(b"future", 3600, 0), MAX_AGE)  # a camera clock an hour ahead
    cache.put("c", _preview(b"right", 20, 20), MAX_AGE)
    held = cache.get("c", T0 + timedelta(seconds=21), MAX_AGE)
    assert held is not None and held.jpeg == b"future"  # still live: the order of captures decides
    cache.put("c", _preview(b"right", 31, 31), MAX_AGE)  # the future one is no longer live
    held = cache.get("c", T0 + timedelta(seconds=32), MAX_AGE)
    assert held is not None and held.jpeg == b"right"
