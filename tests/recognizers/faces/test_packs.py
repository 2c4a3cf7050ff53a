"""Pack loading fails with messages that say what is wrong and how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from recognizers.faces import FaceRecognizer, FaceSettings, PackError
from recognizers.faces.packs import find_insightface_files
from recognizers.models import ModelMissingError, model_path
from recognizers.models.registry import REGISTRY


def test_insightface_pack_needs_a_folder() -> None:
    with pytest.raises(PackError, match="VARTA_FACES__PACK_DIR"):
        FaceRecognizer(FaceSettings(pack="insightface")).load()


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
