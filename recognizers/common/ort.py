"""The one place that builds onnxruntime sessions (providers, threads, no busy-waiting)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import onnxruntime as ort

log = logging.getLogger(__name__)


def default_threads() -> int:
    """Intra-op threads per session: VARTA_ORT_THREADS, else the number of usable cores."""
    env = os.environ.get("VARTA_ORT_THREADS")
    if env:
        return max(1, int(env))
    return max(1, len(os.sched_getaffinity(0)))


def create_session(model: Path | bytes, threads: int | None = None) -> ort.InferenceSession:
    """Open an ONNX model (a file, or the bytes of an in-memory edited graph) on the CPU.

    Spinning is off: models run one right after another on the same cores (plate detector then
    recognizer; YuNet then SFace), and a finished session's spinning threads starve the next one.
    Measured on 2 cores: a 1280x720 plate frame 113-177 ms with spinning, 63 ms without; one SFace
    embedding 16-23 ms with YuNet spinning, 9 ms without.
    """
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or default_threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    source = str(model) if isinstance(model, Path) else model
    log.info("loading ONNX model %s with %s threads", model if isinstance(model, Path) else "(in memory)",
             opts.intra_op_num_threads)  # fmt: skip
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])
