"""What is sent: privacy masks are black, the region is cropped, a quiet scene sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from conftest import first_frame, wait_for
from ingest_fake_gateway import Recorder, serve
from ingest_rtsp_server import free_port

from services.ingest.agent import Agent
from services.ingest.config import Camera, parse_config
from services.ingest.processing import FpsLimiter, FrameProcessor

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def camera(**kw: Any) -> Camera:
    return Camera.model_validate({"id": "c", "village": "v", "name": "n", "source": {"type": "push"}, **kw})


def run(proc: FrameProcessor, frames: list[np.ndarray]) -> list[int]:
    """Indices of the frames that were sent."""
    sent: list[int] = []
    times = {T0 + timedelta(seconds=i / 10): i for i in range(len(frames))}
    for t, i in times.items():
        sent += [times[st] for st, _ in proc.process(frames[i], t).send]
    return sent


def noisy(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    noise = rng.normal(0, 3, base.shape)
    return np.clip(base.astype(np.float32) + noise, 0, 255).astype(np.uint8)


def with_car(base: np.ndarray, x: int, y: int = 230) -> np.ndarray:
    img = base.copy()
    cv2.rectangle(img, (x, y), (x + 90, y + 45), (30, 30, 160), -1)
    cv2.rectangle(img, (x + 15, y + 8), (x + 70, y + 22), (200, 200, 200), -1)
    return img


def test_static_scene_sends_nothing_and_motion_sends(road_clip: Path) -> None:
    rng = np.random.default_rng(1)
    base = first_frame(road_clip)
    proc = FrameProcessor(camera())
    quiet = [noisy(base, rng) for _ in range(120)]
    assert run(proc, quiet) == []
    assert proc.gate is not None and proc.gate.last_fraction < 0.004
    moving = [noisy(with_car(base, 20 + 25 * i), rng) for i in range(20)]
    sent = run(proc, moving)
    assert len(sent) >= 18  # all but at most the warm-up of the decision (pre-roll is sent too)
    after = [noisy(base, rng) for _ in range(60)]
    sent_after = run(proc, after)
    assert len(sent_after) <= 6  # hold frames + background re-learning, then silence
    assert run(proc, [noisy(base, rng) for _ in range(30)]) == []


def test_motion_only_inside_mask_or_outside_roi_sends_nothing(road_clip: Path) -> None:
    rng = np.random.default_rng(2)
    base = first_frame(road_clip)
    masked = camera(privacy_masks=[{"rect": {"x": 0.0, "y": 0.55, "w": 1.0, "h": 0.45}}])
    outside = camera(roi={"x": 0.0, "y": 0.0, "w": 1.0, "h": 0.5})
    for cam in (masked, outside):
        proc = FrameProcessor(cam)
        frames = [noisy(base, rng) for _ in range(30)] + [
            noisy(with_car(base, 20 + 25 * i, y=250), rng) for i in range(20)
        ]
        assert run(proc, frames) == []


def test_masked_pixels_are_exactly_zero_before_encoding(road_clip: Path) -> None:
    base = first_frame(road_clip)
    cam = camera(
        roi={"x": 0.0, "y": 0.25, "w": 1.0, "h": 0.75},
        motion={"enabled": False},
        privacy_masks=[{"rect": {"x": 0.5, "y": 0.5, "w": 0.25, "h": 0.25}}],
    )
    crop = FrameProcessor(cam).process(base, T0).send[0][1]
    assert crop.shape == (270, 640, 3)
    assert not crop[90:180, 320:480].any()
    assert np.array_equal(crop[:90], base[90:180]) and np.array_equal(crop[:, :320], base[90:, :320])


def test_fps_limiter_keeps_average_rate() -> None:
    lim = FpsLimiter(5)
    kept = [i for i in range(250) if lim.due(i / 25)]  # 10 s of 25 fps
    assert len(kept) == 50 and kept[:4] == [0, 5, 10, 15]


def test_fps_limiter_starts_over_when_the_clock_steps_back() -> None:
    lim = FpsLimiter(2.0)
    future = datetime(2030, 1, 1, tzinfo=UTC).timestamp()
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC).timestamp()
    assert lim.due(future)
    assert [lim.due(now + i) for i in range(3)] == [True, True, True]  # not dropped until 2030
    assert lim.due(now + 2.2) is False  # still at most 2 fps
    assert lim.due(now + 2.4) is False and lim.due(now + 2.5) is True
    assert lim.due(now + 2.45) is False  # a little out of order: just too soon, no restart


@pytest.mark.network
def test_privacy_masks_are_black_in_what_the_gateway_receives(road_clip: Path, tmp_path: Path) -> None:
    gw_port = free_port()
    rec = Recorder(tmp_path / "arrivals.jsonl", {"cam-m": "k"}, save_dir=tmp_path / "received")
    server, _ = serve(rec, gw_port)
    cam = {
        "id": "cam-m",
        "village": "v",
        "name": "masked",
        "key_env": "K",
        "fps": 5,
        "motion": {"enabled": False},
        "source": {"type": "file", "path": str(road_clip)},
        "roi": {"x": 0.0, "y": 0.25, "w": 1.0, "h": 0.75},
        "privacy_masks": [
            {"rect": {"x": 0.5, "y": 0.5, "w": 0.25, "h": 0.25}},
            {"polygon": [[0.0, 0.25], [0.3, 0.25], [0.0, 0.55]]},
        ],
    }
    cfg = parse_config(
        {
            "agent": {
                "gateway_url": f"http://127.0.0.1:{gw_port}",
                "spool": {"path": str(tmp_path / "s.db")},
                "http": {"port": free_port()},
            },
            "villages": [{"id": "v", "name": "V"}],
            "cameras": [cam],
        },
        env={"K": "k"},
    )
    agent = Agent(cfg)
    try:
        agent.run(exit_when_done=True)
    finally:
        server.shutdown()
        server.server_close()
    files = sorted((tmp_path / "received").glob("*.jpg"))
    assert len(files) >= 50  # 374 frames at 30 fps -> 12.5 s at 5 fps
    # expected mask in the cropped 640x270 image: the rect (x 320..480, y 180..270 of the full
    # frame -> 90..180 of the crop) and the polygon's corner near the crop's top-left
    for f in files:
        img = cv2.imread(str(f))
        assert img is not None
        assert img.shape == (270, 640, 3)
        inner = img[98:172, 328:472]  # inside the rect, 8 px (one JPEG block) away from its edge
        assert inner.max() <= 16 and inner.mean() < 1.5
        assert img[4:20, 4:60].max() <= 16  # inside the polygon
        assert img[:, 500:].mean() > 30  # unmasked parts are kept
    assert wait_for(lambda: len(rec.arrivals()) == len(files), 1)
