"""EZVIZ Open Platform (cloud) snapshots.

Flow, as documented by EZVIZ (open.ezvizlife.com, "HTTP API"):
- ``POST /api/lapp/token/get`` (form: appKey, appSecret) -> ``data.accessToken``, ``data.expireTime``
  (milliseconds since the epoch; tokens live about seven days) and ``data.areaDomain`` (the API host
  of the account's region, used for every later call). Renewed ``renew_before_s`` before expiry.
- ``POST {areaDomain}/api/lapp/device/capture`` (accessToken, deviceSerial, channelNo) ->
  ``data.picUrl``, a short-lived URL of a fresh JPEG, fetched with a plain GET.
- ``POST {areaDomain}/api/lapp/device/list`` (accessToken, pageStart, pageSize <= 50) -> ``data[]``
  with deviceSerial, deviceName, deviceType, status (1 online) and ``page.total``.
Every answer carries ``code`` ("200" = success) and ``msg``. Code 10002 (token invalid or expired)
renews the token and retries the call once. Note for deployments: cloud snapshots pass through
EZVIZ's servers, which matters for personal data; prefer local RTSP where the camera offers it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from services.ingest.config import EzvizAccount, EzvizCloudSource
from services.ingest.frames import RawFrame, utcnow
from services.ingest.metrics import CameraHealth
from services.ingest.sources.base import Backoff, sleep
from services.ingest.sources.http_snapshot import decode_jpeg

log = logging.getLogger(__name__)

# code -> (kind, meaning). Kinds: token (renew + retry once), params/auth/device (configuration is
# wrong: camera goes to "failed"), rate_limited (long backoff), offline/timeout/network/server/capture
# (transient: backoff and retry).
ERROR_CODES: dict[str, tuple[str, str]] = {
    "10001": ("params", "parameter empty or malformed"),
    "10002": ("token", "accessToken invalid or expired"),
    "10005": ("auth", "appKey is frozen"),
    "10013": ("auth", "the application has no permission for this API"),
    "10017": ("auth", "appKey does not exist"),
    "10028": ("rate_limited", "API call limit reached"),
    "10029": ("rate_limited", "API call frequency limit exceeded"),
    "10030": ("auth", "appKey and appSecret do not match"),
    "20002": ("device", "device does not exist"),
    "20006": ("network", "network exception between cloud and device"),
    "20007": ("offline", "device is offline"),
    "20008": ("timeout", "device did not answer in time"),
    "20014": ("device", "illegal deviceSerial"),
    "20018": ("device", "device does not belong to this account"),
    "20032": ("device", "channel does not exist"),
    "49999": ("server", "EZVIZ data exception"),
    "60017": ("capture", "the device failed to capture a picture"),
}
PERMANENT_KINDS = {"params", "auth", "device"}
RATE_LIMIT_MIN_DELAY_S = 60.0


class EzvizError(Exception):
    def __init__(self, code: str, msg: str) -> None:
        self.code = code
        self.kind, meaning = ERROR_CODES.get(code, ("other", "unknown EZVIZ error"))
        super().__init__(f"EZVIZ code {code}: {meaning} ({msg})")

    @property
    def permanent(self) -> bool:
        return self.kind in PERMANENT_KINDS


def _object(value: Any, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object (None counts as an empty one), else a malformed-answer error."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EzvizError("49999", f"{what} is malformed: expected an object, got {type(value).__name__}")
    return value


@dataclass(slots=True, frozen=True)
class EzvizDevice:
    serial: str
    name: str
    type: str
    online: bool


class EzvizClient:
    """One per EZVIZ account, shared by its cameras; thread-safe."""

    def __init__(self, account: EzvizAccount, http: httpx.Client | None = None) -> None:
        self.account = account
        self._http = http or httpx.Client(timeout=account.timeout_s)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_ms = 0
        self._domain = account.api_url.rstrip("/")
        self.token_renewals = 0

    def close(self) -> None:
        self._http.close()

    # ------------------------------------------------------------------------------------------ token

    def _token_valid(self) -> bool:
        renew_at_ms = self._expires_ms - self.account.renew_before_s * 1000
        return self._token is not None and time.time() * 1000 < renew_at_ms

    def access_token(self, force: bool = False) -> str:
        with self._lock:
            if force or not self._token_valid():
                self._renew()
            assert self._token is not None
            return self._token

    def _renew(self) -> None:
        body = self._post(
            self.account.api_url.rstrip("/") + "/api/lapp/token/get",
            {"appKey": self.account.app_key, "appSecret": self.account.app_secret.get_secret_value()},
        )
        data = _object(body.get("data"), "token answer")
        token, expires = data.get("accessToken"), data.get("expireTime")
        if not token or not isinstance(expires, int | float):
            raise EzvizError("49999", "token answer without accessToken/expireTime")
        self._token, self._expires_ms = str(token), int(expires)
        if data.get("areaDomain"):
            self._domain = str(data["areaDomain"]).rstrip("/")
        self.token_renewals += 1
        log.info(
            "EZVIZ account %s: new access token, valid until %s (epoch ms)",
            self.account.name,
            self._expires_ms,
        )

    # ------------------------------------------------------------------------------------------ calls

    def _post(self, url: str, form: dict[str, Any]) -> dict[str, Any]:
        resp = self._http.post(url, data=form)
        if resp.status_code != 200:
            raise EzvizError("49999", f"HTTP {resp.status_code} from {url.split('?')[0]}")
        try:
            body = resp.json()
        except ValueError:
            raise EzvizError("49999", "answer is not JSON") from None
        if not isinstance(body, dict):
            raise EzvizError("49999", f"answer is malformed: expected an object, got {type(body).__name__}")
        code = str(body.get("code", ""))
        if code != "200":
            raise EzvizError(code, str(body.get("msg", "")))
        return dict(body)

    def call(self, path: str, form: dict[str, Any]) -> dict[str, Any]:
        """Call an API with the access token; on 10002 renew the token and retry once."""
        token = self.access_token()
        try:
            return self._post(self._domain + path, {"accessToken": token, **form})
        except EzvizError as exc:
            if exc.code != "10002":
                raise
            log.info("EZVIZ account %s: token rejected (10002); renewing", self.account.name)
            token = self.access_token(force=True)
            return self._post(self._domain + path, {"accessToken": token, **form})

    def capture(self, device_serial: str, channel_no: int) -> bytes:
        body = self.call("/api/lapp/device/capture", {"deviceSerial": device_serial, "channelNo": channel_no})
        pic_url = _object(body.get("data"), "capture answer").get("picUrl")
        if not pic_url or not isinstance(pic_url, str):
            raise EzvizError("49999", "capture answer without picUrl")
        resp = self._http.get(str(pic_url))
        if resp.status_code != 200:
            raise EzvizError("60017", f"picUrl answered HTTP {resp.status_code}")
        return resp.content

    def devices(self, page_size: int = 50) -> list[EzvizDevice]:
        out: list[EzvizDevice] = []
        page = 0
        while True:
            body = self.call("/api/lapp/device/list", {"pageStart": page, "pageSize": page_size})
            rows = body.get("data") or []
            if not isinstance(rows, list):
                raise EzvizError("49999", "device list answer is malformed: data is not a list")
            for d in rows:
                d = _object(d, "device list answer")
                out.append(
                    EzvizDevice(
                        str(d.get("deviceSerial", "")),
                        str(d.get("deviceName", "")),
                        str(d.get("deviceType", "")),
                        str(d.get("status", 0)) == "1",
                    )
                )
            total = _object(body.get("page"), "device list answer").get("total", len(out))
            if not isinstance(total, int):
                raise EzvizError("49999", "device list answer is malformed: page.total is not a number")
            page += 1
            if not rows or len(out) >= total:
                return out


class EzvizSnapshotReader:
    paced_by_agent = True

    def __init__(
        self, camera_id: str, cfg: EzvizCloudSource, client: EzvizClient, health: CameraHealth
    ) -> None:
        self.camera_id = camera_id
        self.cfg = cfg
        self.client = client
        self.health = health
        self._stop = threading.Event()
        self._backoff = Backoff(2.0, cfg.backoff_max_s)

    @property
    def finished(self) -> bool:
        return False

    def start(self) -> None:
        return None

    def close(self) -> None:
        self._stop.set()

    def read(self, timeout: float) -> RawFrame | None:
        try:
            data = self.client.capture(self.cfg.device_serial, self.cfg.channel_no)
            image = decode_jpeg(data)
            if image is None:
                raise EzvizError("60017", "picture is not a decodable image")
        except (EzvizError, httpx.HTTPError) as exc:
            self._fail(exc)
            return None
        self._backoff.reset()
        self.health.ok()
        return RawFrame(image, utcnow())

    def _fail(self, exc: Exception) -> None:
        permanent = isinstance(exc, EzvizError) and exc.permanent
        self.health.failure(str(exc), permanent=permanent)
        delay = self._backoff.next_delay()
        if isinstance(exc, EzvizError) and exc.kind == "rate_limited":
            delay = max(delay, RATE_LIMIT_MIN_DELAY_S)
        log.warning("camera %s: EZVIZ capture failed: %s; next try in %.0fs", self.camera_id, exc, delay)
        sleep(self._stop, delay)
