"""A recording stand-in for the gateway's frame endpoint, for the ingest delivery tests.

Implements the contract the agent relies on: ``POST /v1/frames`` with a raw JPEG body, Bearer camera
key, X-Camera-Id, X-Capture-Time (RFC 3339 with timezone) and Idempotency-Key (1..128 chars).
200 accepts (``"duplicate": true`` for a key seen before, also across restarts: arrivals are
appended to a JSONL file and fsynced before the answer), 400/401 for bad frames, and a scripted
status (e.g. 503 with Retry-After) when told to fail. Run in a thread (``serve``) or as a process.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class Recorder:
    def __init__(self, record: Path, keys: dict[str, str], save_dir: Path | None = None) -> None:
        self.record = record
        self.keys = keys
        self.save_dir = save_dir
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        self.fail_status: int | None = None
        self.retry_after: str | None = None
        self.duplicates = 0
        self.rejected = 0
        self.attempts: list[float] = []
        if record.exists():
            self.seen.update(entry["key"] for entry in self.arrivals())

    def arrivals(self) -> list[dict[str, Any]]:
        """Every arrival recorded so far. A test reads the file while the server appends to it: a last
        line not yet ended by its newline is still being written and is left for the next read."""
        if not self.record.exists():
            return []
        complete = self.record.read_text().split("\n")[:-1]
        return [json.loads(line) for line in complete if line.strip()]

    def handle(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.attempts.append(time.monotonic())
        if self.fail_status is not None:
            extra = {"Retry-After": self.retry_after} if self.retry_after else {}
            return self.fail_status, {"error": "unavailable"}, extra
        cam = headers.get("X-Camera-Id", "")
        auth = headers.get("Authorization", "")
        if cam not in self.keys or auth != f"Bearer {self.keys[cam]}":
            return 401, {"error": "unauthorized"}, {}
        key = headers.get("Idempotency-Key", "")
        ts = headers.get("X-Capture-Time", "")
        try:
            capture = datetime.fromisoformat(ts)
        except ValueError:
            capture = None
        bad = (
            not 1 <= len(key) <= 128
            or capture is None
            or capture.tzinfo is None
            or headers.get("Content-Type") != "image/jpeg"
            or not body.startswith(b"\xff\xd8")
        )
        if bad:
            with self.lock:
                self.rejected += 1
            return 400, {"error": "bad_frame"}, {}
        with self.lock:
            if key in self.seen:
                self.duplicates += 1
                return 200, {"duplicate": True}, {}
            entry = {
                "key": key,
                "camera": cam,
                "capture_time": ts,
                "size": len(body),
                "sha1": hashlib.sha1(body).hexdigest(),
                "t": time.time(),
            }
            if self.save_dir is not None:
                self.save_dir.mkdir(parents=True, exist_ok=True)
                (self.save_dir / f"{len(self.seen):06d}.jpg").write_bytes(body)
            with self.record.open("a") as fh:
                fh.write(json.dumps(entry) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            self.seen.add(key)
        return 200, {"duplicate": False}, {}


def make_server(recorder: Recorder, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path != "/v1/frames":
                status, payload, extra = 404, {"error": "not_found"}, dict[str, str]()
            else:
                status, payload, extra = recorder.handle(self.headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    return server


def serve(recorder: Recorder, port: int) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = make_server(recorder, port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--record", type=Path, required=True)
    p.add_argument("--key", action="append", default=[], help="camera=key")
    args = p.parse_args()
    keys = dict(k.split("=", 1) for k in args.key)
    server = make_server(Recorder(args.record, keys), args.port)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
