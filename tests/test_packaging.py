"""Packaging rules that would otherwise break silently."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata


def test_gui_opencv_is_never_installed_beside_headless() -> None:
    names = {(d.metadata["Name"] or "").lower() for d in metadata.distributions()}
    assert "opencv-python-headless" in names
    clashing = names & {"opencv-python", "opencv-contrib-python"}
    assert not clashing, f"{clashing} installs a second cv2 over opencv-python-headless"


def test_varta_help_imports_no_model_runtime() -> None:
    # `varta --help` must stay instant: no onnxruntime, OpenCV, database or model at import time
    code = (
        "import sys; from varta.cli import main; main(['--help']); "
        "heavy = [m for m in ('onnxruntime', 'cv2', 'sqlalchemy', 'qdrant_edge') if m in sys.modules]; "
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
    for word in ("serve", "recognize", "models", "ingest", "bench recognizers", "bench gateway"):
        assert word in out.stdout
