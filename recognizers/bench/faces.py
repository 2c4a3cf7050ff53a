"""Face half of ``varta bench recognizers``: Varta's face recognizer and the ``face_recognition`` peer.

- LFW-5 verification on ``faces_lfw_5people/pairs_generated_seed20240601.csv`` (300 same, 300
  different): accuracy with the threshold chosen by 10-fold cross-validation (the LFW protocol) and
  the true-accept rate at a false-accept rate of 0.001 from the same scores (with 300 impostor pairs
  that means no impostor accepted). A photo where no face is found scores as a non-match.
- Speed: one face (an LFW photo pasted at its own size) in a faceless 1920x1080 road frame; whole
  analysis (detect, align, quality, embed) per frame, and per face embedding (align + network).
- Small faces: LFW faces shrunk to about 30 px wide in the same 1080p frames, found and embedded.
- Camera conditions: the pairs with the second photo degraded (``face_conditions``), matched at the
  gateway's default threshold.
"""

from __future__ import annotations

import csv
import logging
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from recognizers.bench import face_conditions
from recognizers.bench.scoring import ms_stats

log = logging.getLogger(__name__)

PAIRS = "faces_lfw_5people/pairs_generated_seed20240601.csv"
N_FRAMES, N_PEER_FRAMES, N_EMBED = 30, 8, 100


def default_shared_data() -> Path:
    env = os.environ.get("VARTA_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


# ---------------------------------------------------------------- verification metrics


def cv_accuracy(scores: np.ndarray, same: np.ndarray, folds: int = 10) -> tuple[float, float]:
    """Mean accuracy over ``folds`` (threshold chosen on the other folds) and the all-data threshold."""
    idx = np.arange(len(scores))
    parts = np.array_split(idx, folds)
    accs = []
    for part in parts:
        train = np.setdiff1d(idx, part)
        t = best_threshold(scores[train], same[train])
        accs.append(float(np.mean((scores[part] >= t) == same[part])))
    return float(np.mean(accs)), best_threshold(scores, same)


def best_threshold(scores: np.ndarray, same: np.ndarray) -> float:
    """The most accurate threshold among the midpoints between neighbouring scores."""
    u = np.unique(scores)
    cands = np.concatenate([[u[0] - 1e-6], (u[:-1] + u[1:]) / 2, [u[-1] + 1e-6]])
    accs = [np.mean((scores >= t) == same) for t in cands]
    return float(cands[int(np.argmax(accs))])


def tar_at_far(scores: np.ndarray, same: np.ndarray, far: float = 1e-3) -> float:
    """Share of genuine pairs accepted at the lowest threshold whose false-accept rate is <= ``far``."""
    imp = np.sort(scores[~same])[::-1]
    allowed = int(np.floor(far * len(imp)))  # impostors that may be accepted
    thr = imp[allowed] if allowed < len(imp) else -np.inf
    return float(np.mean(scores[same] > thr))


def _time_each(fn: Callable[..., Any], items: list[tuple[Any, ...]]) -> list[float]:
    """Milliseconds of ``fn(*item)`` for each item."""
    out = []
    for item in items:
        t = time.perf_counter()
        fn(*item)
        out.append((time.perf_counter() - t) * 1000.0)
    return out


def _read(path: Path) -> np.ndarray:
    img = cv2.imread(str(path))
    if img is None:
        raise FileNotFoundError(f"cannot read image {path}")
    return img


# ---------------------------------------------------------------- frames


def _background(shared: Path) -> np.ndarray:
    """A faceless 1920x1080 frame: a road clip frame scaled up (no people in it)."""
    cap = cv2.VideoCapture(str(shared / "video_clips" / "bgslibrary_video.avi"))
    ok, frame = cap.read()
    cap.release()
    if not ok:
        rng = np.random.default_rng(0)
        frame = cv2.GaussianBlur(rng.integers(0, 255, (360, 640, 3), dtype=np.uint8), (0, 0), 4)
    return cv2.resize(frame, (1920, 1080), interpolation=cv2.INTER_CUBIC)


Box = tuple[int, int, int, int]


def paste(bg: np.ndarray, face_img: np.ndarray, scale: float, rng: random.Random) -> tuple[np.ndarray, Box]:
    """``bg`` with ``face_img`` scaled by ``scale`` pasted at a random place; returns frame and its box."""
    img = face_img
    if scale != 1:
        img = cv2.resize(face_img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = img.shape[:2]
    x, y = rng.randint(0, bg.shape[1] - w), rng.randint(0, bg.shape[0] - h)
    frame = bg.copy()
    frame[y : y + h, x : x + w] = img
    return frame, (x, y, w, h)


def _frames(shared: Path, files: list[str], scale: float, n: int, seed: int) -> list[tuple[np.ndarray, Box]]:
    rng = random.Random(seed)
    bg = _background(shared)
    base = shared / "faces_lfw_5people"
    return [paste(bg, _read(base / f), scale, rng) for f in rng.sample(files, n)]


# ---------------------------------------------------------------- Varta


def _central(faces: list[Any], shape: tuple[int, ...]) -> Any:
    """LFW convention: the face nearest the centre of the photo."""
    cx, cy = shape[1] / 2, shape[0] / 2
    return min(faces, key=lambda f: (f.bbox.x + f.bbox.w / 2 - cx) ** 2 + (f.bbox.y + f.bbox.h / 2 - cy) ** 2)


def _varta(shared: Path, pairs: list[dict[str, str]], files: list[str]) -> dict[str, Any]:
    from recognizers.faces import FaceRecognizer, FaceSettings
    from recognizers.faces.align import norm_crop

    # accuracy measures the embedder: embed every found face, whatever its quality
    rec = FaceRecognizer(FaceSettings(min_quality=0.0))
    rec.load()
    base = shared / "faces_lfw_5people"
    emb: dict[str, np.ndarray | None] = {}
    crops: list[tuple[np.ndarray, np.ndarray]] = []
    for f in files:
        img = _read(base / f)
        faces = rec.analyze(img)
        emb[f] = _embedding(faces, img.shape)
        if faces and len(crops) < N_EMBED:
            crops.append((img, np.asarray(_central(faces, img.shape).landmarks)))
    scores = np.array([_cos(emb[p["file_a"]], emb[p["file_b"]]) for p in pairs])
    out = _verification(scores, pairs, sum(v is None for v in emb.values()))
    out["all_pairs_tar_at_far_0.001"] = _all_pairs_tar(emb)

    default = FaceRecognizer(FaceSettings())
    default.load()
    t0 = time.perf_counter()  # probes as in service: the default quality gate decides what is embedded
    out["camera_conditions"] = face_conditions.figures(
        lambda img: _embedding(default.analyze(img), img.shape), lambda f: _read(base / f), files, pairs, emb
    )
    log.info("faces: camera conditions measured in %.0f s", time.perf_counter() - t0)
    frames = _frames(shared, files, 1.0, N_FRAMES, seed=11)
    default.analyze(frames[0][0])
    cpu0 = time.process_time()
    out["ms_per_frame_1080p"] = ms_stats(_time_each(default.analyze, [(fr,) for fr, _ in frames]), 2)
    # CPU time of this process per frame (both threads summed): a check on wall times taken while
    # other work shares the cores; wall ~ cpu / 1.7 on an idle 2-core machine
    out["cpu_ms_per_frame_1080p"] = round((time.process_time() - cpu0) * 1000 / len(frames), 1)
    out["loadavg_1m_during_run"] = round(os.getloadavg()[0], 2)
    out["ms_per_face_embedding"] = ms_stats(
        _time_each(lambda img, lm: default.embed_aligned(norm_crop(img, lm)), crops), 2
    )
    out["small_faces_30px_1080p"] = _small_faces(default, shared, files)
    out["pack"], out["det_max_side"] = default.pack_name, default.settings.det_max_side
    return out


def _embedding(faces: list[Any], shape: tuple[int, ...]) -> np.ndarray | None:
    """The embedding of the face nearest the photo's centre (LFW centres its subject), if any."""
    face = _central(faces, shape) if faces else None
    return np.asarray(face.embedding, np.float32) if face is not None and face.embedding else None


def _small_faces(rec: Any, shared: Path, files: list[str]) -> dict[str, Any]:
    """LFW photos scaled by 0.3 (face box about 30 px wide) in 1080p frames: found / embedded / ms."""
    frames = _frames(shared, files, 0.3, 20, seed=12)
    found = embedded = 0
    ms = []
    for frame, (x, y, w, h) in frames:
        t = time.perf_counter()
        faces = rec.analyze(frame)
        ms.append((time.perf_counter() - t) * 1000)
        hits = [f for f in faces if abs(f.bbox.x + f.bbox.w / 2 - x - w / 2) < w / 4
                and abs(f.bbox.y + f.bbox.h / 2 - y - h / 2) < h / 4]  # fmt: skip
        found += bool(hits)
        embedded += bool(hits and hits[0].embedding is not None)
        if hits:
            log.debug("small face: %s", hits[0].quality)
    return {"frames": len(frames), "found": found, "embedded": embedded, "ms_per_frame": ms_stats(ms, 2)}


def _all_pairs_tar(emb: dict[str, np.ndarray | None]) -> dict[str, Any]:
    """TAR at FAR 0.001 over every pair of the pairs file's photos (many more impostors than 300)."""
    names = [f for f, v in emb.items() if v is not None]
    x = np.stack([emb[f] for f in names])  # type: ignore[misc]
    who = np.array([f.split("/")[1] for f in names])
    iu = np.triu_indices(len(names), k=1)
    sims = (x @ x.T)[iu]
    same = (who[:, None] == who[None, :])[iu]
    return {
        "tar": round(tar_at_far(sims, same, 1e-3), 4),
        "genuine_pairs": int(same.sum()),
        "impostor_pairs": int((~same).sum()),
    }


def _cos(a: np.ndarray | None, b: np.ndarray | None) -> float:
    if a is None or b is None:
        return -1.0
    return float(np.dot(a, b))


def _verification(scores: np.ndarray, pairs: list[dict[str, str]], no_face: int) -> dict[str, Any]:
    same = np.array([p["same"] == "1" for p in pairs])
    acc, thr = cv_accuracy(scores, same)
    return {
        "lfw5_verification_accuracy": round(acc, 4),
        "lfw5_tar_at_far_0.001": round(tar_at_far(scores, same, 1e-3), 4),
        "lfw5_threshold": round(thr, 4),
        "lfw5_pairs": {"same": int(same.sum()), "different": int((~same).sum())},
        "lfw5_photos_without_face": no_face,
    }


# ---------------------------------------------------------------- peer: face_recognition (dlib)


def _dlib(shared: Path, pairs: list[dict[str, str]], files: list[str]) -> dict[str, Any]:
    import face_recognition  # the peer: dlib HOG detector + dlib ResNet, default settings

    base = shared / "faces_lfw_5people"
    emb: dict[str, np.ndarray | None] = {}
    located: list[tuple[np.ndarray, Box]] = []
    for f in files:
        rgb = cv2.cvtColor(_read(base / f), cv2.COLOR_BGR2RGB)
        locs = face_recognition.face_locations(rgb)
        if not locs:
            emb[f] = None
            continue
        h, w = rgb.shape[:2]
        loc = min(locs, key=lambda b: ((b[1] + b[3]) / 2 - w / 2) ** 2 + ((b[0] + b[2]) / 2 - h / 2) ** 2)
        emb[f] = np.asarray(face_recognition.face_encodings(rgb, [loc])[0])
        if len(located) < N_EMBED // 2:
            located.append((rgb, loc))

    def score(a: np.ndarray | None, b: np.ndarray | None) -> float:
        return -9.0 if a is None or b is None else -float(np.linalg.norm(a - b))  # smaller distance = same

    scores = np.array([score(emb[p["file_a"]], emb[p["file_b"]]) for p in pairs])
    out = _verification(scores, pairs, sum(v is None for v in emb.values()))
    out["lfw5_threshold"] = -out["lfw5_threshold"]  # as a Euclidean distance

    def frame_once(fr: np.ndarray) -> None:
        rgb = cv2.cvtColor(fr, cv2.COLOR_BGR2RGB)
        face_recognition.face_encodings(rgb, face_recognition.face_locations(rgb))

    frames = _frames(shared, files, 1.0, N_PEER_FRAMES, seed=11)
    out["ms_per_frame_1080p"] = ms_stats(_time_each(frame_once, [(fr,) for fr, _ in frames]), 2)
    out["ms_per_face_embedding"] = ms_stats(
        _time_each(lambda rgb, loc: face_recognition.face_encodings(rgb, [loc]), located), 2
    )
    out["settings"] = "face_locations(model='hog', number_of_times_to_upsample=1), face_encodings defaults"
    return out


# ---------------------------------------------------------------- entry point


def run(shared_data: Path | None = None) -> dict[str, Any]:
    """Measure Varta's face recognizer and the face_recognition peer; see the module docstring."""
    shared = shared_data or default_shared_data()
    pairs_path = shared / PAIRS
    if not pairs_path.is_file():
        raise FileNotFoundError(f"LFW-5 pairs not found at {pairs_path}: set VARTA_SHARED_DATA")
    with pairs_path.open(newline="") as f:
        pairs = list(csv.DictReader(f))
    files = sorted({p["file_a"] for p in pairs} | {p["file_b"] for p in pairs})
    t0 = time.perf_counter()
    faces = _varta(shared, pairs, files)
    log.info("faces: Varta measured in %.0f s", time.perf_counter() - t0)
    peers: dict[str, Any] = {}
    try:
        t1 = time.perf_counter()
        peers["face_recognition_dlib"] = _dlib(shared, pairs, files)
        log.info("faces: face_recognition measured in %.0f s", time.perf_counter() - t1)
    except ImportError as exc:
        log.warning("face_recognition peer not installed (%s): pip install -e '.[peers]'", exc)
        peers["face_recognition_dlib"] = None
    return {"faces": faces, "peers": peers}


if __name__ == "__main__":
    import json

    logging.basicConfig(level=logging.INFO)
    print(json.dumps(run()))
