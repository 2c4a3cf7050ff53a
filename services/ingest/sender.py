"""Delivery to the gateway: direct while the link is healthy, through the spool otherwise.

Contract (``POST {gateway}/v1/frames``, raw JPEG body, Bearer camera key, X-Camera-Id,
X-Capture-Time, Idempotency-Key):
- 2xx (200): accepted (also for a retried key, ``"duplicate": true``);
- 4xx other than 429: the frame itself is bad -> logged, counted as rejected, never retried;
- 5xx, 429, connection errors and any other answer (a 3xx redirect): spooled and replayed later,
  honouring ``Retry-After``.

Ordering: one delivery thread sends everything. Frames wait in a small in-memory queue while the
spool is empty and the gateway answers; the moment a send fails, or the queue overflows, that
queue (in-flight frame first) moves to the spool, and every newer frame goes to the spool behind it
until the spool has drained. So frames reach the gateway in the order they were made, each with its
original capture time and idempotency key.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import httpx
from pydantic import SecretStr

from services.ingest.config import AgentSettings
from services.ingest.frames import OutFrame
from services.ingest.metrics import IngestMetrics
from services.ingest.spool import Spool

log = logging.getLogger(__name__)

OutcomeKind = Literal["accepted", "rejected", "retry"]
_CRASH_PAUSE_S = 1.0


@dataclass(slots=True, frozen=True)
class Outcome:
    kind: OutcomeKind
    status: int | None = None
    retry_after: float | None = None
    detail: str = ""


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


USER_AGENT = "varta-ingest/0.1"


def gateway_http_client(timeout: httpx.Timeout) -> httpx.Client:
    """The agent's HTTP client to the gateway (frames and previews share these settings)."""
    return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})


def jpeg_headers(key: SecretStr, capture_time_rfc3339: str) -> dict[str, str]:
    """Headers every JPEG upload to the gateway carries: the camera's Bearer key and capture time."""
    return {
        "Content-Type": "image/jpeg",
        "Authorization": f"Bearer {key.get_secret_value()}",
        "X-Capture-Time": capture_time_rfc3339,
    }


class GatewayClient:
    """POSTs one frame; maps the answer onto accepted / rejected / retry."""

    def __init__(self, settings: AgentSettings, keys: Callable[[str], SecretStr | None]) -> None:
        self.url = settings.gateway_url.rstrip("/") + "/v1/frames"
        self._keys = keys
        timeout = httpx.Timeout(settings.send_timeout_s, connect=settings.connect_timeout_s)
        self._http = gateway_http_client(timeout)

    def send(self, frame: OutFrame) -> Outcome:
        key = self._keys(frame.camera_id)
        if key is None:
            return Outcome("rejected", detail=f"camera {frame.camera_id} is no longer configured")
        headers = {
            **jpeg_headers(key, frame.capture_time_rfc3339),
            "X-Camera-Id": frame.camera_id,
            "Idempotency-Key": frame.idempotency_key,
        }
        try:
            resp = self._http.post(self.url, content=frame.jpeg, headers=headers)
        except httpx.HTTPError as exc:
            return Outcome("retry", detail=f"{type(exc).__name__}: {exc}")
        status = resp.status_code
        if 200 <= status < 300:
            return Outcome("accepted", status)
        if 400 <= status < 500 and status != 429:
            return Outcome("rejected", status, None, resp.text[:300])
        # 5xx, 429, and anything unexpected (a redirect, 1xx): kept and retried, never dropped
        detail = resp.text[:200]
        if 300 <= status < 400:
            detail = f"redirect to {resp.headers.get('Location', '?')} (check gateway_url)"
        return Outcome("retry", status, parse_retry_after(resp.headers.get("Retry-After")), detail)

    def close(self) -> None:
        self._http.close()


class Delivery:
    """One thread that delivers frames in order; see the module docstring."""

    def __init__(
        self, client: GatewayClient, spool: Spool, metrics: IngestMetrics, settings: AgentSettings
    ) -> None:
        self.client = client
        self.spool = spool
        self.metrics = metrics
        self.s = settings
        self._pending: deque[OutFrame] = deque()
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._down_until = 0.0
        self._failures = 0
        self.last_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="varta-delivery", daemon=True)
        self._update_gauges()

    # ------------------------------------------------------------------------------------------ producers

    def submit(self, frame: OutFrame) -> None:
        with self._cond:
            if len(self.spool) or self._failures:
                self._to_spool([*self._pending, frame])
                self._pending.clear()
            elif len(self._pending) >= self.s.pending_max:
                log.info(
                    "delivery is behind (%s frames waiting): moving them to the spool", len(self._pending)
                )
                self._to_spool([*self._pending, frame])
                self._pending.clear()
            else:
                self._pending.append(frame)
            self._cond.notify_all()

    def _to_spool(self, frames: list[OutFrame]) -> None:
        self.spool.append_many(frames)
        for f in frames:
            self.metrics.frames_spooled.labels(f.camera_id).inc()
        self._update_gauges()

    def _update_gauges(self) -> None:
        self.metrics.spool_records.set(len(self.spool))
        self.metrics.spool_bytes.set(self.spool.bytes)
        self.metrics.spool_disk_full.set(1 if self.spool.disk_full else 0)

    def idle(self) -> bool:
        with self._cond:
            return not self._pending and not len(self.spool)

    # ------------------------------------------------------------------------------------------ worker

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop sending; frames still in memory go to the spool so a restart replays them."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout)
        with self._cond:
            if self._pending:
                self._to_spool(list(self._pending))
                self._pending.clear()
        self.client.close()

    def _next(self) -> tuple[OutFrame, int | None] | None:
        """The next frame to send and its spool id (None when it comes from memory)."""
        with self._cond:
            while not self._stop.is_set():
                wait = self._down_until - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                if len(self.spool):
                    rec = self.spool.peek()
                    if rec is not None:
                        return rec.frame, rec.id
                    self._update_gauges()
                    continue
                if self._pending:
                    return self._pending[0], None
                self._cond.wait(1.0)
        return None

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if not self._deliver_one():
                    return
            except Exception as exc:  # never die silently: log, show in health, go on after a pause
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.exception("delivery: unexpected error; going on in %.0fs", _CRASH_PAUSE_S)
                self._stop.wait(_CRASH_PAUSE_S)

    def _deliver_one(self) -> bool:
        item = self._next()
        if item is None:
            return False
        frame, spool_id = item
        started = time.monotonic()
        outcome = self.client.send(frame)
        self.metrics.send_seconds.observe(time.monotonic() - started)
        self._settle(frame, spool_id, outcome)
        return True

    def _settle(self, frame: OutFrame, spool_id: int | None, outcome: Outcome) -> None:
        cam = frame.camera_id
        with self._cond:
            if outcome.kind == "retry":
                self._on_failure(outcome)
                if spool_id is None and self._pending and self._pending[0] is frame:
                    self._to_spool(list(self._pending))
                    self._pending.clear()
                return
            if spool_id is not None:
                self.spool.remove(spool_id)
            elif self._pending and self._pending[0] is frame:
                self._pending.popleft()
            else:  # moved to the spool while in flight (queue overflow): it is done, take it out again
                rec = self.spool.peek()
                if rec is not None and rec.frame.idempotency_key == frame.idempotency_key:
                    self.spool.remove(rec.id)
            self._update_gauges()
            if self._failures:
                log.info("gateway reachable again; %s frame(s) left in the spool", len(self.spool))
            self._failures = 0
            self.metrics.gateway_up.set(1)
        if outcome.kind == "accepted":
            self.metrics.frames_sent.labels(cam).inc()
        else:
            self.metrics.frames_rejected.labels(cam).inc()
            log.warning(
                "gateway rejected frame %s of camera %s: HTTP %s %s",
                frame.idempotency_key,
                cam,
                outcome.status,
                outcome.detail,
            )

    def _on_failure(self, outcome: Outcome) -> None:
        self._failures += 1
        self.metrics.gateway_up.set(0)
        if outcome.retry_after is not None:
            delay = min(outcome.retry_after, self.s.max_retry_after_s)
        else:
            base = min(self.s.backoff_max_s, self.s.backoff_initial_s * 2 ** min(self._failures - 1, 20))
            delay = base * (0.5 + random.random() / 2)
        self._down_until = time.monotonic() + delay
        log.warning(
            "gateway unavailable (%s: %s); retry in %.1fs, %s frame(s) spooled",
            outcome.status or "no answer",
            outcome.detail[:120],
            delay,
            len(self.spool),
        )
