"""``GET /metrics`` over real HTTP on the shared gateways (real models in-process), and the pipeline settings.

Counters are cumulative per app and other tests post frames too, so every check is a difference
measured around this test's own requests, on cameras only this test uses.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError

from gateway.bench import GatewayDriver, frame_headers
from gateway.config import GatewaySettings
from gateway.main import create_app
from gateway.pipeline.service import get_processor

NAMES = (
    "varta_gateway_frames",
    "varta_gateway_frame_stage_seconds",
    "varta_gateway_recognizer_skipped",
    "varta_gateway_alerts",
    "varta_gateway_frames_in_flight",
    "varta_gateway_plate_finer_looks",
    "varta_gateway_watchlist_entries",
    "varta_gateway_face_index_templates",
)
CORRUPT_JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(range(256)) * 8
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(gw: Any) -> tuple[str, Samples]:
    with gw.client() as c:  # no key
        r = c.get("/metrics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }
    return r.text, samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


def new_camera(drv: GatewayDriver, faces: bool = True) -> tuple[str, str]:
    cam = f"metrics-{secrets.token_hex(4)}"
    return cam, drv.camera(cam, faces=faces)


def post(drv: GatewayDriver, cam: str, key: str, data: bytes, idem: str) -> Any:
    return drv.http.post("/v1/frames", content=data, headers=frame_headers(cam, key, idem))


@contextmanager
def swapped(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


@pytest.mark.slow
@pytest.mark.network
def test_metrics_answer_without_a_key_from_the_apps_own_registry(gateway: Any) -> None:
    text, samples = scrape(gateway)
    for name in NAMES:
        assert f"# HELP {name}" in text, name
    # the app's own registry, never the process-global one (which carries python_gc_*/process_*)
    assert "python_gc_objects_collected_total" not in text and "process_cpu_seconds_total" not in text
    assert value(samples, "varta_gateway_frames_in_flight") == 0


@pytest.mark.slow
@pytest.mark.network
def test_frames_counted_by_camera_and_outcome_with_stage_latency(gateway: Any, drv: GatewayDriver) -> None:
    from recognizers.common.image import encode_jpeg
    from recognizers.synth import render_plate

    plate = render_plate(9, layout="current", height_range=(50, 90))
    council = gateway.key("council", "council")
    wl = drv.watchlist(council, "plates", f"metrics stolen {secrets.token_hex(3)}")
    drv.plate(council, wl, plate.text, reason="metrics-reason-do-not-leak")
    cam, key = new_camera(drv)
    before_text, before = scrape(gateway)
    assert plate.text not in before_text

    r = post(drv, cam, key, encode_jpeg(plate.image_bgr, 90), "f1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [p["text"] for p in body["plates"]] == [plate.text] and "alerts" not in body
    seen = drv.call("GET", "/v1/alerts", council)["data"]
    assert [a["kind"] for a in seen if a["frame_id"] == body["frame_id"]] == ["plate"]
    assert {"decode", "plates", "faces", "match", "store", "total"} <= set(body["timings_ms"])
    again = post(drv, cam, key, encode_jpeg(plate.image_bgr, 90), "f1")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    bad = post(drv, cam, key, CORRUPT_JPEG, "f2")
    assert bad.status_code == 422 and bad.json()["error"] == "corrupt_image"

    text, after = scrape(gateway)
    frames = "varta_gateway_frames_total"
    assert delta(before, after, frames, camera=cam, outcome="ok") == 1
    assert delta(before, after, frames, camera=cam, outcome="duplicate") == 1
    assert delta(before, after, frames, camera=cam, outcome="rejected_4xx") == 1
    assert delta(before, after, "varta_gateway_alerts_total", kind="plate") == 1
    # at most the one frame recognized asked for the finer look (by default only while the recognizers
    # were idle, which frames other tests sent this session's gateway may have changed)
    assert delta(before, after, "varta_gateway_plate_finer_looks_total") in (0, 1)
    # no face authorisation covers this camera: faces are detected, never matched
    skipped = "varta_gateway_recognizer_skipped_total"
    assert delta(before, after, skipped, recognizer="face_matching", reason="not_authorised") == 1
    for stage in ("decode", "plates", "faces", "match", "store", "total"):
        count = "varta_gateway_frame_stage_seconds_count"
        assert delta(before, after, count, stage=stage) == 1, stage  # the duplicate is not timed again
    total_s = delta(before, after, "varta_gateway_frame_stage_seconds_sum", stage="total")
    assert abs(total_s * 1000 - body["timings_ms"]["total"]) < 1.0
    assert value(after, "varta_gateway_watchlist_entries", kind="plates") >= 1
    assert value(after, "varta_gateway_frames_in_flight") == 0
    # no personal data: not the plate (in any spelling), not the list's name or the entry's reason
    spaced = f"{plate.text[:2]} {plate.text[2:6]} {plate.text[6:]}"
    for secret in (plate.text, spaced, plate.text.lower(), "metrics stolen", "metrics-reason-do-not-leak"):
        assert secret not in text, secret


@pytest.mark.slow
@pytest.mark.network
def test_disabled_recognizer_busy_and_unavailable_are_counted(gateway: Any, drv: GatewayDriver) -> None:
    cam, key = new_camera(drv, faces=False)
    ok_frame = plain_frame()
    _, before = scrape(gateway)
    assert post(drv, cam, key, ok_frame, "d1").status_code == 200
    with swapped(get_processor(gateway.ctx), "max_in_flight", 0):
        busy = post(drv, cam, key, ok_frame, "d2")
    assert busy.status_code == 503 and busy.json()["error"] == "gateway_busy"
    with swapped(gateway.ctx, "recognizers", None):
        down = post(drv, cam, key, ok_frame, "d3")
    assert down.status_code == 503 and down.json()["error"] == "recognizers_unavailable"
    _, after = scrape(gateway)
    frames = "varta_gateway_frames_total"
    assert delta(before, after, frames, camera=cam, outcome="ok") == 1
    assert delta(before, after, frames, camera=cam, outcome="busy_503") == 1
    assert delta(before, after, frames, camera=cam, outcome="unavailable_503") == 1
    skipped = "varta_gateway_recognizer_skipped_total"
    assert delta(before, after, skipped, recognizer="faces", reason="disabled") == 1
    assert delta(before, after, "varta_gateway_frame_stage_seconds_count", stage="faces") == 0
    assert value(after, "varta_gateway_frames_in_flight") == 0


def plain_frame() -> bytes:
    """A real JPEG road-like frame without plates or faces (grey gradient with noise)."""
    import numpy as np

    from recognizers.common.image import encode_jpeg

    rng = np.random.default_rng(5)
    img = np.linspace(40, 200, 640 * 360, dtype=np.float32).reshape(360, 640)
    img = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    return encode_jpeg(np.dstack([img, img, img]), 85)


@pytest.mark.slow
@pytest.mark.network
def test_enrolled_templates_and_entries_show_without_labels(
    gateway: Any, drv: GatewayDriver, lfw_dir: Path
) -> None:
    police = gateway.key("police", "police")
    wl = drv.watchlist(police, "persons", "metrics persons")
    label = f"Metrics Person {secrets.token_hex(3)}"
    _, before = scrape(gateway)
    entry = drv.person(police, wl, label)
    drv.enrol(police, wl, entry, (lfw_dir / "Colin_Powell" / "Colin_Powell_0001.jpg").read_bytes())
    text, after = scrape(gateway)
    assert delta(before, after, "varta_gateway_watchlist_entries", kind="persons") == 1
    assert delta(before, after, "varta_gateway_face_index_templates") == 1
    assert value(after, "varta_gateway_face_index_templates") == gateway.ctx.face_index.count()
    assert label not in text and "Colin" not in text and "metrics persons" not in text


# ---------------------------------------------------------------- settings


def test_pipeline_settings_defaults_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = GatewaySettings(environment="dev", data_dir=tmp_path)
    assert s.pipeline.face_alert_window_s == 60.0 and s.pipeline.max_frames_in_flight == 32
    monkeypatch.setenv("VARTA_PIPELINE__FACE_ALERT_WINDOW_S", "15")
    monkeypatch.setenv("VARTA_PIPELINE__MAX_FRAMES_IN_FLIGHT", "8")
    s = GatewaySettings(environment="dev", data_dir=tmp_path)
    assert s.pipeline.face_alert_window_s == 15.0 and s.pipeline.max_frames_in_flight == 8
    app = create_app(s)  # nothing connects until the lifespan runs
    try:
        proc = get_processor(app.state.ctx)
        assert proc.max_in_flight == 8 and proc.face_alert_window == timedelta(seconds=15)
    finally:
        app.state.ctx.engine.dispose()


@pytest.mark.parametrize(
    "pipeline",
    [
        {"face_alert_window_s": 0},
        {"face_alert_window_s": -5},
        {"face_alert_window_s": 3601},
        {"face_alert_window_s": "soon"},
        {"max_frames_in_flight": 0},
        {"max_frames_in_flight": 10_001},
        {"max_frames_in_flight": 2.5},
        {"max_frames_in_fligth": 8},  # a typo is refused, not ignored
    ],
)
def test_pipeline_settings_are_validated(pipeline: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as info:
        GatewaySettings(environment="dev", data_dir=tmp_path, pipeline=pipeline)
    assert "pipeline" in str(info.value)


@pytest.mark.slow
@pytest.mark.network
def test_running_gateway_uses_the_default_bound(gateway: Any) -> None:
    proc = get_processor(gateway.ctx)
    assert proc.max_in_flight == gateway.settings.pipeline.max_frames_in_flight == 32
    assert proc.face_alert_window == timedelta(seconds=60)


def test_metrics_token_is_asked_for_when_configured(harness: Any, tmp_path: Path) -> None:
    token = secrets.token_urlsafe(24)
    settings = GatewaySettings(
        environment="dev",
        data_dir=tmp_path,
        metrics_token=token,
        load_recognizers=False,
        bootstrap_admin_key="vk_" + secrets.token_urlsafe(32),
    )
    with harness.start_gateway(settings) as gw, gw.client() as c:
        missing = c.get("/metrics")
        wrong = c.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
        admin_key = c.get("/metrics", headers={"Authorization": f"Bearer {gw.admin_key}"})
        ok = c.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        health = c.get("/healthz")
    for r in (missing, wrong, admin_key):
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        body = r.json()
        assert "metrics token" in body["detail"] and "токена метрик" in body["detail_uk"]
    assert ok.status_code == 200 and "varta_gateway_frames_in_flight" in ok.text
    assert health.status_code == 200  # only /metrics asks for it


def test_a_short_metrics_token_is_refused_outside_dev(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="VARTA_METRICS_TOKEN"):
        GatewaySettings(environment="prod", data_dir=tmp_path, metrics_token="short")
    s = GatewaySettings(environment="prod", data_dir=tmp_path, metrics_token=secrets.token_urlsafe(24))
    assert s.metrics_token is not None
