"""Recorded footage that gives no frame is an error, and ``--exit-when-done`` exits non-zero."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import start_agent, write_config
from ingest_rtsp_server import free_port


def video(path: Path, frames: int = 20) -> Path:
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(frames):
        out.write(np.full((120, 160, 3), i * 10 % 255, np.uint8))
    out.release()
    return path


def run_once(tmp_path: Path, source: dict[str, object]) -> tuple[int, str]:
    cam = {"id": "rec", "village": "test", "name": "Recording", "key_env": "VARTA_TEST_KEY", "source": source}
    config = write_config(tmp_path / "agent.yaml", free_port(), free_port(), tmp_path / "spool.db", [cam])
    log = tmp_path / "agent.log"
    proc = start_agent(config, {"VARTA_TEST_KEY": "k"}, "--exit-when-done", log=log)
    try:
        rc = proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    return rc, log.read_text()


@pytest.mark.parametrize("kind", ["text", "truncated"])
def test_unreadable_video_file_is_an_error_and_exits_non_zero(tmp_path: Path, kind: str) -> None:
    clip = tmp_path / "clip.mp4"
    if kind == "text":
        clip.write_text("this is not a video\n" * 50)
    else:
        data = video(tmp_path / "full.mp4").read_bytes()
        clip.write_bytes(data[: len(data) // 3])
    rc, log = run_once(tmp_path, {"type": "file", "path": str(clip)})
    assert rc == 1, log
    assert "ERROR services.ingest.sources.file: camera rec:" in log and str(clip) in log
    assert "camera(s) rec failed" in log and "Traceback" not in log


def test_folder_without_a_readable_image_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / "a.jpg").write_text("not a picture")
    rc, log = run_once(tmp_path, {"type": "folder", "path": str(folder)})
    assert rc == 1 and "no readable image" in log, log
