"""The gateway benchmark's load shape: when each simulated camera sends within its frame period."""

from __future__ import annotations

import pytest

from gateway.bench import Sample, attach_alerts, camera_phases, summarise


def test_independent_cameras_start_at_different_points_of_their_period() -> None:
    offsets = camera_phases(5, fps=2.0, phase="independent")
    assert len(offsets) == 5 and len(set(offsets)) == 5
    assert all(0.0 <= o < 0.5 for o in offsets)
    assert camera_phases(5, 2.0, "independent") == offsets  # seeded: every run offers the same load


def test_aligned_cameras_all_send_at_once() -> None:
    assert camera_phases(3, fps=2.0, phase="aligned") == [0.0, 0.0, 0.0]


def test_unknown_phase_is_refused() -> None:
    with pytest.raises(ValueError, match="independent or aligned"):
        camera_phases(2, 2.0, "random")


def test_summary_counts_only_answered_frames_and_alert_latencies() -> None:
    samples = [
        Sample("a", sent=0.0, latency_s=0.2, status=200, new_alerts=1, kinds=("plate",)),
        Sample("a", sent=0.5, latency_s=0.1, status=200),
        Sample("b", sent=0.7, latency_s=0.3, status=503),
    ]
    out = summarise(samples)
    assert out["frames_ok"] == 2 and out["frames_failed"] == 1
    assert out["frame_to_alert_ms"] == {"p50": 200.0, "p95": 200.0}
    assert out["alerts"] == {"plate": 1, "face": 0}
    assert out["frames_per_s"] == 2.5  # two answers 0.4 s apart (0.2 and 0.6): one interval


def test_throughput_falls_when_answers_fall_behind_the_offered_rate() -> None:
    steady = [Sample("a", sent=i * 0.1, latency_s=0.2, status=200) for i in range(11)]
    behind = [Sample("a", sent=i * 0.1, latency_s=0.2 + 0.1 * i, status=200) for i in range(11)]
    assert summarise(steady)["frames_per_s"] == 10.0
    assert summarise(behind)["frames_per_s"] == 5.0


def test_alerts_are_counted_against_the_frames_that_raised_them() -> None:
    """The camera's answer names no alert, so the bench reads them back and pairs them by frame id."""
    samples = [
        Sample("a", sent=0.0, latency_s=0.2, status=200, frame_id="f1"),
        Sample("a", sent=0.5, latency_s=0.1, status=200, frame_id="f2"),
        Sample("b", sent=0.7, latency_s=0.3, status=503),
    ]
    attach_alerts(samples, [{"frame_id": "f1", "kind": "plate"}, {"frame_id": "f1", "kind": "face"}])
    assert [(s.new_alerts, s.kinds) for s in samples] == [(2, ("plate", "face")), (0, ()), (0, ())]
    assert summarise(samples)["frame_to_alert_ms"] == {"p50": 200.0, "p95": 200.0}


def test_percentiles_are_milliseconds_of_seconds_and_none_when_nothing_was_timed() -> None:
    from gateway.bench_stats import pct

    assert pct([0.010, 0.020, 0.030], 1) == {"p50": 20.0, "p95": 29.0}
    assert pct([]) == {"p50": None, "p95": None}
