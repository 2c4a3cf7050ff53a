"""``varta bench ingest``: decode + motion-gating speed on ONE core, and the share of frames sent.

Runs every clip of ``<shared data>/video_clips/clips.csv`` (containers and raw .h264/.h265 streams)
through the agent's own processing (``FrameProcessor`` with default motion settings, every frame,
no fps limit), pinned to one CPU core (``sched_setaffinity`` + ``cv2.setNumThreads(1)``). There is
no 1080p clip in the set, so a road clip is upscaled to 1920x1080 H.264 with ffmpeg into a temp file
and measured too, and a static control clip (one road frame held for 10 s, H.264-encoded so it has
real compression noise) checks that a quiet scene sends nothing. Prints human lines, then one JSON
object as the last line.

Speed is frames per CPU-second (``time.process_time``) of the pinned core, so other work on a
shared machine does not distort it; wall-clock rates (encode included) are printed beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROAD_CLIP = "bgslibrary_video.avi"


def shared_data_dir(cli_value: str | None) -> Path:
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("VARTA_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass(slots=True)
class ClipResult:
    name: str
    width: int
    height: int
    frames: int
    sent: int
    seconds: float  # CPU seconds of decode + gating (the process is pinned to one core)
    encode_seconds: float
    wall_seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0

    @property
    def sent_share(self) -> float:
        return self.sent / self.frames if self.frames else 0.0


def measure(path: Path, name: str, max_frames: int | None = None) -> ClipResult:
    import cv2

    from services.ingest.config import Camera
    from services.ingest.processing import FrameProcessor

    cam = Camera.model_validate(
        {"id": "bench", "village": "bench", "name": "bench", "source": {"type": "file", "path": str(path)}}
    )
    proc = FrameProcessor(cam)
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not cap.isOpened():
        raise RuntimeError(f"cannot open {path}")
    frames = sent = 0
    width = height = 0
    encode_s = 0.0
    from services.ingest.frames import utcnow

    now = utcnow()
    started, wall0 = time.process_time(), time.perf_counter()
    while max_frames is None or frames < max_frames:
        ok, image = cap.read()
        if not ok:
            break
        frames += 1
        height, width = image.shape[:2]
        result = proc.process(image, now)
        sent += len(result.send)
        for _, crop in result.send:  # encode is timed apart: it costs only for frames that are sent
            t0 = time.process_time()
            proc.encode(crop)
            encode_s += time.process_time() - t0
    total = time.process_time() - started - encode_s
    wall = time.perf_counter() - wall0
    cap.release()
    return ClipResult(name, width, height, frames, sent, total, encode_s, wall)


def _ffmpeg(args: list[str]) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def make_derived(clips_dir: Path, tmp: Path) -> dict[str, Path]:
    """The 1080p upscale of a road clip and a static control clip (needs ffmpeg)."""
    if shutil.which("ffmpeg") is None:
        print("ffmpeg not found: skipping the 1080p and static control clips", file=sys.stderr)
        return {}
    src = clips_dir / ROAD_CLIP
    up = tmp / "road_1920x1080.mp4"
    _ffmpeg(
        [
            "-i",
            str(src),
            "-an",
            "-vf",
            "scale=1920:1080:flags=bicubic",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "23",
            "-pix_fmt",
            "yuv420p",
            str(up),
        ]
    )
    still = tmp / "still.png"
    _ffmpeg(["-i", str(src), "-frames:v", "1", str(still)])
    static = tmp / "static_road_640x360.mp4"
    _ffmpeg(
        [
            "-loop",
            "1",
            "-framerate",
            "30",
            "-t",
            "10",
            "-i",
            str(still),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "28",
            "-pix_fmt",
            "yuv420p",
            str(static),
        ]
    )
    return {"road_upscaled_1920x1080.mp4": up, "static_control_640x360.mp4": static}


def _pin_one_core() -> int | None:
    import cv2

    cv2.setNumThreads(1)
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {core})
    return core


def _resolution_group(r: ClipResult) -> str | None:
    if (r.width, r.height) == (640, 360):
        return "640x360"
    if (r.width, r.height) == (1920, 1080):
        return "1080p"
    return None


def report(results: list[ClipResult], core: int | None) -> dict[str, Any]:
    shared = [r for r in results if not r.name.startswith(("road_upscaled", "static_control"))]
    frames = sum(r.frames for r in shared)
    secs = sum(r.seconds for r in shared)
    by_res: dict[str, list[ClipResult]] = {}
    for r in results:
        group = _resolution_group(r)
        if group and not r.name.startswith("static_control"):
            by_res.setdefault(group, []).append(r)
    decode = {
        "overall": round(frames / secs, 1) if secs else 0.0,
        **{k: round(sum(r.frames for r in v) / sum(r.seconds for r in v), 1) for k, v in by_res.items()},
        "per_clip": {r.name: round(r.fps, 1) for r in results},
        "measured_as": "frames per CPU-second of the one core the bench is pinned to",
    }
    wall = {r.name: round(r.frames / r.wall_seconds, 1) for r in results if r.wall_seconds}
    sent = sum(r.sent for r in shared)
    enc_frames = sum(r.sent for r in results)
    return {
        "ingest.decode_fps_per_core": decode,
        "ingest.sent_share": {
            "overall": round(sent / frames, 4) if frames else 0.0,
            "per_clip": {r.name: round(r.sent_share, 4) for r in results},
        },
        "ingest.encode_ms_per_sent_frame": round(
            1000 * sum(r.encode_seconds for r in results) / enc_frames, 2
        )
        if enc_frames
        else None,
        "ingest.decode_fps_wall_incl_encode": wall,
        "ingest.frames": {r.name: r.frames for r in results},
        "ingest.loadavg_1m": round(os.getloadavg()[0], 2),
        "ingest.targets": {"640x360": 200, "1080p": 50},
        "ingest.core": core,
        "ingest.machine": {"cpus": os.cpu_count(), "platform": sys.platform},
    }


def _clip_list(data: Path) -> list[Path]:
    clips_dir = data / "video_clips"
    index = clips_dir / "clips.csv"
    if index.exists():
        with index.open(newline="") as fh:
            return [
                clips_dir / row["file"] for row in csv.DictReader(fh) if (clips_dir / row["file"]).exists()
            ]
    return sorted(p for p in clips_dir.glob("*") if p.suffix in {".avi", ".mp4", ".h264", ".h265", ".mkv"})


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="varta bench ingest", description=__doc__.splitlines()[0])
    p.add_argument(
        "--shared-data", help="folder with video_clips/ (default: $VARTA_SHARED_DATA or ../shared/data)"
    )
    p.add_argument(
        "--max-frames", type=int, default=None, help="at most this many frames per clip (quick runs)"
    )
    p.add_argument(
        "--no-derived", action="store_true", help="skip the 1080p upscale and the static control clip"
    )
    args = p.parse_args(argv)
    data = shared_data_dir(args.shared_data)
    clips = _clip_list(data)
    if not clips:
        print(
            f"no clips under {data / 'video_clips'}: set VARTA_SHARED_DATA or --shared-data", file=sys.stderr
        )
        return 2
    with tempfile.TemporaryDirectory(prefix="varta-bench-ingest-") as tmp:
        derived = {} if args.no_derived else make_derived(data / "video_clips", Path(tmp))
        core = _pin_one_core()
        where = data / "video_clips"
        print(f"varta bench ingest: {len(clips)} shared clip(s) from {where}, pinned to core {core}")
        results = []
        for path in [*clips, *derived.values()]:
            name = next((k for k, v in derived.items() if v == path), path.name)
            r = measure(path, name, args.max_frames)
            results.append(r)
            print(
                f"  {name:<44} {r.width}x{r.height:<5} {r.frames:>5} frames  {r.fps:7.1f} fps/core  "
                f"sent {r.sent:>5} ({100 * r.sent_share:5.1f} %)"
            )
    out = report(results, core)
    d = out["ingest.decode_fps_per_core"]
    print(
        f"decode+gate per core: overall {d['overall']} fps, 640x360 {d.get('640x360')} (target 200), "
        f"1080p {d.get('1080p')} (target 50); sent share overall {out['ingest.sent_share']['overall']}"
    )
    # the last line: one JSON object, nested like the other benches ({"ingest": {"decode_fps_per_core": ...}})
    print(json.dumps({"ingest": {k.removeprefix("ingest."): v for k, v in out.items()}}, sort_keys=True))
    return 0
