"""The InsightFace-format pack path end to end through onnxruntime, on small hand-built ONNX graphs.

The real buffalo_l files cannot be fetched here (non-commercial licence, no default download). These
graphs have the same inputs and outputs as SCRFD (9 outputs: score, box, landmarks per stride, two
anchors per centre) and ArcFace (N x 3 x 112 x 112 -> N x 512); they test the loading, the
preprocessing, the decoder and the mapping back to frame pixels, not accuracy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from recognizers.faces import FaceRecognizer, FaceSettings  # noqa: E402

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


def arcface_like(path: Path) -> None:
    """Mean colour of the crop times a fixed 3 x 512 matrix: 512-d, depends on the input."""
    w = np.random.default_rng(0).standard_normal((3, 512)).astype(np.float32)
    nodes = [
        helper.make_node("GlobalAveragePool", ["input.1"], ["pooled"]),
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


def test_insightface_format_pack_loads_and_maps_back_to_frame_pixels(tmp_path: Path) -> None:
    scrfd_like(tmp_path / "det_10g.onnx")
    arcface_like(tmp_path / "w600k_r50.onnx")
    (tmp_path / "genderage.onnx").write_bytes(b"ignored member of buffalo_l")
    # this fixed-size graph only takes H x W, so no 1080p warm-up; the real SCRFD takes any size
    settings = FaceSettings(pack="insightface", pack_dir=tmp_path, det_max_side=W, min_face_px=0,
                            min_quality=0.0, warmup=False)  # fmt: skip
    rec = FaceRecognizer(settings)
    rec.load()
    assert rec.pack_name == "insightface" and rec.embedding_dim == 512
    frame = np.full((H * 2, W * 2, 3), 90, np.uint8)  # twice the network size: scaled by 0.5
    faces = rec.analyze(frame)
    assert len(faces) == 1
    f = faces[0]
    assert f.det_score == pytest.approx(0.9)
    assert (f.bbox.x, f.bbox.y, f.bbox.w, f.bbox.h) == (32, 16, 48, 64)  # (16, 8, 40, 40) at 0.5
    assert f.landmarks[0] == pytest.approx((40.0, 24.0)) and f.landmarks[2] == pytest.approx((48.0, 32.0))
    assert f.embedding is not None and len(f.embedding) == 512
    assert np.linalg.norm(f.embedding) == pytest.approx(1.0, abs=1e-5)
