"""Identity embedders: SFace (default pack) and ArcFace (InsightFace packs). Output is L2-normalised."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import onnx

from recognizers.common.ort import create_session
from recognizers.faces.base import PackError, l2_normalise


class SFaceEmbedder:
    """SFace 2021dec (opencv_zoo, Apache-2.0), 128-d, run by OpenCV's DNN.

    OpenCV's engine is faster than onnxruntime on this file: the export lists its weights as graph
    inputs, which stops onnxruntime from folding constants (see the README for the figures).
    Preprocessing as ``cv2.FaceRecognizerSF``: RGB, 0..255, no mean.
    """

    name = "sface-2021dec"
    dim = 128

    def __init__(self, path: Path) -> None:
        try:
            self._net = cv2.dnn.readNetFromONNX(str(path))
        except cv2.error as exc:
            raise PackError(f"SFace model {path} could not be loaded by OpenCV: {exc}") from exc
        self._lock = threading.Lock()

    def embed(self, aligned_bgr: np.ndarray) -> np.ndarray:
        blob = cv2.dnn.blobFromImage(aligned_bgr, 1.0, (112, 112), (0, 0, 0), swapRB=True)
        with self._lock:
            self._net.setInput(blob)
            out = self._net.forward()
        return l2_normalise(out)


def normalises_its_input(path: Path) -> bool:
    """Whether an ArcFace export subtracts the mean and scales its input itself, as the models converted
    from MXNet do (InsightFace's older packs: a Sub and a Mul among the graph's first eight nodes, the
    check InsightFace makes). Such a model takes RGB as it is, 0..255; normalised once more, it would
    embed every face wrongly."""
    nodes = onnx.load(str(path), load_external_data=False).graph.node[:8]
    sub = any(n.op_type == "Sub" or n.name.startswith(("Sub", "_minus")) for n in nodes)
    mul = any(n.op_type == "Mul" or n.name.startswith(("Mul", "_mul")) for n in nodes)
    return sub and mul


class ArcFaceEmbedder:
    """ArcFace ONNX of an InsightFace pack (e.g. ``w600k_r50.onnx``) on onnxruntime.

    Preprocessing as InsightFace: RGB, (x - 127.5) / 127.5, unless the graph does that itself
    (``normalises_its_input``).
    """

    def __init__(self, path: Path, threads: int | None = None) -> None:
        self.name = f"arcface:{path.name}"
        try:
            self._sess = create_session(path, threads)
        except Exception as exc:  # onnxruntime raises its own exception types
            raise PackError(f"ArcFace model {path} could not be loaded by onnxruntime: {exc}") from exc
        inp = self._sess.get_inputs()[0]
        if list(inp.shape[2:]) != [112, 112]:
            raise PackError(
                f"{path.name} is not an ArcFace recognizer: input shape {inp.shape}, "
                "expected (N, 3, 112, 112)"
            )
        self._input = inp.name
        self._mean, self._scale = (0.0, 1.0) if normalises_its_input(path) else (127.5, 1.0 / 127.5)
        out_dim = self._sess.get_outputs()[0].shape[-1]
        if not isinstance(out_dim, int):
            out_dim = self.embed(np.zeros((112, 112, 3), np.uint8)).size
        self.dim = int(out_dim)

    def embed(self, aligned_bgr: np.ndarray) -> np.ndarray:
        mean = (self._mean,) * 3
        blob = cv2.dnn.blobFromImage(aligned_bgr, self._scale, (112, 112), mean, swapRB=True)
        out = self._sess.run(None, {self._input: blob})[0]
        return l2_normalise(out)
