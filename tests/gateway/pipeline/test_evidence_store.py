"""The evidence store: atomic writes, paths by date and camera, nothing outside its root."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from gateway.evidence import EvidenceError, EvidenceFile, EvidenceStore

T = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_write_by_date_and_camera_without_temporaries(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    paths = store.write(
        "gate/../north", T, "f1", [EvidenceFile("frame.jpg", b"\xff\xd8a"), EvidenceFile("plate-0.jpg", b"b")]
    )
    assert paths == {
        "frame.jpg": "2026/11/24/gate_.._north/f1-frame.jpg",
        "plate-0.jpg": "2026/11/24/gate_.._north/f1-plate-0.jpg",
    }
    assert store.read(paths["frame.jpg"]) == b"\xff\xd8a"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["f1-frame.jpg", "f1-plate-0.jpg"]


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(EvidenceError):
        store.write("cam", T, "f1", [EvidenceFile("frame.jpg", b"a"), EvidenceFile("../x.jpg", b"b")])
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


@pytest.mark.parametrize("bad", ["../secret", "/etc/passwd", "2026/../../x", "", "a\\b"])
def test_paths_outside_the_root_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(EvidenceError):
        EvidenceStore(tmp_path / "evidence").resolve(bad)


def test_remove_and_prune(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path)
    paths = store.write("cam", T, "f1", [EvidenceFile("frame.jpg", b"a")])
    assert store.remove([*paths.values(), "2026/11/24/cam/missing.jpg"]) == 1
    store.prune_empty_dirs()
    assert list(tmp_path.iterdir()) == []
