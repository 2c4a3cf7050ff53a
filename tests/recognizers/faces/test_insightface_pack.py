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

pytest.importorskip("onnx")
from standin_graphs import H, W, arcface_like, scrfd_like

from recognizers.faces import FaceRecognizer, FaceSettings


def test_insightface_format_pack_loads_and_maps_back_to_frame_pixels(tmp_path: Path) -> None:
    scrfd_like(tmp_path / "det_10g.onnx")
    arcface_like(tmp_path / "w600k_r50.onnx")
    (tmp_path / "genderage.onnx").write_bytes(b"ignored member of buffalo_l")
    # the stand-in's constant outputs fit an H x W input only: no 1080p warm-up here
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


def test_an_export_with_a_fixed_input_size_takes_frames_of_any_shape(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SCRFD exported with a fixed input (``scrfd_500m_bnkps.onnx`` takes 640 x 640 only, and
    onnxruntime refuses any other size): the frame is scaled to fit inside it and padded, and the
    detections map back by that one scale, whatever the frame's aspect ratio."""
    from recognizers.faces.detect_scrfd import ScrfdDetector

    scrfd_like(tmp_path / "scrfd_fixed.onnx")  # declares a fixed 1 x 3 x H x W input
    det = ScrfdDetector(tmp_path / "scrfd_fixed.onnx", max_side=1920)
    assert det.fixed_hw == (H, W)
    assert "fixed 288x192 input only" in caplog.text and "small faces are lost" in caplog.text
    tall = np.full((H * 3, W * 2, 3), 90, np.uint8)  # scaled by min(H / 3H, W / 2W) = 1/3
    (face,) = det.detect(tall)
    assert face.box == pytest.approx((48.0, 24.0, 72.0, 96.0))  # (16, 8, 24, 32) at 1/3
    assert face.landmarks[0] == pytest.approx((60.0, 36.0))
    small = np.full((H // 2, W // 3, 3), 90, np.uint8)  # smaller than the input: padded, not enlarged
    (face,) = det.detect(small)
    assert face.box == pytest.approx((16.0, 8.0, 24.0, 32.0))


def test_an_arcface_that_normalises_its_own_input_gets_the_crop_as_it_is(tmp_path: Path) -> None:
    """ArcFace models converted from MXNet subtract 127.5 and scale by 1/127.5 inside the graph: they are
    given RGB 0..255, as InsightFace gives them, and embed a face as a model without those nodes does."""
    from recognizers.faces.embed import ArcFaceEmbedder, normalises_its_input

    arcface_like(tmp_path / "plain.onnx")
    arcface_like(tmp_path / "mxnet.onnx", normalises_itself=True)
    assert not normalises_its_input(tmp_path / "plain.onnx")
    assert normalises_its_input(tmp_path / "mxnet.onnx")
    crop = np.random.default_rng(5).integers(0, 256, (112, 112, 3), dtype=np.uint8)
    crop[:, :40] = (200, 30, 90)  # a mean colour that is not grey: the direction of the vector shows it
    plain = ArcFaceEmbedder(tmp_path / "plain.onnx").embed(crop)
    mxnet = ArcFaceEmbedder(tmp_path / "mxnet.onnx").embed(crop)
    assert float(plain.ravel() @ mxnet.ravel()) == pytest.approx(1.0, abs=1e-5)
