"""Peak memory of the recognizers as a deployment runs them.

The bench process itself is no measure of that: it also holds both peers (rapidocr, dlib) and the 500
rendered frames. So a fresh Python process (``python -m recognizers.bench.memory``) loads both
recognizers with their default settings, as the one-process default does, and recognizes frames at
720p and 1080p: plate scenes rendered there and, when the shared data is present, an LFW face in a
1080p frame. Its peak RSS is the figure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from recognizers.common.procfs import peak_rss_mb

N_SCENES = 4
SEED = 7
TIMEOUT_S = 600


def peak_rss_of_this_image_mb() -> float:
    """Peak RSS (MB) of this process since its program was loaded (see ``procfs.peak_rss_mb``)."""
    mb = peak_rss_mb("self")
    if mb is None:
        raise RuntimeError("no VmHWM in /proc/self/status (not Linux?)")
    return mb


def measure(shared: Path | None) -> float:
    """Load both recognizers, recognize 720p and 1080p frames; this process's peak RSS in MB."""
    import cv2

    from recognizers.faces.recognizer import FaceRecognizer
    from recognizers.plates.pipeline import PlateRecognizer
    from recognizers.synth.render import render_dataset

    plates = PlateRecognizer()
    plates.load()
    faces = FaceRecognizer()
    faces.load()
    frames = [s.image_bgr for s in render_dataset(N_SCENES, SEED)]
    if shared is not None:
        for path in sorted((shared / "faces_lfw_5people" / "images").rglob("*.jpg"))[:1]:
            face = cv2.imread(str(path))
            if face is not None:
                frame = cv2.resize(frames[0], (1920, 1080), interpolation=cv2.INTER_LINEAR)
                frame[400 : 400 + face.shape[0], 800 : 800 + face.shape[1]] = face
                frames.append(frame)
    for frame in frames:
        for size in ((1280, 720), (1920, 1080)):
            scaled = cv2.resize(frame, size, interpolation=cv2.INTER_LINEAR)
            plates.recognize(scaled)
            faces.analyze(scaled)
    return peak_rss_of_this_image_mb()


def recognizers_peak_rss_mb(shared: Path | None) -> float:
    """Peak RSS (MB) of a fresh process running both recognizers (its last stdout line)."""
    args = [sys.executable, "-m", "recognizers.bench.memory"] + ([str(shared)] if shared is not None else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"memory child failed with exit code {done.returncode}: {tail[0]}")
    return round(float(done.stdout.strip().splitlines()[-1]), 1)


if __name__ == "__main__":
    print(measure(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
