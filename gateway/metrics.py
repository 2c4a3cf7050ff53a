"""Prometheus metrics of one gateway app, in a registry of its own on ``AppContext`` (never the global one).

Labels carry no personal data: camera ids, outcomes, stages, recognizer names, reason codes and kinds
only; never plate texts, person labels or watchlist names. ``GET /metrics`` answers without a key:
a deployment must not expose it publicly (keep it on loopback or an internal network; block it at
the reverse proxy).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from gateway.errors import DomainError, status_of
from recognizers.common.image_errors import ImageError

if TYPE_CHECKING:
    from gateway.context import AppContext

log = logging.getLogger(__name__)

STAGE_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.12, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 5.0, 10.0)
OUTCOMES = (
    "ok",
    "duplicate",
    "rejected_4xx",
    "client_closed_499",
    "unavailable_503",
    "busy_503",
    "error_5xx",
)


def outcome_of(exc: Exception) -> str:
    """The outcome label of a frame whose handling raised ``exc``."""
    if isinstance(exc, DomainError):
        status = status_of(exc)
        if status == 503:
            return "busy_503" if exc.code == "gateway_busy" else "unavailable_503"
        return "rejected_4xx" if 400 <= status < 500 else "error_5xx"
    if isinstance(exc, ImageError):
        return "rejected_4xx"
    if isinstance(exc, ClientDisconnect):  # the camera left before its frame arrived
        return "client_closed_499"
    if isinstance(exc, PoolTimeout):  # answered 503 database_busy (gateway.errors)
        return "unavailable_503"
    if isinstance(exc, StarletteHTTPException) and 400 <= exc.status_code < 500:
        return "rejected_4xx"
    return "error_5xx"


@dataclass
class FrameOutcome:
    """Set by the frames route once the frame is answered with 200."""

    duplicate: bool = False


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.frames = Counter(
            "varta_gateway_frames",
            "Frames posted by authenticated camera keys, by the key's camera and outcome",
            ["camera", "outcome"],
            registry=r,
        )
        self.stage_seconds = Histogram(
            "varta_gateway_frame_stage_seconds",
            "Latency of one stage of a processed frame: prepare, decode, plates, faces, recognize "
            "(both recognizers, concurrently), wait_camera, match, store, audit, total",
            ["stage"],
            buckets=STAGE_BUCKETS,
            registry=r,
        )
        self.skipped = Counter(
            "varta_gateway_recognizer_skipped",
            "Processed frames on which a recognizer did not run, by recognizer and reason code",
            ["recognizer", "reason"],
            registry=r,
        )
        self.alerts = Counter("varta_gateway_alerts", "Alerts raised, by kind", ["kind"], registry=r)
        self.static_plates = Counter(
            "varta_gateway_static_plate_reads",
            "Plate reads left out as a camera's static text (a burnt-in name, a sign), by camera",
            ["camera"],
            registry=r,
        )
        self.letters_only = Counter(
            "varta_gateway_letters_only_reads",
            "Plate reads of letters only (a word on a vehicle) matching no watchlist, left out, by camera",
            ["camera"],
            registry=r,
        )
        self.in_flight = Gauge(
            "varta_gateway_frames_in_flight", "Frames in the works (admitted, not yet answered)", registry=r
        )
        self.finer_looks = Counter(
            "varta_gateway_plate_finer_looks",
            "Frames for which the plate recognizer was asked for its finer look (PLATES_FINER_LOOK)",
            registry=r,
        )
        self.watchlist_entries = Gauge(
            "varta_gateway_watchlist_entries", "Watchlist entries stored, by kind", ["kind"], registry=r
        )
        self.face_templates = Gauge(
            "varta_gateway_face_index_templates", "Face templates in the face index", registry=r
        )

    @contextmanager
    def frame_outcome(self, camera_id: str) -> Iterator[FrameOutcome]:
        """Count one posted frame by how its handling ended (an exception is re-raised untouched)."""
        seen = FrameOutcome()
        try:
            yield seen
        except Exception as exc:
            self.frames.labels(camera_id, outcome_of(exc)).inc()
            raise
        self.frames.labels(camera_id, "duplicate" if seen.duplicate else "ok").inc()

    def observe_frame(
        self,
        timings_ms: Mapping[str, float],
        skipped: Mapping[str, str],
        alert_kinds: list[str],
        camera_id: str,
        static_plates: int,
        letters_only: int = 0,
    ) -> None:
        """A processed (not duplicate) frame: stage latencies, skip reason codes, new alerts, and the
        plate reads left out (the camera's static text; letters only, matching nothing)."""
        for stage, ms in timings_ms.items():
            self.stage_seconds.labels(stage).observe(ms / 1000.0)
        for recognizer, reason in skipped.items():
            self.skipped.labels(recognizer, reason).inc()
        for kind in alert_kinds:
            self.alerts.labels(kind).inc()
        if static_plates:
            self.static_plates.labels(camera_id).inc(static_plates)
        if letters_only:
            self.letters_only.labels(camera_id).inc(letters_only)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def refresh_state(ctx: AppContext) -> None:
    """Gauges read at scrape time (blocking: run in a thread): watchlist entries, face index size."""
    from sqlalchemy import func, select

    from gateway.db.models import PersonEntry, PlateEntry

    metrics: GatewayMetrics = ctx.metrics
    try:
        with ctx.sessions() as session:
            for kind, model in (("plates", PlateEntry), ("persons", PersonEntry)):
                n = session.scalar(select(func.count()).select_from(model)) or 0
                metrics.watchlist_entries.labels(kind).set(n)
    except Exception as exc:  # a scrape must not fail because the database hiccups
        log.warning("metrics: watchlist entries not counted: %s", exc)
    index: Any = ctx.face_index
    if index is not None:
        try:
            metrics.face_templates.set(index.count())
        except Exception as exc:
            log.warning("metrics: face index size not read: %s", exc)


def render_metrics(ctx: AppContext) -> bytes:
    refresh_state(ctx)
    return ctx.metrics.render()
