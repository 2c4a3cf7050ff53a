"""Small hand-built ONNX graphs with the inputs and outputs of SCRFD and ArcFace (buffalo_l's two
models), for tests of the InsightFace-format pack path: the real files cannot be fetched here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H, W = 192, 288


def scrfd_like(path: Path) -> None:
    """Outputs fixed tensors: one face whose anchor is stride 8, row 2, col 3 (centre 24, 16)."""
    outs, nodes = [], []
    names = [f"{kind}_{s}" for kind in ("score", "bbox", "kps") for s in (8, 16, 32)]
    for name in names:
        kind, s = name.split("_")
        n = (H // int(s)) * (W // int(s)) * 2
        width = {"score": 1, "bbox": 4, "kps": 10}[kind]
        value = np.zeros((n, width), np.float32)
        if s == "8":
            i = (2 * (W // 8) + 3) * 2
            value[i] = {"score": [0.9], "bbox": [1, 1, 2, 3],
                        "kps": [-0.5, -0.5, 0.5, -0.5, 0, 0, -0.4, 0.5, 0.4, 0.5]}[kind]  # fmt: skip
        nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(value, name)))
        outs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [n, width]))
    inp = helper.make_tensor_value_info("input.1", TensorProto.FLOAT, [1, 3, H, W])
    graph = helper.make_graph(nodes, "scrfd_like", [inp], outs)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))


def arcface_like(path: Path, normalises_itself: bool = False) -> None:
    """Mean colour of the crop times a fixed 3 x 512 matrix: 512-d, depends on the input. With
    ``normalises_itself``, (x - 127.5) * (1 / 127.5) comes first, in the graph, as in the ArcFace models
    converted from MXNet (InsightFace's older packs)."""
    w = np.random.default_rng(0).standard_normal((3, 512)).astype(np.float32)
    first = "input.1"
    nodes = []
    if normalises_itself:
        half, inv = (np.array(v, np.float32) for v in (127.5, 1 / 127.5))
        nodes = [
            helper.make_node("Constant", [], ["mean"], value=numpy_helper.from_array(half, "mean")),
            helper.make_node("Constant", [], ["scale"], value=numpy_helper.from_array(inv, "scale")),
            helper.make_node("Sub", ["input.1", "mean"], ["centred"], name="_minusscalar0"),
            helper.make_node("Mul", ["centred", "scale"], ["scaled"], name="_mulscalar0"),
        ]
        first = "scaled"
    nodes += [
        helper.make_node("GlobalAveragePool", [first], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"]),
        helper.make_node("MatMul", ["flat", "W"], ["683"]),
    ]
    graph = helper.make_graph(
        nodes, "arcface_like",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT, ["N", 3, 112, 112])],
        [helper.make_tensor_value_info("683", TensorProto.FLOAT, ["N", 512])],
        [numpy_helper.from_array(w, "W")],
    )  # fmt: skip
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))
