"""The agent: wires configuration, sources, workers, delivery, spool and the HTTP port together."""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
import time
from typing import Any

from services.ingest.config import Camera, IngestConfig
from services.ingest.metrics import CameraHealth, HealthState, IngestMetrics
from services.ingest.preview import LatestFrame, PreviewSender
from services.ingest.sender import Delivery, GatewayClient
from services.ingest.sources import build_source
from services.ingest.sources.push import PushReceiver
from services.ingest.spool import Spool, SpoolError
from services.ingest.worker import CameraWorker

log = logging.getLogger(__name__)

HTTP_START_TIMEOUT_S = 15.0


class AgentStartError(Exception):
    """The agent cannot start (e.g. its HTTP port): one line in English and Ukrainian."""

    def __init__(self, en: str, uk: str) -> None:
        super().__init__(f"{en} / {uk}")
        self.en, self.uk = en, uk


class _ErrorCatcher(logging.Handler):
    """Keeps the last ERROR uvicorn logs while it starts (why a bind failed)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.last = record.getMessage()


class Agent:
    def __init__(self, cfg: IngestConfig) -> None:
        self.cfg = cfg
        self.metrics = IngestMetrics()
        s = cfg.agent
        try:
            self.spool = Spool(s.spool.path, s.spool.max_bytes, s.spool.max_records, on_drop=self._on_drop)
        except (SpoolError, OSError, sqlite3.Error) as exc:
            raise AgentStartError(
                f"agent.spool.path: cannot open the spool {s.spool.path}: {exc}",
                f"agent.spool.path: не вдалося відкрити спул {s.spool.path} "
                "(перевірте шлях, права доступу та вільне місце)",
            ) from None
        keys = {c.id: c.key for c in cfg.cameras}
        self.delivery = Delivery(GatewayClient(s, keys.get), self.spool, self.metrics, s)
        self.health: dict[str, CameraHealth] = {}
        self.workers: list[CameraWorker] = []
        self.push_receivers: dict[str, PushReceiver] = {}
        self._shared: dict[str, Any] = {}
        self._server: Any = None
        self._server_thread: threading.Thread | None = None
        self._stop = threading.Event()
        previews: list[tuple[Camera, LatestFrame]] = []
        for cam in cfg.cameras:
            if not cam.enabled:
                continue
            health = self.health[cam.id] = CameraHealth(cam.id, self.metrics)
            source = build_source(cam, cfg, health, self.metrics, self._shared)
            if isinstance(source, PushReceiver):
                self.push_receivers[cam.id] = source
            latest = None
            if cam.preview_every_s is not None:
                latest = LatestFrame()
                previews.append((cam, latest))
            self.workers.append(CameraWorker(cam, source, self.delivery, self.metrics, latest, health))
        self.previews = PreviewSender(previews, s, keys.get, self.metrics) if previews else None

    def _on_drop(self, camera_id: str, n: int) -> None:
        self.metrics.frames_dropped.labels(camera_id).inc(n)

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self, serve_http: bool = True) -> None:
        """Start everything; raises AgentStartError (nothing left running) when the HTTP port fails."""
        if serve_http:
            self._start_http()
        self.delivery.start()
        if self.previews is not None:
            self.previews.start()
        for w in self.workers:
            w.start()
        log.info(
            "ingest agent started: %s camera(s), gateway %s, spool %s (%s frames waiting)",
            len(self.workers),
            self.cfg.agent.gateway_url,
            self.spool.path,
            len(self.spool),
        )

    def _start_http(self) -> None:
        import uvicorn

        from services.ingest.httpapp import create_app

        h = self.cfg.agent.http
        config = uvicorn.Config(
            create_app(self),
            host=h.host,
            port=h.port,
            log_level="warning",
            access_log=False,
            log_config=None,  # uvicorn's lines go through the agent's logging, in its format
        )
        self._server = uvicorn.Server(config)
        errors = _ErrorCatcher()
        uv_log = logging.getLogger("uvicorn.error")
        uv_log.addHandler(errors)
        uv_log.propagate = False  # a bind error is reported once, by AgentStartError
        try:
            self._server_thread = threading.Thread(target=self._serve, name="ingest-http", daemon=True)
            self._server_thread.start()
            deadline = time.monotonic() + HTTP_START_TIMEOUT_S
            while not self._server.started and self._server_thread.is_alive():
                if time.monotonic() > deadline:
                    break
                time.sleep(0.02)
        finally:
            uv_log.removeHandler(errors)
            uv_log.propagate = True
        if not self._server.started:
            self._server.should_exit = True
            self._server_thread.join(5)
            self._server = self._server_thread = None
            why = errors.last or "the server did not start in time"
            raise AgentStartError(
                f"agent.http: cannot listen on {h.host}:{h.port}: {why}",
                f"agent.http: не вдалося відкрити {h.host}:{h.port} для /healthz, /metrics і push "
                "(порт зайнятий або адреса недійсна)",
            )

    def _serve(self) -> None:
        try:
            self._server.run()
        except SystemExit:  # uvicorn's answer to a port it cannot open; _start_http reports it
            return

    def stop(self) -> None:
        self._stop.set()
        for w in self.workers:
            w.stop()
        if self.previews is not None:
            self.previews.stop()
        self.delivery.stop()
        if self._server is not None:
            self._server.should_exit = True
            if self._server_thread is not None:
                self._server_thread.join(10)
        self._close_shared()
        self.spool.close()
        log.info("ingest agent stopped")

    def _close_shared(self) -> None:
        for obj in self._shared.values():
            close = getattr(obj, "close", None)
            if close is not None:
                close()

    def done(self) -> bool:
        """All sources finished (files that do not loop) and nothing is left to deliver."""
        return all(w.done for w in self.workers) and self.delivery.idle()

    def run(self, exit_when_done: bool = False) -> int:
        """Run until SIGTERM/SIGINT (or, with ``exit_when_done``, until everything is delivered)."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self._stop.set())
        try:
            self.start()
        except AgentStartError:  # nothing else was started: close what the constructor opened
            self.delivery.client.close()
            self._close_shared()
            self.spool.close()
            raise
        try:
            while not self._stop.wait(0.5):
                if exit_when_done and self.done():
                    break
        finally:
            self.stop()
        failed = sorted(cid for cid, h in self.health.items() if h.state == HealthState.FAILED)
        if exit_when_done and failed:
            log.error("camera(s) %s failed: see the errors above", ", ".join(failed))
            return 1
        return 0

    def health_report(self) -> dict[str, object]:
        cams = {cid: h.snapshot() for cid, h in self.health.items()}
        good = {HealthState.STREAMING.value, HealthState.FINISHED.value}
        degraded = any(c["state"] not in good for c in cams.values())
        delivering = self.delivery.running
        degraded = degraded or self.spool.disk_full or not delivering
        return {
            "status": "degraded" if degraded else "ok",
            "cameras": cams,
            "spool": {
                "records": len(self.spool),
                "bytes": self.spool.bytes,
                "dropped": self.spool.dropped_total,
                "disk_full": self.spool.disk_full,
                "last_error": self.spool.last_error,
            },
            "delivery": {"running": delivering, "last_error": self.delivery.last_error},
            "time": time.time(),
        }
