"""The child process that opens a resident's video: run as a script, by ``gateway.reports.probe``.

A container may declare a small frame and hold a huge one, which FFmpeg decodes (already while the
file is opened, to learn the stream's pixel format) before any size can be checked. So the decoding
happens here, in a process whose address space is capped (``RLIMIT_AS``) once OpenCV is loaded and
before the file is touched, and whose CPU time is capped too: a lying file makes an allocation fail
or the process die, and the gateway that started it never holds the frame.

Only the standard library and OpenCV are imported (the gateway's packages are not), FFmpeg and the
linear-algebra libraries get one thread each, and the answer is one line of JSON on stdout:
``{"width", "height", "duration_s"}`` or ``{"error": "open" | "first_frame" | "pixels" | "memory", ...}``.

Usage: ``probe_child.py PATH MEMORY_BYTES CPU_S MAX_PIXELS MEASURE_UP_TO_S`` (``-``: do not measure).
"""

from __future__ import annotations

import json
import resource
import sys
from typing import Any

# one thread for OpenBLAS/OpenMP (numpy, loaded by OpenCV) and two malloc arenas: each thread or
# arena reserves address space, which would count against the cap (set through the environment)
CHILD_ENV = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",
}


def address_space() -> int:
    """This process's address space now (VmSize), in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def probe(path: str, memory: int, cpu_s: int, max_pixels: int, measure_up_to: float | None) -> dict[str, Any]:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
    import cv2  # trusted code: loaded before the cap, which then bounds what the file can make it take

    cv2.setNumThreads(1)
    in_use = address_space()
    if in_use >= memory:
        return {"error": "memory", "in_use": in_use}
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    cap = cv2.VideoCapture(path, cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, 1])
    if not cap.isOpened():
        return {"error": "open"}
    # the size the stream declares, before a frame of it is read
    width, height = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    if width * height > max_pixels:
        return {"error": "pixels", "width": width, "height": height}
    ok, frame = cap.read()
    if not ok or frame is None or frame.size == 0:
        return {"error": "first_frame"}
    height, width = int(frame.shape[0]), int(frame.shape[1])
    if width * height > max_pixels:  # the frame itself, should the stream have understated it
        return {"error": "pixels", "width": width, "height": height}
    duration = None if measure_up_to is None else _duration(cap, measure_up_to)
    return {"width": width, "height": height, "duration_s": duration}


def _duration(cap: Any, max_s: float) -> float:
    """Frame count / fps from the container; when it gives none (some WebM), walk the frames."""
    import cv2

    frames = cap.get(cv2.CAP_PROP_FRAME_COUNT)
    fps = cap.get(cv2.CAP_PROP_FPS)
    if frames > 0 and 0 < fps < 1000:
        return float(frames / fps)
    last_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
    while cap.grab():
        last_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
        if last_ms / 1000.0 > max_s:
            break
    return float(last_ms / 1000.0)


def main(argv: list[str]) -> int:
    path, memory, cpu_s, max_pixels, measure = argv
    answer = probe(path, int(memory), int(cpu_s), int(max_pixels), None if measure == "-" else float(measure))
    sys.stdout.write(json.dumps(answer) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
