"""Peak memory of the recognizers as a deployment runs them.

The bench process itself is no measure of that: it also holds both peers (rapidocr, dlib) and the 500
rendered frames. So a fresh process, started by spawn (nothing inherited), loads both recognizers with
their default settings, as the one-process default does, and recognizes frames at 720p and 1080p: plate
scenes rendered here and, when the shared data is present, an LFW face in a 1080p frame. Its peak RSS is
the figure.
"""

from __future__ import annotations

import multiprocessing
import resource
from pathlib import Path

N_SCENES = 4
SEED = 7


def _measure(shared: str | None) -> float:
    """Runs in the child process; returns its peak RSS in MB (ru_maxrss is in KiB on Linux)."""
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
        lfw = sorted((Path(shared) / "faces_lfw_5people" / "images").rglob("*.jpg"))[:1]
        for path in lfw:
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
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def recognizers_peak_rss_mb(shared: Path | None) -> float:
    """Peak RSS (MB) of one fresh process running both recognizers on 720p and 1080p frames."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        mb = pool.apply(_measure, (str(shared) if shared is not None else None,))
    return round(float(mb), 1)
