"""The session factory flushes denormal weights: same outputs, no slow x86 path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from recognizers.common.ort import create_session, flush_denormals

TINY = np.finfo(np.float32).tiny


def _matmul_model(weights: np.ndarray, extra: np.ndarray | None = None) -> onnx.ModelProto:
    """y = x @ W (+ a second, int64 initializer that must be left alone)."""
    inits = [numpy_helper.from_array(weights, "W")]
    if extra is not None:
        inits.append(numpy_helper.from_array(extra, "shape_hint"))
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, weights.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, weights.shape[1]])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _weights() -> np.ndarray:
    # denormal: TINY/4, -TINY/8, -3e-42, 2e-45 (the smallest there is); normal: 1, TINY, -TINY, 5e-30, 0
    return np.array([[1.0, TINY / 4, -TINY / 8], [TINY, -3e-42, -TINY], [5e-30, 2e-45, 0.0]], np.float32)


def test_flush_zeroes_exactly_the_denormal_weights() -> None:
    model = _matmul_model(_weights(), extra=np.array([7, 8], np.int64))
    assert flush_denormals(model) == 4
    after = numpy_helper.to_array(model.graph.initializer[0])
    expected = np.array([[1.0, 0.0, 0.0], [TINY, 0.0, -TINY], [5e-30, 0.0, 0.0]], np.float32)
    np.testing.assert_array_equal(after, expected)
    np.testing.assert_array_equal(numpy_helper.to_array(model.graph.initializer[1]), [7, 8])
    assert flush_denormals(model) == 0  # nothing left to flush


def test_session_from_file_runs_flushed_weights_and_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "m.onnx"
    onnx.save(_matmul_model(_weights()), str(path))
    before = path.read_bytes()
    session = create_session(path, threads=1)
    x = np.array([[1.0, 1e30, 1e30]], np.float32)
    y = session.run(None, {"x": x})[0]
    assert y[0, 1] == 0.0  # as shipped: TINY/4 - 3e-12 + 2e-15, the denormals scaled up into view
    np.testing.assert_allclose(y[0, [0, 2]], [1.0 + TINY * 1e30 + 5.0, -TINY * 1e30], rtol=1e-6)
    assert path.read_bytes() == before  # the checksummed file on disk is never rewritten


def test_session_from_bytes_without_denormals_is_unchanged() -> None:
    weights = np.arange(9, dtype=np.float32).reshape(3, 3)
    session = create_session(_matmul_model(weights).SerializeToString(), threads=1)
    y = session.run(None, {"x": np.ones((1, 3), np.float32)})[0]
    np.testing.assert_array_equal(y, [[9.0, 12.0, 15.0]])


def test_a_file_that_is_not_a_model_still_fails_to_load(tmp_path: Path) -> None:
    path = tmp_path / "broken.onnx"
    path.write_bytes(b"\x00not an onnx model")
    with pytest.raises(Exception):  # noqa: B017 - onnx or onnxruntime, both name the problem
        create_session(path, threads=1)


@pytest.mark.parametrize(("env", "spins"), [(None, "1"), ("0", "0"), ("off", "0"), ("1", "1")])
def test_threads_spin_within_a_run_and_stop_when_it_ends(
    monkeypatch: pytest.MonkeyPatch, env: str | None, spins: str
) -> None:
    if env is None:
        monkeypatch.delenv("VARTA_ORT_SPIN_WITHIN_RUNS", raising=False)
    else:
        monkeypatch.setenv("VARTA_ORT_SPIN_WITHIN_RUNS", env)
    weights = np.eye(3, dtype=np.float32)
    opts = create_session(_matmul_model(weights).SerializeToString(), threads=2).get_session_options()
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == spins
    # never left spinning after a run: the next model (the recognizer after the detector) gets the cores
    assert opts.get_session_config_entry("session.force_spinning_stop") == "1"
