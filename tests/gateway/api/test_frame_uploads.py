"""A frame posted as a multipart form answers as the recognizers do (README, Recognizers): no ``image``
file field is ``missing_image`` 400, a form that cannot be parsed ``bad_multipart`` 400."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import numpy as np
import pytest

from gateway.bench import GatewayDriver, frame_headers
from recognizers.common.image import encode_jpeg

JPEG = encode_jpeg(np.full((120, 160, 3), 90, np.uint8), 90)
B = "vartaboundary0123456789"
FORM = f"multipart/form-data; boundary={B}"


def part(headers: str, content: bytes) -> bytes:
    return f"--{B}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"


IMAGE_PART = part(
    'Content-Disposition: form-data; name="image"; filename="f.jpg"\r\nContent-Type: image/jpeg', JPEG
)
END = f"--{B}--\r\n".encode()


@pytest.fixture(scope="module")
def camera(gateway: Any) -> tuple[str, str]:
    drv = GatewayDriver(gateway.url, gateway.admin_key)
    try:
        cam = f"form-{secrets.token_hex(4)}"
        return cam, drv.camera(cam, faces=False)
    finally:
        drv.close()


def post(gateway: Any, camera: tuple[str, str], body: bytes, ctype: str = FORM) -> httpx.Response:
    headers = frame_headers(*camera, secrets.token_hex(8)) | {"Content-Type": ctype}
    with httpx.Client(base_url=gateway.url, timeout=60) as c:
        return c.post("/v1/frames", content=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "ctype", "code", "needle_uk"),
    [
        pytest.param(
            part('Content-Disposition: form-data; name="photo"; filename="f.jpg"', JPEG) + END,
            FORM,
            "missing_image",
            "не містить файлового поля 'image'",
            id="no-image-part",
        ),
        pytest.param(
            part('Content-Disposition: form-data; name="image"', b"not a file") + END,
            FORM,
            "missing_image",
            "не містить файлового поля 'image'",
            id="image-as-text-field",
        ),
        pytest.param(b"", FORM, "missing_image", "не містить файлового поля 'image'", id="empty-body"),
        pytest.param(IMAGE_PART, FORM, "bad_multipart", "обрізано", id="no-closing-boundary"),
        pytest.param((IMAGE_PART + END)[:-200], FORM, "bad_multipart", "обрізано", id="truncated"),
        pytest.param(
            part(
                'Content-Disposition: form-data; name="image"; filename="f.jpg"\r\n'
                'Content-Disposition: form-data; name="other"',
                JPEG,
            )
            + END,
            FORM,
            "bad_multipart",
            "більше ніж один заголовок Content-Disposition",
            id="repeated-content-disposition",
        ),
        pytest.param(b"garbage", FORM, "bad_multipart", "пошкоджені межі", id="garbage"),
        pytest.param(
            IMAGE_PART + END, "multipart/form-data", "bad_multipart", "немає межі", id="no-boundary"
        ),
    ],
)
def test_a_frame_form_is_refused_as_the_recognizers_refuse_it(
    gateway: Any, camera: tuple[str, str], body: bytes, ctype: str, code: str, needle_uk: str
) -> None:
    r = post(gateway, camera, body, ctype)
    assert r.status_code == 400, r.text
    err = r.json()
    assert err["error"] == code and needle_uk in err["detail_uk"] and err["detail"], err


def test_a_whole_frame_form_is_taken(gateway: Any, camera: tuple[str, str]) -> None:
    r = post(gateway, camera, IMAGE_PART + END)
    assert r.status_code == 200, r.text
    assert r.json()["camera_id"] == camera[0]
