"""Same scenarios through the in-process recognizers and through the real HTTP services: same results.

Also: killing a service mid-test gives RecognizerUnavailable, opens the breaker, and the client
recovers once the service is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import numpy as np
import pytest

from gateway.clients import FrameImage, RecognizerRejected, RecognizerUnavailable
from gateway.clients.breaker import BreakerState
from gateway.clients.http import HttpRecognizers
from gateway.clients.inprocess import InProcessRecognizers
from shared.schemas import BBox

from .canned import free_port
from .real_services import Service, shared_data

pytestmark = [pytest.mark.slow, pytest.mark.network]
DATA = shared_data()
if not DATA.is_dir():
    pytest.skip(f"shared test data not found at {DATA} (set VARTA_SHARED_DATA)", allow_module_level=True)

PLATE_FILES = ["eu1.jpg", "eu10.jpg", "eu11.jpg"]
FACE_FILES = ["Colin_Powell/Colin_Powell_0001.jpg", "George_W_Bush/George_W_Bush_0002.jpg"]


@pytest.fixture(scope="module")
def services() -> Iterator[dict[str, Service]]:
    started = {k: Service(k, free_port()).start() for k in ("plates", "faces")}
    yield started
    for s in started.values():
        s.kill()


@pytest.fixture(scope="module")
def inproc() -> InProcessRecognizers:
    from recognizers.faces.recognizer import FaceRecognizer
    from recognizers.plates import PlateRecognizer

    plates, faces = PlateRecognizer(), FaceRecognizer()
    plates.load()
    faces.load()
    return InProcessRecognizers(plates, faces, max_concurrency=2)


def _frame(rel: str, folder: str) -> FrameImage:
    return FrameImage((DATA / folder / "images" / rel).read_bytes())


async def _both(inproc: InProcessRecognizers, http: HttpRecognizers, call: str, image: FrameImage, **kw):
    a = await getattr(inproc, call)(FrameImage(image.data), **kw)
    b = await getattr(http, call)(image, **kw)
    return a, b


def test_plates_same_through_both(services: dict[str, Service], inproc: InProcessRecognizers) -> None:
    async def go() -> int:
        http = HttpRecognizers(services["plates"].url, services["faces"].url, timeout_s=30)
        n = 0
        for f in PLATE_FILES:
            img = _frame(f, "plates_eu_openalpr")
            for roi in (None, BBox(x=0, y=100, w=800, h=500)):
                a, b = await _both(inproc, http, "plates", img, roi=roi)
                assert [(p.text, p.format, p.bbox) for p in a] == [(p.text, p.format, p.bbox) for p in b]
                assert np.allclose([p.confidence for p in a], [p.confidence for p in b], atol=1e-4)
                n += len(a)
        await http.aclose()
        return n

    assert asyncio.run(go()) >= 2  # the scenarios must actually read plates


def test_faces_same_through_both(services: dict[str, Service], inproc: InProcessRecognizers) -> None:
    async def go() -> None:
        http = HttpRecognizers(services["plates"].url, services["faces"].url, timeout_s=30)
        for f in FACE_FILES:
            img = _frame(f, "faces_lfw_5people")
            for emb in (True, False):
                a, b = await _both(inproc, http, "faces", img, embeddings=emb)
                assert len(a) == len(b) >= 1
                for x, y in zip(a, b, strict=True):
                    assert x.bbox == y.bbox
                    assert abs(x.quality.score - y.quality.score) < 1e-4
                    if emb:
                        assert x.embedding is not None and y.embedding is not None
                        assert float(np.dot(x.embedding, y.embedding)) > 0.9999
                    else:
                        assert x.embedding is None and y.embedding is None
        await http.aclose()

    asyncio.run(go())


def test_bad_input_rejected_the_same_way(services: dict[str, Service], inproc: InProcessRecognizers) -> None:
    good = _frame(PLATE_FILES[0], "plates_eu_openalpr")
    cases = [
        ("plates", FrameImage(good.data[: len(good.data) // 3]), {}),
        ("faces", FrameImage(b"GIF89a not really"), {}),
        ("plates", FrameImage(good.data), {"roi": BBox(x=50_000, y=0, w=10, h=10)}),
    ]

    async def go() -> None:
        http = HttpRecognizers(services["plates"].url, services["faces"].url, timeout_s=30)
        for kind, img, kw in cases:
            errs = []
            for client in (inproc, http):
                with pytest.raises(RecognizerRejected) as e:
                    await getattr(client, kind)(FrameImage(img.data), **kw)
                errs.append((e.value.status, e.value.error))
            assert errs[0] == errs[1], (kind, errs)
        await http.aclose()

    asyncio.run(go())


def test_killed_service_opens_the_breaker_and_recovers_after_restart(inproc: InProcessRecognizers) -> None:
    svc = Service("plates", free_port()).start()
    img = _frame(PLATE_FILES[0], "plates_eu_openalpr")

    async def go() -> None:
        http = HttpRecognizers(
            svc.url, None, timeout_s=30, retries=1, backoff_s=0.05, breaker_failures=2, breaker_reset_s=1.0
        )
        before = await http.plates(img)
        svc.kill()
        for _ in range(2):
            with pytest.raises(RecognizerUnavailable):
                await http.plates(img)
        assert http.breakers["plates"].state is BreakerState.OPEN
        with pytest.raises(RecognizerUnavailable, match="breaker open"):
            await http.plates(img)
        svc.start()
        await asyncio.sleep(1.0)
        after = await http.plates(img)
        assert [p.text for p in after] == [p.text for p in before]
        assert http.breakers["plates"].state is BreakerState.CLOSED
        await http.aclose()

    try:
        asyncio.run(go())
    finally:
        svc.kill()
