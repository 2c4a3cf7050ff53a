"""Recognizers over HTTP (Compose, Kubernetes): timeouts, bounded retries, a breaker per recognizer.

Retried: connection errors, 5xx, 429/503 (waiting ``Retry-After`` when given, capped). Not retried:
read timeouts (the service is slow; another copy of the request makes it slower) and 4xx (the input
is bad: ``RecognizerRejected``). A call that fails after its retries counts one breaker failure.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import httpx

from gateway.clients.base import FrameImage, RecognizerRejected, RecognizerUnavailable
from gateway.clients.breaker import BreakerState, CircuitBreaker
from shared.schemas import BBox, FaceDetection, FacesResponse, PlateRead, PlatesResponse

log = logging.getLogger(__name__)
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class _Retryable(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait_s = wait_s


class HttpRecognizers:
    def __init__(
        self,
        plates_url: str | None,
        faces_url: str | None,
        timeout_s: float = 5.0,
        retries: int = 2,
        backoff_s: float = 0.1,
        breaker_failures: int = 5,
        breaker_reset_s: float = 10.0,
        max_retry_after_s: float = 2.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._urls = {"plates": _base(plates_url), "faces": _base(faces_url)}
        self.retries = max(0, retries)
        self.backoff_s = backoff_s
        self.max_retry_after_s = max_retry_after_s
        self.breakers = {k: CircuitBreaker(breaker_failures, breaker_reset_s) for k in self._urls}
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(2.0, timeout_s))
        )

    async def plates(
        self, image: FrameImage, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]:
        params = {"roi": f"{roi.x},{roi.y},{roi.w},{roi.h}"} if roi is not None else {}
        if not finer_look:
            params["finer_look"] = "false"
        body = await self._call("plates", params, image.data)
        return PlatesResponse.model_validate(body).plates

    async def faces(self, image: FrameImage, embeddings: bool = True) -> list[FaceDetection]:
        body = await self._call("faces", {"embeddings": "true" if embeddings else "false"}, image.data)
        return FacesResponse.model_validate(body).faces

    async def ready(self) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for kind, url in self._urls.items():
            if url is None:
                out[kind] = False
                continue
            try:
                out[kind] = (await self._client.get(f"{url}/readiness")).status_code == 200
            except httpx.HTTPError:
                out[kind] = False
        return out

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _call(self, kind: str, params: dict[str, str], data: bytes) -> Any:
        url = self._urls[kind]
        if url is None:
            raise RecognizerUnavailable(kind, "not configured")
        breaker = self.breakers[kind]
        if not breaker.allow():
            raise RecognizerUnavailable(kind, "circuit breaker open", breaker.retry_after() or None)
        probing = breaker.state is BreakerState.HALF_OPEN
        attempts = 1 if probing else self.retries + 1
        reason = "unknown"
        for attempt in range(attempts):
            try:
                body = await self._once(kind, f"{url}/v1/recognize", params, data)
            except _Retryable as exc:
                reason = exc.reason
                if attempt + 1 < attempts:
                    await anyio.sleep(self._wait(attempt, exc.wait_s))
                continue
            except RecognizerRejected:
                breaker.record_success()  # it answered: the service is up, the input is bad
                raise
            except RecognizerUnavailable:
                breaker.record_failure()
                raise
            breaker.record_success()
            return body
        breaker.record_failure()
        log.warning("%s recognizer unavailable after %d attempt(s): %s", kind, attempts, reason)
        raise RecognizerUnavailable(kind, reason, breaker.retry_after() or None)

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after_s)
        return min(self.backoff_s * (2**attempt), self.max_retry_after_s)

    async def _once(self, kind: str, url: str, params: dict[str, str], data: bytes) -> Any:
        try:
            r = await self._client.post(
                url, params=params, content=data, headers={"Content-Type": "image/jpeg"}
            )
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise _Retryable(f"connect timeout: {exc}") from exc
            raise RecognizerUnavailable(kind, f"timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
        if r.status_code in _RETRY_STATUS:
            raise _Retryable(f"HTTP {r.status_code}", _retry_after(r))
        if 400 <= r.status_code < 500:
            err = _error_body(r)
            raise RecognizerRejected(
                kind,
                r.status_code,
                err.get("error", "bad_request"),
                err.get("detail", r.text[:200]),
                err.get("detail_uk"),
            )
        if r.status_code != 200:
            raise _Retryable(f"HTTP {r.status_code}")
        try:
            return r.json()
        except ValueError as exc:
            raise RecognizerUnavailable(kind, "answer is not JSON") from exc


def _base(url: str | None) -> str | None:
    return url.rstrip("/") if url else None


def _retry_after(r: httpx.Response) -> float | None:
    value = r.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _error_body(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
