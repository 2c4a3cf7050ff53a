"""Model packs: a detector plus an embedder that load through one interface.

- ``yunet-sface`` (default): YuNet 2023mar (MIT) + SFace 2021dec (Apache-2.0) from the model cache,
  checksums verified (``varta models pull`` puts them there).
- ``insightface``: a folder a deployment supplies (``VARTA_FACES__PACK_DIR``) with an SCRFD detector
  ``det_*.onnx`` (or ``scrfd*.onnx``) and an ArcFace recognizer (e.g. ``w600k_r50.onnx``). InsightFace's
  packs are licensed for non-commercial research only: Varta never downloads them by default.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from recognizers.faces.base import Detector, Embedder, PackError
from recognizers.faces.detect_scrfd import ScrfdDetector
from recognizers.faces.detect_yunet import YuNetDetector
from recognizers.faces.embed import ArcFaceEmbedder, SFaceEmbedder
from recognizers.faces.settings import FaceSettings
from recognizers.models.registry import (
    REGISTRY,
    ModelMissingError,
    cache_dir,
    cached_status,
    corrupt_message,
    missing_message,
)

log = logging.getLogger(__name__)


@dataclass
class Pack:
    name: str
    detector: Detector
    embedder: Embedder


def load_pack(settings: FaceSettings) -> Pack:
    if settings.pack == "yunet-sface":
        return _yunet_sface(settings)
    return _insightface(settings)


def _cached(name: str, settings: FaceSettings) -> Path:
    spec = REGISTRY[name]
    cache = settings.models_dir or cache_dir()
    state = cached_status(spec, cache)
    path = cache / spec.filename
    if state == "missing":
        raise ModelMissingError(missing_message(name, path, spec.filename))
    if state == "corrupt":
        raise ModelMissingError(corrupt_message(name, path))
    return path


def _yunet_sface(settings: FaceSettings) -> Pack:
    det = YuNetDetector(
        _cached("yunet-2023mar", settings), settings.det_max_side, settings.det_score_threshold,
        settings.nms_threshold, settings.yunet_backend, settings.threads,
    )  # fmt: skip
    emb = SFaceEmbedder(_cached("sface-2021dec", settings))
    return Pack("yunet-sface", det, emb)


def find_insightface_files(pack_dir: Path | None) -> tuple[Path, Path]:
    """(detector, recognizer) files of an InsightFace-format pack folder; errors say what is wrong."""
    if pack_dir is None:
        raise PackError(
            "pack 'insightface' needs a pack folder: set VARTA_FACES__PACK_DIR to a folder holding an "
            "SCRFD det_*.onnx and an ArcFace recognizer .onnx (e.g. buffalo_l's det_10g.onnx and "
            "w600k_r50.onnx; non-commercial licence, supply it yourself)"
        )
    if not pack_dir.is_dir():
        raise PackError(f"face pack folder {pack_dir} does not exist (VARTA_FACES__PACK_DIR)")
    onnx = sorted(pack_dir.glob("*.onnx"))
    dets = [p for p in onnx if p.name.startswith(("det_", "scrfd"))]
    recs = [p for p in onnx if p not in dets and not p.name.startswith(("1k3d", "2d106", "genderage"))]
    if not dets:
        raise PackError(
            f"face pack folder {pack_dir} has no SCRFD detector (det_*.onnx or scrfd*.onnx); "
            f"found: {', '.join(p.name for p in onnx) or 'no .onnx files'}"
        )
    if not recs:
        raise PackError(
            f"face pack folder {pack_dir} has no ArcFace recognizer .onnx (e.g. w600k_r50.onnx); "
            f"found: {', '.join(p.name for p in onnx)}"
        )
    if len(recs) > 1:
        raise PackError(
            f"face pack folder {pack_dir} has several candidate recognizers "
            f"({', '.join(p.name for p in recs)}): keep one"
        )
    return dets[0], recs[0]


def insightface_files(settings: FaceSettings) -> tuple[Path, Path]:
    """(detector, recognizer) of the InsightFace pack: the files of ``pack_dir`` when a deployment
    points at its own folder, else buffalo_l's two files from the model cache, checked against the
    registry's SHA-256 like every model (``varta models pull buffalo_l-det buffalo_l-rec``)."""
    if settings.pack_dir is not None:
        return find_insightface_files(settings.pack_dir)
    return _cached("buffalo_l-det", settings), _cached("buffalo_l-rec", settings)


def _insightface(settings: FaceSettings) -> Pack:
    det_path, rec_path = insightface_files(settings)
    log.warning(
        "loading InsightFace-format pack (%s, %s from %s): its models are licensed for non-commercial "
        "research only", det_path.name, rec_path.name, det_path.parent,
    )  # fmt: skip
    det = ScrfdDetector(
        det_path, settings.det_max_side, settings.det_score_threshold, settings.nms_threshold,
        settings.threads,
    )  # fmt: skip
    emb = ArcFaceEmbedder(rec_path, settings.threads)
    return Pack("insightface", det, emb)
