"""The face recognizer service over real HTTP with the real models (YuNet + SFace)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
from svc_helpers import (
    assert_error,
    encode,
    jpeg_claiming,
    reencode,
    shared_file,
    start_service,
    stop_service,
    synthetic_frame,
)

from recognizers.service.config import RecognizerServiceSettings
from shared.openapi_uk import operations

pytestmark = [pytest.mark.slow, pytest.mark.network]

ONE_FACE = "faces_face_recognition_examples/test/alex_lacamoire1.jpg"
TWO_FACES = "faces_face_recognition_examples/test/obama_and_biden.jpg"


def test_readiness_was_503_with_retry_after_until_warm(faces_service) -> None:
    seen = faces_service.readiness_seen
    assert seen[0].status_code == 503 and seen[0].headers["Retry-After"] == "1"
    assert seen[0].json()["error"] == "model_not_ready"
    assert seen[-1].status_code == 200
    assert [r.status_code for r in seen] == sorted(r.status_code for r in seen)[::-1]  # 503s, then 200
    assert seen[-1].json() == {
        "status": "ready",
        "kind": "faces",
        "model_pack": "yunet-sface",
        "embedding_dim": 128,
    }


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp"])
def test_one_face_raw_body(faces_service, ext: str) -> None:
    data = reencode(shared_file(ONE_FACE), ext)
    response = faces_service.client.post(
        "/v1/recognize", content=data, headers={"content-type": f"image/{ext[1:]}"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["image_width"], body["image_height"]) == (1548, 1024)
    assert body["model_pack"] == "yunet-sface" and body["embedding_dim"] == 128
    assert len(body["faces"]) == 1
    face = body["faces"][0]
    assert face["bbox"]["w"] > 150 and len(face["landmarks"]) == 5
    vec = np.asarray(face["embedding"])
    assert vec.shape == (128,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3
    assert {"read", "queue", "decode", "infer", "total"} <= set(body["timings_ms"])


def test_same_person_embeds_close_across_formats(faces_service) -> None:
    vectors = []
    for ext in (".jpg", ".png"):
        data = reencode(shared_file(ONE_FACE), ext)
        body = faces_service.client.post("/v1/recognize", content=data).json()
        vectors.append(np.asarray(body["faces"][0]["embedding"]))
    assert float(vectors[0] @ vectors[1]) > 0.95


def test_multipart_and_embeddings_off(faces_service) -> None:
    data = shared_file(TWO_FACES).read_bytes()
    files = {"image": ("frame.jpg", data, "image/jpeg")}
    response = faces_service.client.post("/v1/recognize", params={"embeddings": "false"}, files=files)
    assert response.status_code == 200, response.text
    faces = response.json()["faces"]
    assert len(faces) >= 2  # Obama and Biden (and a girl in the corner, a real third face)
    assert all(face["embedding"] is None for face in faces)


def test_no_face_in_noise(faces_service) -> None:
    response = faces_service.client.post("/v1/recognize", content=encode(".png", synthetic_frame()))
    assert response.status_code == 200 and response.json()["faces"] == []


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 400, "empty_image"),
        (jpeg_claiming(20000, 10000), 413, "image_too_many_pixels"),
        (b"GIF89a" + bytes(100), 415, "unsupported_image_type"),
        (b"\xff\xd8\xff\xe0" + bytes(50), 422, "corrupt_image"),
    ],
)
def test_bad_images(faces_service, data: bytes, status: int, code: str) -> None:
    assert_error(faces_service.client.post("/v1/recognize", content=data), status, code)


def test_bad_query_and_missing_field(faces_service) -> None:
    client = faces_service.client
    body = assert_error(client.post("/v1/recognize?embeddings=perhaps", content=b"x"), 422, "invalid_request")
    assert "embeddings" in body["detail"]
    assert body["detail_uk"] == "Некоректний запит: embeddings: має бути true або false"
    assert_error(
        client.post("/v1/recognize", files={"photo": ("a.jpg", b"x", "image/jpeg")}), 400, "missing_image"
    )


def test_saturated_real_model_answers_503(faces_service) -> None:
    """One worker, no queue, the real model: of a burst, some are served and the rest refused at once."""
    recognizer = faces_service.server.state.engine.recognizer
    settings = RecognizerServiceSettings(max_concurrency=1, max_queue=0, retry_after_s=3, warmup_runs=0)
    tight = start_service("faces", settings, recognizer)
    try:
        data = reencode(shared_file(TWO_FACES), ".png")  # PNG: a slower decode widens the window
        barrier = threading.Barrier(6)

        def post(_: int) -> httpx.Response:
            barrier.wait()
            return tight.client.post("/v1/recognize", content=data)

        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(post, range(6)))
        codes = sorted(r.status_code for r in answers)
        assert 200 in codes and 503 in codes, codes
        for refused in (r for r in answers if r.status_code == 503):
            assert_error(refused, 503, "overloaded")
            assert refused.headers["Retry-After"] == "3"
        metrics = tight.client.get("/metrics").text
        assert 'route="/v1/recognize",status="503"' in metrics
    finally:
        stop_service(tight)


def test_metrics_have_stage_histograms(faces_service) -> None:
    client = faces_service.client
    client.post("/v1/recognize", content=shared_file(ONE_FACE).read_bytes())
    text = client.get("/metrics").text
    for stage in ("read", "queue", "decode", "infer", "infer_detect", "infer_embed", "total"):
        assert f'varta_recognizer_stage_seconds_bucket{{kind="faces",le="0.04",stage="{stage}"}}' in text
    assert 'varta_recognizer_requests_total{kind="faces",route="/v1/recognize",status="200"}' in text
    assert 'varta_recognizer_in_flight{kind="faces"} 0.0' in text
    assert 'varta_recognizer_ready{kind="faces"} 1.0' in text


def test_openapi_documents_bodies_and_errors(faces_service) -> None:
    spec = faces_service.client.get("/openapi.json").json()
    post = spec["paths"]["/v1/recognize"]["post"]
    assert {"image/jpeg", "image/png", "image/webp", "multipart/form-data"} <= set(
        post["requestBody"]["content"]
    )
    assert {"200", "400", "413", "415", "422", "503"} <= set(post["responses"])
    assert "example" in post["responses"]["200"]["content"]["application/json"]
    assert post["x-summary-uk"] and "обличчя" in post["summary"]  # every summary in Ukrainian too
    assert all(op.get("x-summary-uk") for op in operations(spec))
