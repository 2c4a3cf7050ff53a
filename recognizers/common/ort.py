"""The one place that builds onnxruntime sessions (providers, threads, no busy-waiting, no denormals)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import numpy_helper

log = logging.getLogger(__name__)

_FLOAT32_TINY = np.finfo(np.float32).tiny  # smallest normal float32, about 1.18e-38


def default_threads() -> int:
    """Intra-op threads per session: VARTA_ORT_THREADS, else the number of usable cores."""
    env = os.environ.get("VARTA_ORT_THREADS")
    if env:
        return max(1, int(env))
    return max(1, len(os.sched_getaffinity(0)))


def spin_within_runs() -> bool:
    """Whether a session's threads spin between the operators of one run (VARTA_ORT_SPIN_WITHIN_RUNS,
    default on). They stop spinning when the run ends either way (``session.force_spinning_stop``)."""
    value = os.environ.get("VARTA_ORT_SPIN_WITHIN_RUNS", "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


def flush_denormals(model: onnx.ModelProto) -> int:
    """Set the float32 weights too small to be normal numbers (0 < |w| < 1.18e-38) to zero, in place;
    returns how many there were.

    Such weights change no output (their products are under 1e-38) but make every multiply with them take
    a slow microcode path on x86 CPUs. PP-OCRv6's text detector ships 256,000 of them, two thirds of the
    weights of one 768->384 convolution: on an Intel Xeon (2 cores, 2.6 GHz) the detector ran 107 ms a
    640x384 input as shipped and 35 ms flushed, with bit-identical output.
    """
    flushed = 0
    for init in model.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        weights = numpy_helper.to_array(init)
        tiny = (weights != 0) & (np.abs(weights) < _FLOAT32_TINY)
        count = int(tiny.sum())
        if count:
            weights = weights.copy()
            weights[tiny] = 0.0
            init.CopyFrom(numpy_helper.from_array(weights, init.name))
            flushed += count
    return flushed


def _without_denormals(model: Path | bytes) -> Path | bytes:
    """The model as given, or the bytes of a copy with its denormal weights flushed to zero."""
    proto = onnx.load(str(model)) if isinstance(model, Path) else onnx.load_from_string(model)
    count = flush_denormals(proto)
    if not count:
        return model
    name = model if isinstance(model, Path) else "(in memory)"
    log.info("flushed %d denormal weights of %s to zero", count, name)
    return proto.SerializeToString()


def create_session(model: Path | bytes, threads: int | None = None) -> ort.InferenceSession:
    """Open an ONNX model (a file, or the bytes of an in-memory edited graph) on the CPU, with its
    denormal weights flushed to zero (``flush_denormals``; the file on disk is never changed).

    Threads spin between the operators of a run and stop when it ends (``session.force_spinning_stop``).
    Models run one right after another on the same cores (plate detector then recognizer; YuNet then
    SFace), and a finished session that kept spinning would starve the next one: measured on 2 cores,
    a 1280x720 plate frame took 113-177 ms with spinning left on after runs, 63 ms with none. Within a
    run, a worker that sleeps between operators must be woken for each of the hundreds of small ones:
    on an AVX2-only EPYC, the 20 speed frames alternated in one process read 6 % (720p) and 11 %
    (1080p) faster at the median with spinning within runs, faster on 68 and 69 of 80 frames.
    """
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or default_threads()
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin_within_runs() else "0")
    opts.add_session_config_entry("session.force_spinning_stop", "1")
    prepared = _without_denormals(model)
    source = str(prepared) if isinstance(prepared, Path) else prepared
    log.info("loading ONNX model %s with %s threads", model if isinstance(model, Path) else "(in memory)",
             opts.intra_op_num_threads)  # fmt: skip
    return ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])
