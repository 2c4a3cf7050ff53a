"""Low-rate live preview for residents: ``POST {gateway}/v1/cameras/{id}/preview``.

Every ``preview_every_s`` seconds per camera with previews on, the latest frame read from that
camera is privacy-masked (the whole frame, with the same mask geometry as the frames sent for
recognition), scaled so its long side is at most ``preview_max_side``, encoded as JPEG (quality 70)
and POSTed with the camera's Bearer key and ``X-Capture-Time``. Motion gating does not apply.

Best-effort by design: a preview is never spooled (a stale picture is worthless) and retried at most
once (connection error or 5xx). One thread for all cameras, with its own short-timeout HTTP client,
so a slow or failing preview endpoint never delays frame delivery; the camera workers only hand
over a reference to the frame they have just read.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

import cv2
import httpx
import numpy as np
from pydantic import SecretStr

from services.ingest.config import AgentSettings, Camera
from services.ingest.frames import RawFrame
from services.ingest.metrics import IngestMetrics
from services.ingest.processing import build_geometry
from services.ingest.sender import gateway_http_client, jpeg_headers

log = logging.getLogger(__name__)

PREVIEW_JPEG_QUALITY = 70
PREVIEW_MAX_BYTES = 1024 * 1024  # the gateway answers 413 above this
RETRY_DELAY_S = 0.5
CONNECT_TIMEOUT_S = 2.0
SEND_TIMEOUT_S = 5.0


class LatestFrame:
    """The newest frame a camera worker read; the worker puts, the preview thread takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frame: RawFrame | None = None
        self._count = 0

    def put(self, frame: RawFrame) -> None:
        with self._lock:
            self._frame = frame
            self._count += 1

    def newer_than(self, count: int) -> tuple[int, RawFrame] | None:
        """The latest frame and its number, if one arrived after frame number ``count``."""
        with self._lock:
            if self._frame is None or self._count <= count:
                return None
            return self._count, self._frame


class PreviewEncoder:
    """Mask -> downscale -> JPEG for one camera (masks are applied at full resolution first)."""

    def __init__(self, cam: Camera) -> None:
        self.cam = cam
        self._keep: np.ndarray | None = None
        self._shape: tuple[int, ...] = ()

    def masked(self, image: np.ndarray) -> np.ndarray:
        """The whole frame with the camera's privacy masks blacked out (a new array when masks apply)."""
        if image.shape != self._shape:
            h, w = image.shape[:2]
            self._keep = build_geometry(w, h, None, self.cam.privacy_masks).keep
            self._shape = image.shape
        if self._keep is None:
            return image
        return cv2.bitwise_and(image, image, mask=self._keep)

    def image(self, image: np.ndarray) -> np.ndarray:
        out = self.masked(image)
        h, w = out.shape[:2]
        side = self.cam.preview_max_side
        if max(h, w) > side:
            scale = side / max(h, w)
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            out = cv2.resize(out, size, interpolation=cv2.INTER_AREA)
        return out

    def encode(self, image: np.ndarray) -> bytes:
        small = self.image(image)
        for quality in (PREVIEW_JPEG_QUALITY, 50):
            ok, buf = cv2.imencode(".jpg", small, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
            if not ok:
                raise RuntimeError("JPEG encoding failed")
            if len(buf) <= PREVIEW_MAX_BYTES:
                return buf.tobytes()
        raise RuntimeError(f"preview is {len(buf)} bytes even at quality 50 (limit {PREVIEW_MAX_BYTES})")


@dataclass(slots=True)
class _Slot:
    cam: Camera
    latest: LatestFrame
    encoder: PreviewEncoder
    every: float
    due: float = 0.0
    sent_count: int = 0
    last_problem: str | None = None


class PreviewSender:
    """One thread sending the previews of every camera that has them on."""

    def __init__(
        self,
        cameras: list[tuple[Camera, LatestFrame]],
        settings: AgentSettings,
        keys: Callable[[str], SecretStr | None],
        metrics: IngestMetrics,
    ) -> None:
        self.base_url = settings.gateway_url.rstrip("/")
        self._keys = keys
        self.metrics = metrics
        self._slots: list[_Slot] = []
        for cam, latest in cameras:
            assert cam.preview_every_s is not None
            self._slots.append(_Slot(cam, latest, PreviewEncoder(cam), cam.preview_every_s))
        timeout = httpx.Timeout(
            min(SEND_TIMEOUT_S, settings.send_timeout_s),
            connect=min(CONNECT_TIMEOUT_S, settings.connect_timeout_s),
        )
        self._http = gateway_http_client(timeout)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="varta-preview", daemon=True)

    def start(self) -> None:
        now = time.monotonic()
        for slot in self._slots:
            slot.due = now
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._http.close()

    def _run(self) -> None:
        while self._slots and not self._stop.is_set():
            slot = min(self._slots, key=lambda s: s.due)
            if self._stop.wait(max(0.0, slot.due - time.monotonic())):
                return
            taken = slot.latest.newer_than(slot.sent_count)
            if taken is None:  # nothing new read since the last preview: look again soon
                slot.due = time.monotonic() + min(0.25, slot.every)
                continue
            slot.sent_count, frame = taken
            slot.due += slot.every
            if slot.due < time.monotonic():  # fell behind (slow gateway): no burst to catch up
                slot.due = time.monotonic() + slot.every
            try:
                self._send(slot, frame)
            except Exception:  # a preview must never take the agent down
                log.exception("camera %s: preview failed", slot.cam.id)
                self.metrics.preview_failures.labels(slot.cam.id).inc()

    def _send(self, slot: _Slot, frame: RawFrame) -> None:
        cid = slot.cam.id
        key = self._keys(cid)
        if key is None:
            self._failed(slot, "camera is no longer configured")
            return
        try:
            jpeg = slot.encoder.encode(frame.image)
        except (RuntimeError, cv2.error) as exc:
            self._failed(slot, f"cannot encode: {exc}")
            return
        capture = frame.capture_time
        if capture.tzinfo is None:
            capture = capture.replace(tzinfo=UTC)
        url = f"{self.base_url}/v1/cameras/{cid}/preview"
        headers = jpeg_headers(key, capture.isoformat(timespec="microseconds"))
        problem = ""
        for attempt in range(2):  # at most one retry, and only when the gateway may answer next time
            if attempt and self._stop.wait(RETRY_DELAY_S):
                break
            try:
                resp = self._http.post(url, content=jpeg, headers=headers)
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
                continue
            if resp.status_code in (200, 204):
                self.metrics.previews_sent.labels(cid).inc()
                if slot.last_problem is not None:
                    log.info("camera %s: previews delivered again", cid)
                    slot.last_problem = None
                return
            problem = f"HTTP {resp.status_code} {resp.text[:200]}"
            if resp.status_code < 500:
                break
        self._failed(slot, problem)

    def _failed(self, slot: _Slot, problem: str) -> None:
        self.metrics.preview_failures.labels(slot.cam.id).inc()
        # log each new kind of problem once, not every few seconds
        kind = problem.split(" ", 2)[:2]
        if slot.last_problem is None or slot.last_problem.split(" ", 2)[:2] != kind:
            log.warning("camera %s: preview not delivered: %s", slot.cam.id, problem)
        slot.last_problem = problem
