"""``varta bench recognizers``: run the plate and face benchmarks and their peers, in one run.

Human-readable lines first; the LAST line is one JSON object with every figure (null where a figure
could not be measured, e.g. without the shared data set).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from recognizers.common.procfs import cpu_identity, proc_field

log = logging.getLogger(__name__)

REQUIRED_KEYS: tuple[tuple[str, ...], ...] = (
    ("plates", "eu_exact_read"),
    ("plates", "eu_detected"),
    ("plates", "ua_rendered_exact_read"),
    ("plates", "read_rate_by_height"),
    ("plates", "ms_per_frame_720p"),
    ("plates", "ms_per_frame_1080p"),
    ("faces", "lfw5_verification_accuracy"),
    ("faces", "lfw5_tar_at_far_0.001"),
    ("faces", "ms_per_frame_1080p"),
    ("faces", "ms_per_face_embedding"),
)


def default_shared_data() -> Path:
    """VARTA_SHARED_DATA, else ``<repo root>/../shared/data``."""
    env = os.environ.get("VARTA_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


def bench_rss_mb() -> dict[str, float]:
    """Peak resident memory of this bench process (ru_maxrss is in KiB on Linux) and of its largest child.

    Both hold more than a deployment would (the peers, the rendered frames); the headline figure is the
    recognizers' own process (recognizers/bench/memory.py). A child started by fork (Tesseract's
    subprocess) is charged the parent's pages at fork time, so the two are never added.
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return {"bench_process": round(own, 1), "bench_largest_child": round(children, 1)}


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu": proc_field("/proc/cpuinfo", "model name") or platform.processor() or None,
        "cpu_identity": cpu_identity(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "ram_gb": None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "onnxruntime": _version("onnxruntime"),
        "opencv": _version("cv2"),
    }
    mem = proc_field("/proc/meminfo", "MemTotal")
    if mem and mem.split()[0].isdigit():
        info["ram_gb"] = round(int(mem.split()[0]) / 1024 / 1024, 1)
    return info


def _version(module: str) -> str | None:
    try:
        return str(__import__(module).__version__)
    except Exception:
        return None


def _run_part(
    name: str, run: Callable[[], dict[str, Any]], errors: dict[str, str], no_data: bool
) -> dict[str, Any]:
    print(f"== {name} ==", flush=True)
    try:
        return run()
    except FileNotFoundError as exc:
        if not no_data:
            raise
        print(f"{name}: skipped, it needs the shared data ({exc})", flush=True)
        return {}
    except Exception as exc:  # one part failing must not lose the other's figures
        traceback.print_exc(file=sys.stderr)
        errors[name] = f"{type(exc).__name__}: {exc}"
        print(f"{name}: FAILED: {errors[name]}", flush=True)
        return {}


def _plates(shared: Path, n_rendered: int) -> dict[str, Any]:
    from recognizers.bench.plates import run

    return run(shared, n_rendered=n_rendered)


def _faces(shared: Path) -> dict[str, Any]:
    from recognizers.bench.faces import run

    return run(shared)


def _recognizers_rss(shared: Path | None, errors: dict[str, str]) -> float | None:
    """Peak RSS of a fresh process running both recognizers (see recognizers/bench/memory.py)."""
    from recognizers.bench.memory import recognizers_peak_rss_mb

    print("== memory ==", flush=True)
    try:
        return recognizers_peak_rss_mb(shared)
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        errors["memory"] = f"{type(exc).__name__}: {exc}"
        return None


def merge(plates: dict[str, Any], faces: dict[str, Any]) -> dict[str, Any]:
    peers: dict[str, Any] = {}
    for part in (plates, faces):
        peers.update(part.get("peers") or {})
    result: dict[str, Any] = {
        "plates": dict(plates.get("plates") or {}),
        "faces": dict(faces.get("faces") or {}),
    }
    result["peers"] = peers
    for section, key in REQUIRED_KEYS:
        result[section].setdefault(key, None)
    return result


def _print_lines(prefix: str, value: Any) -> None:
    if isinstance(value, dict) and value and prefix.count(".") < 2:
        for key, sub in value.items():
            _print_lines(f"{prefix}.{key}" if prefix else str(key), sub)
    else:
        print(f"{prefix}: {json.dumps(value, ensure_ascii=False)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="varta bench recognizers", description=__doc__)
    parser.add_argument(
        "--shared-data", type=Path, help="shared data folder (default VARTA_SHARED_DATA or ../shared/data)"
    )
    parser.add_argument("--n-rendered", type=int, default=500, help="Ukrainian plates rendered for the test")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    shared: Path = args.shared_data or default_shared_data()
    no_data = not shared.is_dir()
    if no_data:
        # The parts still get the path (not None, which they would read as "use the default").
        print(f"shared data not found at {shared}: the figures measured on it are skipped (null)", flush=True)
    else:
        print(f"shared data: {shared}", flush=True)

    errors: dict[str, str] = {}
    plates = _run_part("plates", lambda: _plates(shared, args.n_rendered), errors, no_data)
    faces = _run_part("faces", lambda: _faces(shared), errors, no_data)
    result = merge(plates, faces)
    rss: dict[str, Any] = dict(bench_rss_mb())  # before the memory child starts: not counted in it
    rss["recognizers_process"] = _recognizers_rss(None if no_data else shared, errors)
    result["peak_rss_mb"] = rss["recognizers_process"]
    result["peak_rss_mb_detail"] = rss
    result["machine"] = machine()
    result["shared_data"] = None if no_data else str(shared)
    if errors:
        result["errors"] = errors
    for section, key in REQUIRED_KEYS:
        if result[section][key] is None:
            print(f"not measured: {section}.{key}")
    _print_lines("", {k: v for k, v in result.items() if k != "machine"})
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if errors else 0
