"""The one place that builds onnxruntime sessions (providers, threads)."""

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


def create_session(path: Path, threads: int | None = None) -> ort.InferenceSession:
    """Open an ONNX model on the CPU with a bounded thread count."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or default_threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    log.info("loading ONNX model %s with %s threads", path, opts.intra_op_num_threads)
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
