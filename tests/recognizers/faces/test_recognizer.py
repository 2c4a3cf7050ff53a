"""The face recognizer on the real default pack (YuNet + SFace) and the shared LFW photos."""

from __future__ import annotations

import itertools
from pathlib import Path

import cv2
import numpy as np
import pytest

from recognizers.faces import FaceRecognizer, FaceSettings
from shared.protocols import FaceRecognizerProtocol

pytestmark = pytest.mark.slow


def read(path: Path) -> np.ndarray:
    img = cv2.imread(str(path))
    assert img is not None, path
    return img


def central_embedding(rec: FaceRecognizer, path: Path) -> np.ndarray:
    faces = rec.analyze(read(path))
    assert faces, f"no face found in {path}"
    face = min(faces, key=lambda f: abs(f.bbox.x + f.bbox.w / 2 - 125) + abs(f.bbox.y + f.bbox.h / 2 - 125))
    assert face.embedding is not None, face.quality
    return np.asarray(face.embedding)


def test_protocol_and_vector_shape(recognizer: FaceRecognizer, lfw_by_person: dict[str, list[Path]]) -> None:
    proto: FaceRecognizerProtocol = recognizer
    assert proto.pack_name == "yunet-sface" and proto.embedding_dim == 128
    faces = recognizer.analyze(read(lfw_by_person["Colin_Powell"][0]))
    assert len(faces) == 1
    f = faces[0]
    assert len(f.landmarks) == 5 and f.det_score > 0.8
    assert f.embedding is not None and len(f.embedding) == 128
    assert np.linalg.norm(f.embedding) == pytest.approx(1.0, abs=1e-4)
    # right eye (image left) left of left eye; mouth below nose below eyes
    (rex, rey), (lex, ley), (_, ny), (_, rmy), (_, lmy) = f.landmarks
    assert rex < lex and max(rey, ley) < ny < min(rmy, lmy)
    assert recognizer.analyze(read(lfw_by_person["Colin_Powell"][0]), embeddings=False)[0].embedding is None


def test_same_person_scores_above_different(
    recognizer: FaceRecognizer, lfw_by_person: dict[str, list[Path]]
) -> None:
    emb = {n: [central_embedding(recognizer, p) for p in paths[:6]] for n, paths in lfw_by_person.items()}
    same = [float(a @ b) for vs in emb.values() for a, b in itertools.combinations(vs, 2)]
    diff = [
        float(a @ b)
        for n1, n2 in itertools.combinations(emb, 2)
        for a, b in itertools.product(emb[n1], emb[n2])
    ]
    assert len(same) == 75 and len(diff) == 360
    assert np.median(same) > 0.55 and np.median(diff) < 0.2
    ordered = np.mean([s > d for s in same for d in diff])
    assert ordered > 0.99, f"only {ordered:.3f} of same/different comparisons ordered"


def test_30px_faces_in_1080p_are_found_embedded_and_identified(
    recognizer: FaceRecognizer, lfw_by_person: dict[str, list[Path]], road_1080p: np.ndarray
) -> None:
    names = sorted(lfw_by_person)
    gallery = {n: central_embedding(recognizer, lfw_by_person[n][0]) for n in names}
    rng = np.random.default_rng(7)
    for name in names:
        for path in lfw_by_person[name][1:3]:
            small = cv2.resize(read(path), None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA)  # face ~30 px
            h, w = small.shape[:2]
            x, y = int(rng.integers(0, 1920 - w)), int(rng.integers(0, 1080 - h))
            frame = road_1080p.copy()
            frame[y : y + h, x : x + w] = small
            faces = recognizer.analyze(frame)
            assert len(faces) == 1, f"{path}: {len(faces)} faces"
            f = faces[0]
            assert 20 <= f.bbox.w <= 40 and abs(f.bbox.x + f.bbox.w / 2 - (x + w / 2)) < 10
            assert f.embedding is not None, f"{path}: not embedded, quality {f.quality}"
            sims = {n: float(np.asarray(f.embedding) @ g) for n, g in gallery.items()}
            assert max(sims, key=lambda n: sims[n]) == name, sims


def test_no_face_gives_empty_list(recognizer: FaceRecognizer, road_1080p: np.ndarray) -> None:
    assert recognizer.analyze(road_1080p) == []
    assert recognizer.analyze(np.zeros((480, 640, 3), np.uint8)) == []
    assert recognizer.analyze(np.full((64, 64), 200, np.uint8)) == []  # grey input is accepted


def test_quality_drops_with_blur_and_poor_faces_are_not_embedded(
    recognizer: FaceRecognizer, lfw_by_person: dict[str, list[Path]]
) -> None:
    img = read(lfw_by_person["Tony_Blair"][0])
    qualities = []
    for sigma in (0, 1.5, 3.0, 5.0):
        blurred = cv2.GaussianBlur(img, (0, 0), sigma) if sigma else img
        faces = recognizer.analyze(blurred)
        assert faces, f"no face at blur sigma {sigma}"
        qualities.append(faces[0])
    scores = [f.quality.score for f in qualities]
    sharp = [f.quality.sharpness for f in qualities]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0.6, scores
    assert sharp == sorted(sharp, reverse=True), sharp
    assert qualities[0].embedding is not None
    worst = qualities[-1]
    assert worst.quality.score < recognizer.settings.min_quality and worst.embedding is None


def test_min_quality_is_configurable(lfw_by_person: dict[str, list[Path]]) -> None:
    strict = FaceRecognizer(FaceSettings(min_quality=1.0))
    strict.load()
    faces = strict.analyze(read(lfw_by_person["George_W_Bush"][0]))
    assert faces and faces[0].embedding is None and faces[0].quality.score < 1.0


def test_both_yunet_runtimes_agree(lfw_by_person: dict[str, list[Path]]) -> None:
    a = FaceRecognizer(FaceSettings(yunet_backend="onnxruntime"))
    b = FaceRecognizer(FaceSettings(yunet_backend="opencv"))
    a.load()
    b.load()
    # onnxruntime needs the `onnx` package (a declared dependency) to make YuNet's input size dynamic
    assert a._pack is not None and a._pack.detector.backend == "onnxruntime"
    for path in lfw_by_person["Gerhard_Schroeder"][:5]:
        fa, fb = a.analyze(read(path)), b.analyze(read(path))
        assert [f.bbox for f in fa] == [f.bbox for f in fb]
        assert np.allclose([f.landmarks for f in fa], [f.landmarks for f in fb], atol=0.05)


def test_not_loaded_and_bad_input(lfw_by_person: dict[str, list[Path]], recognizer: FaceRecognizer) -> None:
    with pytest.raises(RuntimeError, match="load"):
        FaceRecognizer().analyze(np.zeros((10, 10, 3), np.uint8))
    with pytest.raises(ValueError, match="BGR uint8"):
        recognizer.analyze(np.zeros((10, 10, 3), np.float32))
