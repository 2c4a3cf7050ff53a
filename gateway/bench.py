"""``varta bench gateway``: the one-process default gateway under 5 simulated cameras at 2 fps.

Starts the gateway (real models in-process, embedded Qdrant, SQLite) in a child process on
loopback, sets up cameras, lists and enrolled people through the API, posts real frames (car photos
with a person's photo beside the road), then runs the 100k match benchmarks. The last line printed
is one JSON object. ``GatewayProcess`` and ``GatewayDriver`` are reused by the end-to-end tests.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from gateway.bench_stats import pct
from recognizers.common.procfs import cpu_identity, peak_rss_mb


def shared_data() -> Path:
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return Path(os.environ.get("VARTA_SHARED_DATA", str(default)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_child() -> None:
    """Entry of the child process: the whole system in one process, settings from VARTA_*."""
    import uvicorn

    from gateway.config import GatewaySettings
    from gateway.main import create_app

    settings = GatewaySettings()
    uvicorn.run(create_app(settings), host="127.0.0.1", port=settings.port, log_level="warning")


class GatewayProcess:
    """A real gateway process on a loopback port with its own data dir; ``stop()`` ends only it."""

    def __init__(
        self, data_dir: Path, env: dict[str, str] | None = None, ready_timeout_s: float = 240
    ) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.admin_key = "vk_" + secrets.token_urlsafe(32)
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = env or {}
        self.ready_timeout_s = ready_timeout_s
        # /readiness fails while a recognizer is down; /healthz answers once the lifespan has run
        self.ready_path = "/readiness"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "gateway.log"

    def start(self) -> GatewayProcess:
        env = {
            **os.environ,
            "VARTA_ENVIRONMENT": "dev",
            "VARTA_DATA_DIR": str(self.data_dir),
            "VARTA_PORT": str(self.port),
            "VARTA_BOOTSTRAP_ADMIN_KEY": self.admin_key,
            **self.extra_env,
        }
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed when the process ends
        cmd = [sys.executable, "-c", "import gateway.bench as b; b.serve_child()"]
        self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"gateway exited at start; log:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gateway not ready in {self.ready_timeout_s} s; log:\n{self.log_tail()}")

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def peak_rss_mb(self) -> float | None:
        if self.proc is None:
            return None
        mb = peak_rss_mb(self.proc.pid)
        return round(mb, 1) if mb is not None else None

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class GatewayDriver:
    """Sets a gateway up through its public API, as an operator would (used by bench and tests)."""

    def __init__(self, url: str, admin_key: str, timeout_s: float = 120) -> None:
        self.url = url
        self.admin_key = admin_key
        self.http = httpx.Client(base_url=url, timeout=timeout_s)

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, key: str, expect: int = 200, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {key}", **kw.pop("headers", {})}
        r = self.http.request(method, path, headers=headers, **kw)
        if r.status_code != expect:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.text[:500]}")
        return (
            r.json() if r.content and r.headers.get("content-type", "").startswith("application/json") else r
        )

    def camera(self, camera_id: str, faces: bool = True, plates: bool = True) -> str:
        body = {"id": camera_id, "name": camera_id, "faces_enabled": faces, "plates_enabled": plates}
        self.call("POST", "/v1/cameras", self.admin_key, 201, json=body)
        return str(self.call("POST", f"/v1/cameras/{camera_id}/keys", self.admin_key, 201, json={})["key"])

    def org_key(self, role: str, org: str, name: str = "") -> str:
        body = {"role": role, "organisation": org, "name": name or f"{role} key"}
        return str(self.call("POST", "/v1/keys", self.admin_key, 201, json=body)["key"])

    def watchlist(self, key: str, kind: str, name: str, **extra: Any) -> int:
        body = {"kind": kind, "name": name, **extra}
        return int(self.call("POST", "/v1/watchlists", key, 201, json=body)["id"])

    def plate(self, key: str, watchlist_id: int, plate: str, reason: str = "bench") -> int:
        body = {"plate": plate, "reason": reason}
        return int(self.call("POST", f"/v1/watchlists/{watchlist_id}/plates", key, 201, json=body)["id"])

    def plates_csv(self, key: str, watchlist_id: int, plates: list[str]) -> None:
        text = "plate,reason\n" + "".join(f"{p},bench\n" for p in plates)
        files = {"file": ("plates.csv", text.encode(), "text/csv")}
        self.call("POST", f"/v1/watchlists/{watchlist_id}/plates/bulk", key, 200, files=files)

    def person(self, key: str, watchlist_id: int, label: str) -> int:
        body = {"label": label, "reason": "bench"}
        return int(self.call("POST", f"/v1/watchlists/{watchlist_id}/persons", key, 201, json=body)["id"])

    def enrol(self, key: str, watchlist_id: int, entry_id: int, photo: bytes) -> Any:
        files = {"file": ("photo.jpg", photo, "image/jpeg")}
        path = f"/v1/watchlists/{watchlist_id}/persons/{entry_id}/photos"
        return self.call("POST", path, key, 201, files=files)

    def authorise(self, key: str, camera_ids: list[str], hours: float = 2.0) -> int:
        now = datetime.now(UTC)
        body = {
            "legal_basis": "court order (benchmark)",
            "purpose": "search for a missing person",
            "case_number": "BENCH-1",
            "camera_ids": camera_ids,
            "starts_at": (now - timedelta(minutes=5)).isoformat(),
            "expires_at": (now + timedelta(hours=hours)).isoformat(),
        }
        return int(self.call("POST", "/v1/authorisations", key, 201, json=body)["id"])


def frame_headers(camera_id: str, key: str, idem: str, ts: datetime | None = None) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {key}",
        "X-Camera-Id": camera_id,
        "X-Capture-Time": (ts or datetime.now(UTC)).isoformat().replace("+00:00", "Z"),
        "Idempotency-Key": idem,
        "Content-Type": "image/jpeg",
    }


# ---------------------------------------------------------------- scene frames


@dataclass
class Scene:
    jpeg: bytes
    plate: str | None
    person: str | None  # enrolled identity shown, if any


def _imread(path: Path) -> np.ndarray:
    import cv2

    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise RuntimeError(f"cannot read {path}")
    return img


def compose(
    car: np.ndarray, face: np.ndarray | None, shift: int, size: tuple[int, int] = (1280, 720)
) -> bytes:
    """A road frame: the car photo (its real plate) and, beside the road, a person's photo."""
    import cv2

    from recognizers.common.image import encode_jpeg

    w, h = size
    canvas = np.full((h, w, 3), 90, np.uint8)
    scale = min((w - 300) / car.shape[1], h / car.shape[0], 1.6)
    car = cv2.resize(car, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    x0 = min(max(0, 10 + shift), w - 300 - car.shape[1]) if car.shape[1] < w - 300 else 0
    canvas[: car.shape[0], x0 : x0 + car.shape[1]] = car[:h, : w - x0]
    if face is not None:
        fh, fw = face.shape[:2]
        canvas[200 : 200 + fh, w - fw - 20 : w - 20] = face
    return encode_jpeg(canvas, 88)


@dataclass
class ScenePlan:
    cameras: dict[str, list[Scene]] = field(default_factory=dict)
    watch_plates: list[str] = field(default_factory=list)
    enrol: dict[str, list[bytes]] = field(default_factory=dict)  # identity -> candidate photos (2 enrolled)


def _vehicles(data: Path, n_ua: int) -> list[tuple[np.ndarray, str]]:
    """Real car photos (EU set) interleaved with Ukrainian plates rendered by ``recognizers.synth``."""
    with open(data / "plates_eu_openalpr" / "labels.csv", newline="") as fh:
        cars = [
            (_imread(data / "plates_eu_openalpr" / r["file"]), r["plate_text_O_to_0_fixed"])
            for r in csv.DictReader(fh)
        ]
    from recognizers.synth import render_plate

    ua = [
        render_plate(10_000 + i, size=(960, 540), layout="current", height_range=(40, 80))
        for i in range(n_ua)
    ]
    out: list[tuple[np.ndarray, str]] = []
    for i in range(max(len(cars), n_ua)):
        if i < n_ua:
            out.append((ua[i].image_bgr, ua[i].text))
        if i < len(cars):
            out.append(cars[i])
    return out


def plan_scenes(data: Path, cameras: list[str], frames_per_camera: int, per_pass: int = 4) -> ScenePlan:
    """Vehicles (every third plate on the watchlist) and, on every other pass, an enrolled person."""
    with open(data / "faces_lfw_5people" / "labels.csv", newline="") as fh:
        by_person: dict[str, list[str]] = {}
        for r in csv.DictReader(fh):
            by_person.setdefault(r["identity"], []).append(r["file"])
    plan = ScenePlan()
    people = sorted(by_person)
    for name in people:
        plan.enrol[name] = [(data / "faces_lfw_5people" / f).read_bytes() for f in by_person[name][:6]]
    n_vehicles = len(cameras) * (frames_per_camera // per_pass + 1)
    vehicles = _vehicles(data, n_vehicles // 2)
    plan.watch_plates = sorted({text for i, (_, text) in enumerate(vehicles) if i % 3 == 0})
    vehicle = 0
    for cam in cameras:
        scenes: list[Scene] = []
        while len(scenes) < frames_per_camera:
            car, text = vehicles[vehicle % len(vehicles)]
            person = people[vehicle % len(people)] if vehicle % 2 == 0 else None
            face = None
            if person is not None:  # a photo that was not enrolled
                probes = by_person[person][6:]
                face = _imread(data / "faces_lfw_5people" / probes[vehicle % len(probes)])
            for k in range(per_pass):
                scenes.append(Scene(compose(car, face, 12 * k), text, person))
            vehicle += 1
        plan.cameras[cam] = scenes[:frames_per_camera]
    return plan


# ---------------------------------------------------------------- load


@dataclass
class Sample:
    camera: str
    sent: float
    latency_s: float
    status: int
    frame_id: str = ""
    new_alerts: int = 0
    kinds: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)


async def _camera_loop(
    client: httpx.AsyncClient, cam: str, key: str, scenes: list[Scene], fps: float, t0: float, until: float
) -> list[Sample]:
    out: list[Sample] = []
    for i, scene in enumerate(scenes):
        due = t0 + i / fps
        if due >= until:
            break
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        sent = time.perf_counter()
        headers = frame_headers(cam, key, f"{cam}-{i}")
        try:
            r = await client.post("/v1/frames", content=scene.jpeg, headers=headers)
        except httpx.HTTPError:
            out.append(Sample(cam, sent, time.perf_counter() - sent, 0))
            continue
        s = Sample(cam, sent, time.perf_counter() - sent, r.status_code)
        if r.status_code == 200:
            body = r.json()
            s.frame_id, s.skipped = body["frame_id"], tuple(body["skipped"])
            s.timings = body.get("timings_ms", {})
        out.append(s)
    return out


def fetch_alerts(url: str, key: str) -> list[dict[str, Any]]:
    """Every alert the key's organisation may see (the camera's answer names none: a camera key may not
    learn a watchlist), page by page."""
    headers = {"Authorization": f"Bearer {key}", "X-Purpose": "benchmark", "X-Case-Number": "BENCH-1"}
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        while True:
            r = client.get("/v1/alerts", params={"limit": 500, "offset": len(found)})
            r.raise_for_status()
            page = r.json()["data"]
            found += page
            if len(page) < 500:
                return found


def attach_alerts(samples: list[Sample], alerts: list[dict[str, Any]]) -> None:
    """Each frame's new alerts are those it raised (an alert names its frame): the frame's answer came
    back after they were stored, so its latency is the frame-to-alert latency."""
    kinds: dict[str, list[str]] = {}
    for a in alerts:
        kinds.setdefault(a["frame_id"], []).append(a["kind"])
    for s in samples:
        raised = kinds.get(s.frame_id, []) if s.frame_id else []
        s.new_alerts, s.kinds = len(raised), tuple(raised)


def camera_phases(n: int, fps: float, phase: str, seed: int = 7) -> list[float]:
    """Start offsets (s) of ``n`` cameras. Independent cameras capture at unrelated instants: each
    starts at a random point of its frame period. "aligned" sends every camera's frame at the same
    instant, the worst case (no real deployment synchronises its cameras' shutters)."""
    if phase == "aligned":
        return [0.0] * n
    if phase != "independent":
        raise ValueError(f"unknown phase {phase!r}: use independent or aligned")
    rng = np.random.default_rng(seed)
    return [float(x) for x in rng.uniform(0.0, 1.0 / fps, n)]


async def run_load(
    url: str, keys: dict[str, str], plan: ScenePlan, fps: float, duration_s: float, phase: str = "independent"
) -> list[Sample]:
    limits = httpx.Limits(max_connections=len(keys) + 2)
    offsets = camera_phases(len(keys), fps, phase)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        t0 = time.perf_counter() + 0.2
        loops = [
            _camera_loop(client, cam, keys[cam], plan.cameras[cam], fps, t0 + off, t0 + duration_s)
            for cam, off in zip(keys, offsets, strict=True)
        ]
        results = await asyncio.gather(*loops)
    return [s for r in results for s in r]


def summarise(samples: list[Sample]) -> dict[str, Any]:
    ok = [s for s in samples if s.status == 200]
    # throughput: answered frames per second over the span of their answers (n-1 intervals); a
    # gateway that falls behind stretches that span, one that keeps up matches the offered rate
    done = sorted(s.sent + s.latency_s for s in ok)
    span = done[-1] - done[0] if len(done) > 1 else 0.0
    kinds = [k for s in ok for k in s.kinds]
    return {
        "frames_per_s": round((len(done) - 1) / span, 2) if span > 0 else 0.0,
        "frame_to_alert_ms": pct([s.latency_s for s in ok if s.new_alerts], 1),
        "frame_ms": pct([s.latency_s for s in ok], 1),
        "frames_ok": len(ok),
        "frames_failed": len(samples) - len(ok),
        "alerts": {"plate": kinds.count("plate"), "face": kinds.count("face")},
        "frames_with_skips": sum(1 for s in ok if set(s.skipped) - {"face_matching"}),
        "stage_ms_median": {
            k: round(float(np.median([s.timings[k] for s in ok if k in s.timings])), 1)
            for k in sorted({k for s in ok for k in s.timings})
        },
    }


# ---------------------------------------------------------------- main


def setup(drv: GatewayDriver, plan: ScenePlan, cameras: list[str], decoys: int) -> tuple[dict[str, str], str]:
    """Cameras and keys, a council plate list (targets + decoys), a police person list, authorisation;
    returns the cameras' keys and the police key, which sees every alert (the plate list is shared)."""
    keys = {cam: drv.camera(cam) for cam in cameras}
    council = drv.org_key("council", "council")
    police = drv.org_key("police", "police")
    plates = drv.watchlist(council, "plates", "stolen vehicles", shared_with=["police"])
    rng = np.random.default_rng(3)
    letters = list("ABCEHIKMOPTX")
    fake = [
        "".join([*rng.choice(letters, 2), *map(str, rng.integers(0, 10, 4)), *rng.choice(letters, 2)])
        for _ in range(decoys)
    ]
    drv.plates_csv(council, plates, plan.watch_plates + fake)
    persons = drv.watchlist(police, "persons", "missing persons")
    for name, photos in plan.enrol.items():
        entry = drv.person(police, persons, name.replace("_", " "))
        enrolled = 0
        for photo in photos:  # some photos show two people: the gateway refuses those, as it should
            try:
                drv.enrol(police, persons, entry, photo)
            except RuntimeError:
                continue
            enrolled += 1
            if enrolled == 2:
                break
    drv.authorise(police, cameras)
    return keys, police


def _say(text: str) -> None:
    print(text, flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="varta bench gateway", description=__doc__)
    p.add_argument("--duration", type=float, default=40.0, help="seconds of camera traffic (30-60)")
    p.add_argument("--cameras", type=int, default=5)
    p.add_argument("--fps", type=float, default=2.0, help="frames per second per camera")
    p.add_argument(
        "--phase",
        choices=("independent", "aligned"),
        default="independent",
        help="when cameras send within their frame period: at random instants (independent cameras), "
        "or all at once (the worst case)",
    )
    p.add_argument("--decoys", type=int, default=2000, help="extra plate entries on the list")
    p.add_argument("--match-n", type=int, default=100_000, help="templates/entries for the match benches")
    p.add_argument("--skip-match", action="store_true", help="skip the 100k match and search benchmarks")
    args = p.parse_args(argv)
    data = shared_data()
    if not (data / "plates_eu_openalpr").is_dir():
        print(f"shared data not found at {data} (set VARTA_SHARED_DATA)", file=sys.stderr)
        return 2
    cams = [f"bench-cam-{i + 1}" for i in range(args.cameras)]
    _say(f"preparing frames for {len(cams)} cameras at {args.fps} fps for {args.duration:.0f} s ...")
    plan = plan_scenes(data, cams, int(args.duration * args.fps) + 1)
    gw: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="varta-bench-gw-") as tmp, GatewayProcess(Path(tmp)) as proc:
        _say(f"gateway up at {proc.url} (one process: models in-process, Qdrant Edge, SQLite)")
        drv = GatewayDriver(proc.url, proc.admin_key)
        try:
            keys, police = setup(drv, plan, cams, args.decoys)
        finally:
            drv.close()
        _say(
            f"set up {len(cams)} cameras, {len(plan.watch_plates) + args.decoys} plates, "
            f"{len(plan.enrol)} people"
        )
        load_before = os.getloadavg()[0]
        samples = asyncio.run(run_load(proc.url, keys, plan, args.fps, args.duration, args.phase))
        attach_alerts(samples, fetch_alerts(proc.url, police))
        gw = summarise(samples)
        gw["camera_phase"] = args.phase
        # the machine may be shared: say how busy it was, beside the figures
        gw["machine"] = {
            "cpus": os.cpu_count(),
            "cpu_identity": cpu_identity(),
            "load_1m_before": load_before,
            "load_1m_after": os.getloadavg()[0],
        }
        gw["offered_fps"] = args.fps * len(cams)
        rss = proc.peak_rss_mb()
    _say(
        f"gateway: {gw['frames_per_s']} frames/s sustained (offered {gw['offered_fps']}), "
        f"frame-to-alert p50 {gw['frame_to_alert_ms']['p50']} ms, p95 {gw['frame_to_alert_ms']['p95']} ms, "
        f"alerts {gw['alerts']}, failed {gw['frames_failed']}"
    )
    match: dict[str, Any] = {}
    if not args.skip_match:
        from gateway.bench_match import bench_face_match, bench_plate_match

        match["face_ms_100k"] = bench_face_match(args.match_n)
        _say(f"face match at {args.match_n}: {match['face_ms_100k']}")
        match["plate_ms_100k"] = bench_plate_match(args.match_n)
        _say(f"plate match at {args.match_n}: {match['plate_ms_100k']}")
        from gateway.bench_search import bench_sightings_search

        match["sightings_search_ms_100k"] = bench_sightings_search(args.match_n)
        _say(f"sightings search at {args.match_n} passes: {match['sightings_search_ms_100k']}")
    bench_rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out = {"gateway": gw, "match": match, "peak_rss_mb": rss, "bench_process_peak_rss_mb": bench_rss}
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
