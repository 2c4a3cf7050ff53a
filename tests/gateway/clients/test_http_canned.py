"""HttpRecognizers over real loopback HTTP: parameters, retries, Retry-After, 4xx, timeouts, breaker."""

from __future__ import annotations

import asyncio
import time

import pytest

from gateway.clients import FrameImage, RecognizerRejected, RecognizerUnavailable
from gateway.clients.breaker import BreakerState
from gateway.clients.http import HttpRecognizers
from shared.schemas import BBox

from .canned import Script, free_port, serve

pytestmark = pytest.mark.network
IMG = FrameImage(b"\xff\xd8 not decoded by the client \xff\xd9")


def _client(plates: str | None, faces: str | None = None, **kw: float) -> HttpRecognizers:
    opts = {"timeout_s": 2.0, "retries": 2, "backoff_s": 0.01, "breaker_failures": 3, "breaker_reset_s": 0.5}
    opts.update(kw)
    return HttpRecognizers(plates, faces, **opts)  # type: ignore[arg-type]


def test_plates_and_faces_parse_and_send_their_parameters() -> None:
    ps, fs = Script(), Script()
    with serve("plates", ps) as purl, serve("faces", fs) as furl:

        async def go() -> None:
            c = _client(purl, furl)
            plates = await c.plates(IMG, roi=BBox(x=1, y=2, w=300, h=200))
            faces = await c.faces(IMG, embeddings=False)
            assert [p.text for p in plates] == ["AA1234BB"]
            assert faces[0].embedding is not None and len(faces[0].embedding) == 128
            assert await c.ready() == {"plates": True, "faces": True}
            await c.aclose()

        asyncio.run(go())
    assert ps.calls[0] == {"params": {"roi": "1,2,300,200"}, "ctype": "image/jpeg", "bytes": len(IMG.data)}
    assert fs.calls[0]["params"] == {"embeddings": "false"}


def test_retries_5xx_and_honours_retry_after_within_its_cap() -> None:
    s = Script(answers=[(503, {"Retry-After": "5"}, 0.0), (502, {}, 0.0)])
    with serve("plates", s) as url:

        async def go() -> float:
            c = _client(url, max_retry_after_s=0.3)
            t = time.perf_counter()
            assert len(await c.plates(IMG)) == 1
            await c.aclose()
            return time.perf_counter() - t

        elapsed = asyncio.run(go())
    assert len(s.calls) == 3
    assert 0.3 <= elapsed < 2.0  # waited the capped Retry-After, not 5 s


def test_gives_up_after_its_retries_with_recognizer_unavailable() -> None:
    s = Script(answers=[(500, {}, 0.0)] * 5)
    with serve("plates", s) as url:

        async def go() -> None:
            c = _client(url, retries=2)
            with pytest.raises(RecognizerUnavailable) as e:
                await c.plates(IMG)
            assert e.value.kind == "plates" and "500" in e.value.reason
            await c.aclose()

        asyncio.run(go())
    assert len(s.calls) == 3


def test_4xx_is_a_rejection_never_retried_and_keeps_the_breaker_closed() -> None:
    s = Script(answers=[(422, {}, 0.0)] * 5)
    with serve("faces", s) as url:

        async def go() -> None:
            c = _client(None, url, breaker_failures=1)
            for _ in range(3):
                with pytest.raises(RecognizerRejected) as e:
                    await c.faces(IMG)
            assert (e.value.status, e.value.error, e.value.detail_uk) == (422, "e422", "відповідь 422")
            assert c.breakers["faces"].state is BreakerState.CLOSED
            await c.aclose()

        asyncio.run(go())
    assert len(s.calls) == 3


def test_read_timeout_is_not_retried() -> None:
    s = Script(answers=[(200, {}, 1.5)])
    with serve("plates", s) as url:

        async def go() -> None:
            c = _client(url, timeout_s=0.3)
            with pytest.raises(RecognizerUnavailable, match="timed out"):
                await c.plates(IMG)
            await c.aclose()

        asyncio.run(go())
    assert len(s.calls) == 1


def test_not_configured() -> None:
    async def go() -> None:
        c = _client(None, None)
        with pytest.raises(RecognizerUnavailable, match="not configured"):
            await c.faces(IMG)
        assert await c.ready() == {"plates": False, "faces": False}
        await c.aclose()

    asyncio.run(go())


def test_down_service_opens_the_breaker_and_recovers_after_restart() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"

    async def go() -> None:
        c = _client(url, retries=1, breaker_failures=2, breaker_reset_s=0.5)
        for _ in range(2):
            with pytest.raises(RecognizerUnavailable, match="Connect"):
                await c.plates(IMG)
        assert c.breakers["plates"].state is BreakerState.OPEN
        t = time.perf_counter()
        with pytest.raises(RecognizerUnavailable, match="breaker open") as e:
            await c.plates(IMG)
        assert time.perf_counter() - t < 0.05  # refused at once, no network
        assert e.value.retry_after_s is not None and 0 < e.value.retry_after_s <= 0.5
        s = Script()
        with serve("plates", s, port=port):
            await asyncio.sleep(0.6)  # reset period over: half-open
            assert [p.text for p in await c.plates(IMG)] == ["AA1234BB"]
            assert c.breakers["plates"].state is BreakerState.CLOSED
        await c.aclose()

    asyncio.run(go())
