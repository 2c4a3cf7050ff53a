"""The plate recognizer service over real HTTP with the real PP-OCR models: good and bad input."""

from __future__ import annotations

import io
from collections.abc import Iterator

import cv2
import httpx
import pytest
from PIL import Image
from svc_helpers import assert_error, encode, jpeg_claiming, reencode, shared_file, synthetic_frame

pytestmark = [pytest.mark.slow, pytest.mark.network]

EU1 = "plates_eu_openalpr/images/eu1.jpg"  # M5XSX, plate at x=396 y=340 w=203 h=46 in 1000x750
EU8 = "plates_eu_openalpr/images/eu8.jpg"  # WSQ3021


def texts(response) -> set[str]:
    assert response.status_code == 200, response.text
    return {plate["text"] for plate in response.json()["plates"]}


def test_readiness_was_503_until_warm(plates_service) -> None:
    seen = plates_service.readiness_seen
    assert seen[0].status_code == 503 and seen[0].headers["Retry-After"] == "1"
    assert_error(seen[0], 503, "model_not_ready")
    assert seen[-1].json() == {"status": "ready", "kind": "plates"}
    assert plates_service.client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp"])
def test_reads_plate_from_raw_body(plates_service, ext: str) -> None:
    data = reencode(shared_file(EU1), ext)
    response = plates_service.client.post(
        "/v1/recognize", content=data, headers={"content-type": f"image/{ext[1:]}"}
    )
    assert "M5XSX" in texts(response)
    body = response.json()
    assert (body["image_width"], body["image_height"]) == (1000, 750)
    plate = next(p for p in body["plates"] if p["text"] == "M5XSX")
    box = plate["bbox"]
    assert abs(box["x"] + box["w"] / 2 - 497) < 60 and abs(box["y"] + box["h"] / 2 - 363) < 30
    assert plate["format"] == "unknown"  # a foreign plate comes back normalised, never dropped
    assert {"read", "queue", "decode", "infer", "total"} <= set(body["timings_ms"])


def test_reads_rendered_ukrainian_plates(plates_service) -> None:
    """Ukrainian plates rendered by the project (current format, 40-70 px high), sent as JPEG."""
    from recognizers.synth import render_plate

    exact = 0
    for seed in range(6):
        plate = render_plate(seed, layout="current", height_range=(40, 70))
        data = encode(".jpg", plate.image_bgr, cv2.IMWRITE_JPEG_QUALITY, 92)
        response = plates_service.client.post("/v1/recognize", content=data)
        assert response.status_code == 200, response.text
        hit = [p for p in response.json()["plates"] if p["text"] == plate.text]
        if hit:
            exact += 1
            assert hit[0]["format"] == "current" and hit[0]["region"]["code"] == plate.text[:2]
            assert hit[0]["region"]["name_uk"] and hit[0]["region"]["name_en"]
    assert exact >= 5, f"{exact} of 6 rendered plates read exactly"


def test_content_type_is_not_trusted(plates_service) -> None:
    data = shared_file(EU8).read_bytes()
    response = plates_service.client.post(
        "/v1/recognize", content=data, headers={"content-type": "image/png"}
    )
    assert "WSQ3021" in texts(response)


@pytest.mark.parametrize("ext", [".jpg", ".png", ".webp"])
def test_reads_plate_from_multipart(plates_service, ext: str) -> None:
    files = {"image": (f"frame{ext}", reencode(shared_file(EU8), ext), "application/octet-stream")}
    assert "WSQ3021" in texts(plates_service.client.post("/v1/recognize", files=files))


def test_roi_limits_the_search(plates_service) -> None:
    client, data = plates_service.client, shared_file(EU1).read_bytes()
    around = client.post("/v1/recognize", params={"roi": "300,250,400,250"}, content=data)
    assert "M5XSX" in texts(around)
    box = next(p["bbox"] for p in around.json()["plates"] if p["text"] == "M5XSX")
    assert box["x"] >= 300 and box["y"] >= 250  # full-frame coordinates
    elsewhere = client.post("/v1/recognize", params={"roi": "0,0,250,200"}, content=data)
    assert "M5XSX" not in texts(elsewhere)
    clipped = client.post("/v1/recognize", params={"roi": "300,250,5000,5000"}, content=data)
    assert "M5XSX" in texts(clipped)


def test_finer_look_can_be_left_out_per_request(plates_service) -> None:
    """A plate too small for the frame's detection size is read by the finer look, unless the caller (a
    camera's stream) leaves it out."""
    from recognizers.synth.render import render_plate

    plate = render_plate(1163, height_range=(12, 20))  # read by the finer look alone (test_plate_finer_look)
    data = encode(".png", plate.image_bgr)
    assert plate.text in texts(plates_service.client.post("/v1/recognize", content=data))
    once = plates_service.client.post("/v1/recognize", params={"finer_look": "false"}, content=data)
    assert once.status_code == 200 and plate.text not in texts(once)
    bad = plates_service.client.post("/v1/recognize", params={"finer_look": "maybe"}, content=data)
    assert bad.status_code in (400, 422) and "finer_look" in bad.text


@pytest.mark.parametrize("roi", ["1,2,3", "a,b,c,d", "0,0,0,10", "-1,0,10,10", "1,2,3,4,5"])
def test_bad_roi(plates_service, roi: str) -> None:
    data = encode(".jpg", synthetic_frame())
    body = assert_error(
        plates_service.client.post("/v1/recognize", params={"roi": roi}, content=data), 400, "bad_roi"
    )
    assert roi in body["detail"] and "roi" in body["detail_uk"]


def test_roi_outside_the_image(plates_service) -> None:
    data = encode(".jpg", synthetic_frame(640, 360))
    response = plates_service.client.post("/v1/recognize", params={"roi": "5000,5000,10,10"}, content=data)
    body = assert_error(response, 422, "roi_outside_image")
    assert "640x360" in body["detail"]


def gif_bytes() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(synthetic_frame()[:, :, ::-1]).save(buf, "GIF")
    return buf.getvalue()


def truncated_eu1() -> bytes:
    data = shared_file(EU1).read_bytes()
    return data[: len(data) * 6 // 10]


@pytest.mark.parametrize(
    ("make", "status", "code", "in_detail"),
    [
        (lambda: b"", 400, "empty_image", "0 bytes"),
        (lambda: bytes(range(256)) * 64, 415, "unsupported_image_type", "not a JPEG, PNG or WebP"),
        (gif_bytes, 415, "unsupported_image_type", "GIF"),
        (lambda: encode(".bmp", synthetic_frame()), 415, "unsupported_image_type", "BMP"),
        (truncated_eu1, 422, "corrupt_image", "truncated"),
        (lambda: jpeg_claiming(20000, 10000), 413, "image_too_many_pixels", "20000x10000"),
        (lambda: b"\xff\xd8\xff" + bytes(4_000_000), 413, "image_too_large_bytes", "4000003 bytes"),
    ],
    ids=["empty", "random", "gif", "bmp", "truncated-jpeg", "200-megapixels", "oversized"],
)
def test_bad_images_raw(plates_service, make, status: int, code: str, in_detail: str) -> None:
    body = assert_error(plates_service.client.post("/v1/recognize", content=make()), status, code)
    assert in_detail in body["detail"]


def test_bad_image_in_multipart(plates_service) -> None:
    files = {"image": ("x.jpg", truncated_eu1(), "image/jpeg")}
    assert_error(plates_service.client.post("/v1/recognize", files=files), 422, "corrupt_image")


def test_oversized_bodies_without_length_or_inside_multipart(plates_service) -> None:
    client = plates_service.client

    def chunks() -> Iterator[bytes]:  # chunked transfer: no Content-Length to refuse early
        yield b"\xff\xd8\xff"
        for _ in range(9):
            yield bytes(500_000)

    assert_error(client.post("/v1/recognize", content=chunks()), 413, "image_too_large_bytes")
    just_over = {"image": ("big.jpg", b"\xff\xd8\xff" + bytes(4_000_000), "image/jpeg")}
    body = assert_error(client.post("/v1/recognize", files=just_over), 413, "image_too_large_bytes")
    assert "4000003 bytes" in body["detail"]
    far_over = {"image": ("big.jpg", bytes(4_200_000), "image/jpeg")}
    assert_error(client.post("/v1/recognize", files=far_over), 413, "image_too_large_bytes")
    assert "M5XSX" in texts(client.post("/v1/recognize", content=shared_file(EU1).read_bytes()))


def test_multipart_without_image_field(plates_service) -> None:
    files = {"file": ("x.jpg", b"\xff\xd8\xff", "image/jpeg")}
    assert_error(plates_service.client.post("/v1/recognize", files=files), 400, "missing_image")
    garbled = plates_service.client.post(
        "/v1/recognize",
        content=b"--zz\r\nnonsense",
        headers={"content-type": "multipart/form-data; boundary=zz"},
    )
    assert_error(garbled, 400, "bad_multipart")


def test_a_multipart_form_cut_off_before_its_closing_boundary(plates_service) -> None:
    """The image part is there, the end is not: the form is broken, not missing its image."""
    whole = httpx.Request(
        "POST", "http://x/", files={"image": ("p.jpg", shared_file(EU1).read_bytes(), "image/jpeg")}
    )
    body, ctype = whole.read(), whole.headers["content-type"]
    r = plates_service.client.post("/v1/recognize", content=body[:-40], headers={"content-type": ctype})
    err = assert_error(r, 400, "bad_multipart")
    assert "обрізано" in err["detail_uk"] and "cut off" in err["detail"]
    assert (
        plates_service.client.post("/v1/recognize", content=body, headers={"content-type": ctype}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "ctype", "needle_uk"),
    [
        (b"garbage", "multipart/form-data; boundary=xyz", "пошкоджені межі"),
        (b"--xyz\r\n", "multipart/form-data", "немає межі"),
    ],
)
def test_a_broken_multipart_form_is_400_in_both_languages(
    plates_service, body: bytes, ctype: str, needle_uk: str
) -> None:
    r = plates_service.client.post("/v1/recognize", content=body, headers={"content-type": ctype})
    err = assert_error(r, 400, "bad_multipart")
    assert needle_uk in err["detail_uk"] and "multipart" in err["detail"]


def test_metrics_after_traffic(plates_service) -> None:
    client = plates_service.client
    client.post("/v1/recognize", content=shared_file(EU1).read_bytes())
    client.post("/v1/recognize", content=b"")
    text = client.get("/metrics").text
    for stage in ("read", "queue", "decode", "infer", "total"):
        assert f'varta_recognizer_stage_seconds_count{{kind="plates",stage="{stage}"}}' in text
    assert 'varta_recognizer_requests_total{kind="plates",route="/v1/recognize",status="400"}' in text
    assert 'varta_recognizer_requests_total{kind="plates",route="/v1/recognize",status="200"}' in text
    assert "varta_recognizer_in_flight" in text
