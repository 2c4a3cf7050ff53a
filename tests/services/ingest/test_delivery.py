"""Delivery over real HTTP to a recording stand-in of the gateway's frame endpoint."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import wait_for
from ingest_fake_gateway import Recorder, serve
from ingest_rtsp_server import free_port
from pydantic import SecretStr

from services.ingest.config import AgentSettings
from services.ingest.frames import OutFrame
from services.ingest.metrics import IngestMetrics
from services.ingest.sender import Delivery, GatewayClient, parse_retry_after
from services.ingest.spool import Spool

T0 = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
KEYS = {"cam": SecretStr("good-key"), "intruder": SecretStr("wrong-key")}


def frame(i: int, cam: str = "cam") -> OutFrame:
    return OutFrame(cam, T0 + timedelta(seconds=i / 5), i, b"\xff\xd8\xff\xe0" + i.to_bytes(4, "big"))


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[Recorder, int]]:
    port = free_port()
    rec = Recorder(tmp_path / "arrivals.jsonl", {"cam": "good-key", "intruder": "right-key"})
    server, _ = serve(rec, port)
    yield rec, port
    server.shutdown()
    server.server_close()


def make_delivery(tmp_path: Path, port: int, **kw: object) -> tuple[Delivery, IngestMetrics, Spool]:
    settings = AgentSettings.model_validate(
        {"gateway_url": f"http://127.0.0.1:{port}", "backoff_initial_s": 0.1, "backoff_max_s": 0.5, **kw}
    )
    metrics = IngestMetrics()
    spool = Spool(tmp_path / "spool.db", 10**9, 10**6)
    d = Delivery(GatewayClient(settings, KEYS.get), spool, metrics, settings)
    d.start()
    return d, metrics, spool


def value(metrics: IngestMetrics, name: str, cam: str = "cam") -> float:
    v = metrics.registry.get_sample_value(f"varta_ingest_{name}_total", {"camera": cam})
    return v or 0.0


def test_frames_arrive_in_order_with_contract_headers(tmp_path: Path, gateway: tuple[Recorder, int]) -> None:
    rec, port = gateway
    d, metrics, _ = make_delivery(tmp_path, port)
    frames = [frame(i) for i in range(40)]
    for f in frames:
        d.submit(f)
    wait_for(lambda: len(rec.arrivals()) == 40, 20, what="40 arrivals")
    d.stop()
    arrivals = rec.arrivals()
    assert [a["key"] for a in arrivals] == [f.idempotency_key for f in frames]
    assert [datetime.fromisoformat(a["capture_time"]) for a in arrivals] == [f.capture_time for f in frames]
    assert value(metrics, "frames_sent") == 40 and rec.duplicates == 0


def test_4xx_is_rejected_once_not_retried(tmp_path: Path, gateway: tuple[Recorder, int]) -> None:
    rec, port = gateway
    d, metrics, spool = make_delivery(tmp_path, port)
    d.submit(frame(0, cam="intruder"))  # wrong key -> 401
    d.submit(frame(1))
    wait_for(lambda: value(metrics, "frames_sent") == 1, 10, what="good frame sent")
    time.sleep(0.5)
    d.stop()
    assert value(metrics, "frames_rejected", "intruder") == 1
    assert len(rec.attempts) == 2 and len(spool) == 0
    assert [a["camera"] for a in rec.arrivals()] == ["cam"]


@pytest.mark.parametrize("status", [503, 429])
def test_unavailable_spools_honours_retry_after_and_replays_in_order(
    tmp_path: Path, gateway: tuple[Recorder, int], status: int
) -> None:
    rec, port = gateway
    rec.fail_status, rec.retry_after = status, "1"
    d, metrics, spool = make_delivery(tmp_path, port)
    for i in range(10):
        d.submit(frame(i))
    wait_for(lambda: len(spool) == 10, 5, what="all frames spooled")
    time.sleep(1.5)
    times = list(rec.attempts)
    assert len(times) >= 2
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.9, gaps  # Retry-After: 1 honoured between attempts
    rec.fail_status = None
    for i in range(10, 15):
        d.submit(frame(i))  # live frames queue behind the spool
    wait_for(lambda: len(rec.arrivals()) == 15, 15, what="replay")
    d.stop()
    assert [a["key"] for a in rec.arrivals()] == [frame(i).idempotency_key for i in range(15)]
    assert value(metrics, "frames_spooled") == 15 and value(metrics, "frames_sent") == 15 and len(spool) == 0


def test_connection_refused_then_gateway_appears(tmp_path: Path) -> None:
    port = free_port()
    d, _metrics, spool = make_delivery(tmp_path, port)
    for i in range(5):
        d.submit(frame(i))
    wait_for(lambda: len(spool) == 5, 5, what="spooled")
    rec = Recorder(tmp_path / "late.jsonl", {"cam": "good-key"})
    server, _ = serve(rec, port)
    try:
        wait_for(lambda: len(rec.arrivals()) == 5, 10, what="replay after gateway start")
    finally:
        d.stop()
        server.shutdown()
        server.server_close()
    assert [a["key"] for a in rec.arrivals()] == [frame(i).idempotency_key for i in range(5)]


def test_parse_retry_after() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    future = (datetime.now(UTC) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    got = parse_retry_after(future)
    assert got is not None and 25 < got <= 30


def test_full_disk_while_gateway_fails_drops_counted_and_delivery_survives(
    tmp_path: Path, gateway: tuple[Recorder, int]
) -> None:
    rec, port = gateway
    rec.fail_status = 500
    d, metrics, spool = make_delivery(tmp_path, port)
    spool._db.execute("PRAGMA max_page_count = 30")  # about 100 kB: the disk is full soon
    spool.on_drop = lambda cam, n: metrics.frames_dropped.labels(cam).inc(n)  # as the agent wires it
    big = [OutFrame("cam", T0 + timedelta(seconds=i), i, b"\xff\xd8" + bytes(3000)) for i in range(200)]
    for f in big:
        d.submit(f)  # never raises
    assert value(metrics, "frames_dropped") == spool.dropped_total > 0
    assert d.running and len(spool) + spool.dropped_total == 200
    assert metrics.registry.get_sample_value("varta_ingest_spool_disk_full") == 1
    rec.fail_status = None
    wait_for(lambda: d.idle(), 20, what="spool drained")
    d.stop()
    keys = [a["key"] for a in rec.arrivals()]
    assert len(keys) == len(set(keys)) == 200 - spool.dropped_total
    assert keys[-1] == big[-1].idempotency_key


@pytest.mark.parametrize("status", [302, 307, 501])
def test_redirects_and_other_non_4xx_answers_are_kept_and_retried(
    tmp_path: Path, gateway: tuple[Recorder, int], status: int
) -> None:
    rec, port = gateway
    rec.fail_status = status
    d, metrics, spool = make_delivery(tmp_path, port)
    for i in range(3):
        d.submit(frame(i))
    wait_for(lambda: len(spool) == 3 and len(rec.attempts) >= 2, 5, what="spooled and retried")
    assert value(metrics, "frames_rejected") == 0
    rec.fail_status = None
    wait_for(lambda: len(rec.arrivals()) == 3, 10, what="delivered once the gateway answers 200")
    d.stop()
    assert value(metrics, "frames_sent") == 3 and value(metrics, "frames_rejected") == 0


def test_any_2xx_is_accepted(tmp_path: Path, gateway: tuple[Recorder, int]) -> None:
    rec, port = gateway
    rec.fail_status = 202
    d, metrics, spool = make_delivery(tmp_path, port)
    for i in range(3):
        d.submit(frame(i))
    wait_for(lambda: value(metrics, "frames_sent") == 3, 5, what="3 accepted")
    d.stop()
    assert value(metrics, "frames_rejected") == 0 and len(spool) == 0 and len(rec.attempts) == 3
