"""HTTP snapshot cameras: one JPEG per request, with basic or digest auth.

Works with Hikvision ISAPI (``http://IP/ISAPI/Streaming/channels/101/picture``, digest auth) and
any camera with a snapshot URL. The worker calls ``read`` at the camera's fps; failures back off.
"""

from __future__ import annotations

import logging
import threading

import httpx
import numpy as np

from recognizers.common.image import decode_image
from recognizers.common.image_errors import ImageError
from recognizers.common.limits import DEFAULT_MAX_PIXELS, ImageLimits
from services.ingest.config import HttpSnapshotSource
from services.ingest.frames import RawFrame, utcnow
from services.ingest.metrics import CameraHealth
from services.ingest.sources.base import Backoff, sleep

log = logging.getLogger(__name__)


def decode_frame(data: bytes) -> np.ndarray:
    """A camera's picture as BGR, or ``ImageError`` (code, English, Ukrainian): empty, not an image,
    or a header claiming more pixels than the recognizers take. That is checked before decoding: a
    few hundred bytes can claim a 20000x20000 frame, which takes 1.2 GB and seconds to decode. The
    bytes are bounded by each source (a push camera's ``max_bytes``)."""
    return decode_image(data, ImageLimits(max_bytes=max(len(data), 1), max_pixels=DEFAULT_MAX_PIXELS))


def decode_jpeg(data: bytes) -> np.ndarray | None:
    """``decode_frame``, or None for a picture it refuses."""
    try:
        return decode_frame(data)
    except ImageError:
        return None


class HttpSnapshotReader:
    paced_by_agent = True

    def __init__(self, camera_id: str, cfg: HttpSnapshotSource, health: CameraHealth) -> None:
        self.camera_id = camera_id
        self.cfg = cfg
        self.health = health
        self._stop = threading.Event()
        self._backoff = Backoff(1.0, cfg.backoff_max_s)
        auth: httpx.Auth | None = None
        password = cfg.password.get_secret_value() if cfg.password else ""
        if cfg.auth == "basic" and cfg.username:
            auth = httpx.BasicAuth(cfg.username, password)
        elif cfg.auth == "digest" and cfg.username:
            auth = httpx.DigestAuth(cfg.username, password)
        self._http = httpx.Client(auth=auth, timeout=cfg.timeout_s, verify=cfg.verify_tls)

    @property
    def finished(self) -> bool:
        return False

    def start(self) -> None:
        return None

    def close(self) -> None:
        self._stop.set()
        self._http.close()

    def read(self, timeout: float) -> RawFrame | None:
        result, permanent = self._fetch()
        if isinstance(result, RawFrame):
            self._backoff.reset()
            self.health.ok()
            return result
        self.health.failure(result, permanent=permanent)
        delay = self._backoff.next_delay()
        log.warning("camera %s: snapshot failed: %s; next try in %.1fs", self.camera_id, result, delay)
        sleep(self._stop, delay)
        return None

    def _fetch(self) -> tuple[RawFrame | str, bool]:
        try:
            resp = self._http.get(self.cfg.url)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}", False
        if resp.status_code in (401, 403):
            return f"HTTP {resp.status_code}: check username and password", True
        if resp.status_code != 200:
            return f"HTTP {resp.status_code}", False
        image = decode_jpeg(resp.content)
        if image is None:
            return f"answer is not an image ({resp.headers.get('content-type', '?')})", False
        return RawFrame(image, utcnow()), False
