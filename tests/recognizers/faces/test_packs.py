"""Pack loading fails with messages that say what is wrong and how to fix it."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest

from recognizers.faces import FaceRecognizer, FaceSettings, PackError
from recognizers.faces.packs import find_insightface_files
from recognizers.models import ModelMissingError, model_path, registry
from recognizers.models.registry import REGISTRY


def test_insightface_pack_without_a_folder_takes_buffalo_l_from_the_cache(tmp_path: Path) -> None:
    """Not pulled: the error names the command; pulled but damaged: the checksum catches it."""
    with pytest.raises(ModelMissingError, match="varta models pull buffalo_l-det"):
        FaceRecognizer(FaceSettings(pack="insightface", models_dir=tmp_path)).load()
    for name in ("buffalo_l-det", "buffalo_l-rec"):
        spec = REGISTRY[name]
        (tmp_path / spec.filename).write_bytes(b"\0" * spec.size)
    (tmp_path / REGISTRY["yunet-2023mar"].filename).write_bytes(b"the default pack's file, beside it")
    with pytest.raises(ModelMissingError, match="wrong size or SHA-256"):
        FaceRecognizer(FaceSettings(pack="insightface", models_dir=tmp_path)).load()


def test_insightface_pack_loads_the_registry_files_it_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the registry's checksums matching (here: of hand-built stand-ins), the pack loads the two
    cached files by name, whatever else the cache holds."""
    from standin_graphs import arcface_like, scrfd_like

    scrfd_like(tmp_path / REGISTRY["buffalo_l-det"].filename)
    arcface_like(tmp_path / REGISTRY["buffalo_l-rec"].filename)
    (tmp_path / REGISTRY["sface-2021dec"].filename).write_bytes(b"another recognizer in the same cache")
    for name in ("buffalo_l-det", "buffalo_l-rec"):
        data = (tmp_path / REGISTRY[name].filename).read_bytes()
        stand_in = dataclasses.replace(
            REGISTRY[name], sha256=hashlib.sha256(data).hexdigest(), size=len(data)
        )
        monkeypatch.setitem(registry.REGISTRY, name, stand_in)
    settings = FaceSettings(pack="insightface", models_dir=tmp_path, det_max_side=288, warmup=False)
    rec = FaceRecognizer(settings)
    rec.load()
    assert rec.pack_name == "insightface" and rec.embedding_dim == 512


def test_insightface_pack_folder_missing(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="does not exist"):
        FaceRecognizer(FaceSettings(pack="insightface", pack_dir=tmp_path / "nope")).load()


def test_insightface_pack_without_detector_or_recognizer(tmp_path: Path) -> None:
    (tmp_path / "w600k_r50.onnx").write_bytes(b"x")
    with pytest.raises(PackError, match=r"no SCRFD detector .*w600k_r50.onnx"):
        find_insightface_files(tmp_path)
    (tmp_path / "w600k_r50.onnx").unlink()
    (tmp_path / "det_10g.onnx").write_bytes(b"x")
    (tmp_path / "genderage.onnx").write_bytes(b"x")  # other buffalo_l members are ignored
    with pytest.raises(PackError, match="no ArcFace recognizer"):
        find_insightface_files(tmp_path)
    (tmp_path / "a.onnx").write_bytes(b"x")
    (tmp_path / "b.onnx").write_bytes(b"x")
    with pytest.raises(PackError, match="several candidate recognizers"):
        find_insightface_files(tmp_path)


def test_insightface_pack_with_a_wrong_file(tmp_path: Path) -> None:
    (tmp_path / "det_10g.onnx").write_bytes(b"this is not an ONNX model")
    (tmp_path / "w600k_r50.onnx").write_bytes(b"neither is this")
    with pytest.raises(PackError, match=r"SCRFD detector .*det_10g.onnx could not be loaded"):
        FaceRecognizer(FaceSettings(pack="insightface", pack_dir=tmp_path)).load()


@pytest.mark.slow
def test_insightface_pack_with_a_model_of_the_wrong_kind(tmp_path: Path) -> None:
    """Real ONNX files, wrong roles: YuNet is not an SCRFD detector, SFace is accepted as ArcFace-shaped."""
    shutil.copy(model_path("yunet-2023mar"), tmp_path / "det_fake.onnx")
    shutil.copy(model_path("sface-2021dec"), tmp_path / "rec.onnx")
    with pytest.raises(PackError, match="not an SCRFD detector with landmarks: 12 outputs"):
        FaceRecognizer(FaceSettings(pack="insightface", pack_dir=tmp_path)).load()


def test_default_pack_with_missing_models(tmp_path: Path) -> None:
    with pytest.raises(ModelMissingError, match="varta models pull yunet-2023mar"):
        FaceRecognizer(FaceSettings(models_dir=tmp_path)).load()


def test_default_pack_with_a_corrupt_model(tmp_path: Path) -> None:
    for name in ("yunet-2023mar", "sface-2021dec"):
        spec = REGISTRY[name]
        (tmp_path / spec.filename).write_bytes(b"\0" * spec.size)
    with pytest.raises(ModelMissingError, match="wrong size or SHA-256"):
        FaceRecognizer(FaceSettings(models_dir=tmp_path)).load()


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VARTA_FACES__DET_MAX_SIDE", "960")
    monkeypatch.setenv("VARTA_FACES__PACK_DIR", str(tmp_path))
    s = FaceSettings()
    assert s.det_max_side == 960 and s.pack_dir == tmp_path and s.pack == "yunet-sface"
    with pytest.raises(ValueError):
        FaceSettings(det_max_side=10)
