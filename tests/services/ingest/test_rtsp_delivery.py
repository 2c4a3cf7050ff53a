"""End to end with real processes on loopback: a real RTSP stream, the agent, a recording gateway.

- The receiving gateway is killed (SIGKILL) mid-stream and restarted; the camera's RTSP server goes
  away and comes back: every frame the agent made arrives exactly once, in order.
- The agent is killed with SIGKILL while spooling; the spool reopens intact and a new agent replays
  it: every spooled frame arrives exactly once, in order, and nothing more.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from conftest import camera_state, start_agent, start_receiver, stop, try_scrape, wait_for, write_config
from conftest import procs as procs
from ingest_fake_gateway import Recorder
from ingest_rtsp_server import RtspTestServer, free_port

pytestmark = [pytest.mark.network, pytest.mark.slow]
KEY = "cam-key-for-tests"


def metric(port: int, name: str, cam: str = "") -> float:
    return try_scrape(port).get((name, cam), 0.0)


def seqs(arrivals: list[dict[str, object]]) -> list[int]:
    return [int(str(a["key"]).rsplit(".", 1)[1]) for a in arrivals]


def test_gateway_and_camera_outages_lose_and_duplicate_nothing(
    road_clip: Path, tmp_path: Path, procs: list[subprocess.Popen[bytes]]
) -> None:
    rtsp = RtspTestServer(road_clip, tmp_path).start()
    gw_port, http_port = free_port(), free_port()
    record = tmp_path / "arrivals.jsonl"
    cam = {
        "id": "road",
        "village": "test",
        "name": "Road",
        "key_env": "VARTA_TEST_KEY",
        "fps": 5,
        "motion": {"enabled": False},
        "source": {
            "type": "rtsp",
            "url": rtsp.url,
            "backoff_initial_s": 0.3,
            "backoff_max_s": 1.0,
            "read_timeout_s": 3,
        },
    }
    config = write_config(tmp_path / "agent.yaml", gw_port, http_port, tmp_path / "spool.db", [cam])
    try:
        procs.append(receiver := start_receiver(gw_port, record, {"road": KEY}))
        procs.append(agent := start_agent(config, {"VARTA_TEST_KEY": KEY}, log=tmp_path / "agent.log"))
        rec = Recorder(record, {})
        wait_for(lambda: len(rec.arrivals()) >= 10, 40, what="10 frames over RTSP")

        receiver.send_signal(signal.SIGKILL)  # the gateway dies mid-stream
        receiver.wait(5)
        wait_for(
            lambda: metric(http_port, "varta_ingest_frames_spooled_total", "road") >= 10, 20, what="spooling"
        )
        procs.append(receiver := start_receiver(gw_port, record, {"road": KEY}))
        n = len(rec.arrivals())
        wait_for(lambda: len(rec.arrivals()) >= n + 15, 30, what="replay and live frames after restart")

        rtsp.stop()  # the camera goes away, then comes back on the same address
        wait_for(
            lambda: camera_state(http_port, "road", "streaming") == 0,
            20,
            what="camera not streaming",
        )
        rtsp = RtspTestServer(road_clip, tmp_path, port=rtsp.port).start()
        n = len(rec.arrivals())
        wait_for(lambda: len(rec.arrivals()) >= n + 10, 40, what="frames after the camera came back")
        rtsp.stop()

        def settled() -> bool:
            m = try_scrape(http_port)
            return m.get(("varta_ingest_spool_records", ""), -1) == 0 and m.get(
                ("varta_ingest_frames_sent_total", "road")
            ) == len(rec.arrivals())

        wait_for(settled, 30, what="spool drained")
        m = try_scrape(http_port)
        assert m[("varta_ingest_reconnects_total", "road")] >= 1
        assert stop(agent) == 0
    finally:
        rtsp.stop()
    arrivals = Recorder(record, {}).arrivals()
    keys = [a["key"] for a in arrivals]
    assert len(keys) == len(set(keys)) >= 35
    assert seqs(arrivals) == list(range(len(arrivals)))  # every frame made, exactly once, in order
    times = [datetime.fromisoformat(str(a["capture_time"])) for a in arrivals]
    assert times == sorted(times)
    assert m[("varta_ingest_frames_spooled_total", "road")] >= 10


def test_kill9_while_spooling_then_replay_exactly_once(
    road_clip: Path, tmp_path: Path, procs: list[subprocess.Popen[bytes]]
) -> None:
    gw_port, http_port = free_port(), free_port()
    spool = tmp_path / "spool.db"
    cam = {
        "id": "road",
        "village": "test",
        "name": "Road",
        "key_env": "VARTA_TEST_KEY",
        "fps": 15,
        "motion": {"enabled": False},
        "source": {"type": "file", "path": str(road_clip), "realtime": True, "loop": True},
    }
    config = write_config(tmp_path / "a.yaml", gw_port, http_port, spool, [cam])
    procs.append(agent := start_agent(config, {"VARTA_TEST_KEY": KEY}, log=tmp_path / "agent.log"))
    wait_for(
        lambda: metric(http_port, "varta_ingest_frames_spooled_total", "road") >= 40, 30, what="spooling"
    )
    agent.send_signal(signal.SIGKILL)  # power cut in the middle of spool writes
    agent.wait(5)

    db = sqlite3.connect(spool)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    spooled = [r[0] for r in db.execute("SELECT idem_key FROM frames ORDER BY id")]
    db.close()
    assert len(spooled) >= 40

    record = tmp_path / "arrivals.jsonl"
    procs.append(receiver := start_receiver(gw_port, record, {"road": KEY}))
    replay = write_config(tmp_path / "b.yaml", gw_port, free_port(), spool, [{**cam, "enabled": False}])
    for _ in range(2):  # the second run must find nothing left to send
        procs.append(
            again := start_agent(
                replay, {"VARTA_TEST_KEY": KEY}, "--exit-when-done", log=tmp_path / "agent.log"
            )
        )
        assert again.wait(60) == 0
    stop(receiver)
    arrivals = Recorder(record, {}).arrivals()
    assert [a["key"] for a in arrivals] == spooled
    assert seqs(arrivals) == list(range(len(spooled)))
    db = sqlite3.connect(spool)
    assert db.execute("SELECT COUNT(*) FROM frames").fetchone()[0] == 0
    db.close()
