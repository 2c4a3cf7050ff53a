"""The image of a multipart form, shared by the recognizer services and the gateway
(``recognizers.common.multipart``): what a form must be to give its ``image``."""

from __future__ import annotations

import anyio
import pytest
from starlette.requests import Request

from recognizers.common.image_errors import ImageError
from recognizers.common.multipart import CUT_OFF, REPEATED_DISPOSITION, broken, form_image

B = "b0undary"
CTYPE = f"multipart/form-data; boundary={B}"
IMAGE_HEAD = 'Content-Disposition: form-data; name="image"; filename="f.jpg"\r\nContent-Type: image/jpeg'


def part(headers: str, content: bytes = b"\xff\xd8\xff") -> bytes:
    return f"--{B}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"


END = f"--{B}--\r\n".encode()
WHOLE = part(IMAGE_HEAD) + END


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (WHOLE, None),
        (b"preamble\r\n" + WHOLE, None),
        (part('Content-Disposition: form-data; name="note"') + part(IMAGE_HEAD) + END, None),
        (b"", None),  # no part at all: the parser says what it lacks
        (b"garbage", None),  # not a form at all: the parser's own error
        (part(IMAGE_HEAD), CUT_OFF),
        (WHOLE[:-10], CUT_OFF),
        (part(IMAGE_HEAD + '\r\nContent-Disposition: form-data; name="x"') + END, REPEATED_DISPOSITION),
        (
            part('content-disposition: form-data; name="a"\r\nCONTENT-DISPOSITION : form-data') + END,
            REPEATED_DISPOSITION,
        ),
        (
            part('Content-Disposition: form-data; name="a"') + part(IMAGE_HEAD + "\r\n" + IMAGE_HEAD) + END,
            REPEATED_DISPOSITION,
        ),
        # the words in a part's content are not its headers
        (part(IMAGE_HEAD, b"Content-Disposition: x\r\nContent-Disposition: y\r\n\r\n") + END, None),
    ],
)
def test_broken_finds_what_the_parser_would_let_pass(body: bytes, why: str | None) -> None:
    assert broken(CTYPE, body) == why


def test_without_a_boundary_nothing_is_judged_here() -> None:
    assert broken("multipart/form-data", part(IMAGE_HEAD)) is None


def _request(ctype: str) -> Request:
    return Request({"type": "http", "method": "POST", "headers": [(b"content-type", ctype.encode())]})


def _image_of(body: bytes, ctype: str = CTYPE) -> bytes | str:
    async def run() -> bytes | str:
        try:
            return await form_image(_request(ctype), body)
        except ImageError as exc:
            return exc.code

    return anyio.run(run)


@pytest.mark.parametrize(
    ("body", "ctype", "answer"),
    [
        (WHOLE, CTYPE, b"\xff\xd8\xff"),
        (
            part('Content-Disposition: form-data; name="photo"; filename="f.jpg"') + END,
            CTYPE,
            "missing_image",
        ),
        (part('Content-Disposition: form-data; name="image"') + END, CTYPE, "missing_image"),  # a text field
        (b"", CTYPE, "missing_image"),
        (part(IMAGE_HEAD), CTYPE, "bad_multipart"),
        (part(IMAGE_HEAD + '\r\nContent-Disposition: form-data; name="x"') + END, CTYPE, "bad_multipart"),
        (part("Content-Disposition: form-data") + END, CTYPE, "bad_multipart"),  # no name: the parser's error
        (b"garbage", CTYPE, "bad_multipart"),
        (WHOLE, "multipart/form-data", "bad_multipart"),
        (part(IMAGE_HEAD) + part(IMAGE_HEAD) + END, CTYPE, "bad_multipart"),  # two files
    ],
)
def test_form_image_gives_the_image_or_one_of_two_codes(body: bytes, ctype: str, answer: bytes | str) -> None:
    assert _image_of(body, ctype) == answer
