"""A local stand-in for the EZVIZ Open Platform, following its documented request/answer shapes.

POST form requests, JSON answers ``{"code": "200", "msg": ..., "data": ...}``; error codes as
documented: 10001 (parameter missing), 10002 (accessToken invalid/expired), 10030 (appKey and
appSecret mismatch), 10028 (call limit), 20007 (device offline), 20008 (device timeout).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeEzviz:
    def __init__(self, app_key: str, app_secret: str, jpeg: bytes, token_ttl_s: float = 7 * 86400) -> None:
        self.app_key, self.app_secret, self.jpeg = app_key, app_secret, jpeg
        self.token_ttl_s = token_ttl_s
        self.tokens: dict[str, float] = {}  # token -> expiry (epoch s)
        self.calls: list[tuple[str, dict[str, str], str]] = []  # path, form, answered code
        self.offline: set[str] = {"OFFLINE01"}
        self.slow: set[str] = {"SLOW01"}
        self.rate_limited = False
        self.malformed: dict[str, Any] = {}
        self.devices = [
            {
                "deviceSerial": f"BD{i:07d}",
                "deviceName": f"Camera {i}",
                "deviceType": "C6N",
                "status": int(i % 3 != 0),
                "defence": 0,
                "deviceVersion": "V5.3.0 build 210101",
                "updateTime": "2026-01-01 10:00:00",
            }
            for i in range(1, 8)
        ]
        self.base = ""
        self._lock = threading.Lock()

    def revoke_all(self) -> None:
        with self._lock:
            self.tokens.clear()

    def codes(self, path: str) -> list[str]:
        return [code for p, _, code in self.calls if p == path]

    def answer(self, path: str, form: dict[str, str]) -> Any:
        if path in self.malformed:  # any JSON value, e.g. None or {"code": "200", "data": "oops"}
            self.calls.append((path, form, "malformed"))
            return self.malformed[path]
        body = self._answer(path, form)
        self.calls.append((path, form, str(body["code"])))
        return body

    def _answer(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        if path == "/api/lapp/token/get":
            if not form.get("appKey") or not form.get("appSecret"):
                return {"code": "10001", "msg": "Parameters error."}
            if form["appKey"] != self.app_key:
                return {"code": "10017", "msg": "appKey does not exist."}
            if form["appSecret"] != self.app_secret:
                return {"code": "10030", "msg": "appkey and appSecret mismatched."}
            with self._lock:
                token = f"at.{len(self.tokens) + len(self.calls)}x{int(time.time() * 1000)}"
                self.tokens[token] = time.time() + self.token_ttl_s
            return {
                "code": "200",
                "msg": "Operating succeeded!",
                "data": {
                    "accessToken": token,
                    "expireTime": int(self.tokens[token] * 1000),
                    "areaDomain": self.base,
                },
            }
        token = form.get("accessToken", "")
        with self._lock:
            expiry = self.tokens.get(token)
        if expiry is None or expiry < time.time():
            return {"code": "10002", "msg": "accessToken exception or expired."}
        if self.rate_limited:
            return {"code": "10028", "msg": "The number of calls exceeded the limit."}
        if path == "/api/lapp/device/capture":
            serial, channel = form.get("deviceSerial"), form.get("channelNo")
            if not serial or not channel:
                return {"code": "10001", "msg": "Parameters error."}
            if serial in self.offline:
                return {"code": "20007", "msg": "The device is offline."}
            if serial in self.slow:
                return {"code": "20008", "msg": "Device requesting timeout."}
            return {
                "code": "200",
                "msg": "Operating succeeded!",
                "data": {"picUrl": f"{self.base}/pic/{serial}-{channel}-{len(self.calls)}.jpg"},
            }
        if path == "/api/lapp/device/list":
            start, size = int(form.get("pageStart", 0)), min(int(form.get("pageSize", 10)), 50)
            rows = self.devices[start * size : (start + 1) * size]
            return {
                "code": "200",
                "msg": "Operating succeeded!",
                "data": rows,
                "page": {"total": len(self.devices), "page": start, "size": size},
            }
        return {"code": "10001", "msg": "unknown API"}


def serve(fake: FakeEzviz, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            data = json.dumps(fake.answer(self.path, form)).encode()
            self._send(200, "application/json", data)

        def do_GET(self) -> None:
            if self.path.startswith("/pic/"):
                self._send(200, "image/jpeg", fake.jpeg)
            else:
                self._send(404, "text/plain", b"not found")

        def _send(self, status: int, ctype: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    fake.base = f"http://127.0.0.1:{port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
