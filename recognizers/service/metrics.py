"""Prometheus metrics of one recognizer service, in a registry of its own (never the global one)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

STAGE_BUCKETS = (0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.12, 0.2, 0.3, 0.5, 0.8, 1.2, 2.0, 5.0, 10.0)


class ServiceMetrics:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.registry = CollectorRegistry()
        self.stage_seconds = Histogram(
            "varta_recognizer_stage_seconds",
            "Latency of one stage of POST /v1/recognize: read, queue, decode, infer, total",
            ["kind", "stage"],
            buckets=STAGE_BUCKETS,
            registry=self.registry,
        )
        self.requests = Counter(
            "varta_recognizer_requests",
            "Requests by route and HTTP status",
            ["kind", "route", "status"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "varta_recognizer_in_flight",
            "Recognition requests admitted (running or waiting for a worker)",
            ["kind"],
            registry=self.registry,
        )
        self.ready = Gauge(
            "varta_recognizer_ready",
            "1 once the model is loaded and warmed up",
            ["kind"],
            registry=self.registry,
        )
        self.objects = Counter(
            "varta_recognizer_objects",
            "Plates or faces found",
            ["kind"],
            registry=self.registry,
        )

    def observe_stages(self, timings_ms: dict[str, float]) -> None:
        for stage, ms in timings_ms.items():
            self.stage_seconds.labels(self.kind, stage).observe(ms / 1000.0)

    def set_in_flight(self, n: int) -> None:
        self.in_flight.labels(self.kind).set(n)

    def render(self) -> bytes:
        return generate_latest(self.registry)
