"""Shared fixtures for the face recognizer tests: the real default pack and the shared LFW photos."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognizers.faces import FaceRecognizer, FaceSettings

sys.path.insert(0, str(Path(__file__).parent))  # standin_graphs, shared by the modules of this folder


def shared_data() -> Path:
    env = os.environ.get("VARTA_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data"


@pytest.fixture(scope="session")
def lfw() -> Path:
    path = shared_data() / "faces_lfw_5people"
    if not (path / "labels.csv").is_file():
        pytest.skip(f"shared LFW photos not found at {path}: set VARTA_SHARED_DATA")
    return path


@pytest.fixture(scope="session")
def lfw_by_person(lfw: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    with (lfw / "labels.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["identity"], []).append(lfw / row["file"])
    return out


@pytest.fixture(scope="session")
def recognizer() -> FaceRecognizer:
    rec = FaceRecognizer(FaceSettings())
    try:
        rec.load()
    except RuntimeError as exc:  # ModelMissingError: the models were not pulled
        pytest.fail(f"{exc}")
    return rec


@pytest.fixture(scope="session")
def road_1080p() -> np.ndarray:
    """A faceless 1920x1080 frame: a road clip frame from the shared data, scaled up."""
    cap = cv2.VideoCapture(str(shared_data() / "video_clips" / "bgslibrary_video.avi"))
    ok, frame = cap.read()
    cap.release()
    if not ok:
        pytest.skip("shared road clip not found")
    return cv2.resize(frame, (1920, 1080), interpolation=cv2.INTER_CUBIC)
