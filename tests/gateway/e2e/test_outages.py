"""Recognizers down: the other still runs; none can run -> 503 with Retry-After and nothing stored."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gateway.bench import GatewayDriver, GatewayProcess, frame_headers, free_port

pytestmark = [pytest.mark.slow, pytest.mark.network]


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def rows(data_dir: Path, table: str) -> int:
    con = sqlite3.connect(data_dir / "varta.db")
    try:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])
    finally:
        con.close()


def started(tmp: Path, env: dict[str, str]) -> tuple[GatewayProcess, GatewayDriver, str]:
    proc = GatewayProcess(tmp, env={**env, "VARTA_RECOGNIZER_TIMEOUT_S": "2"}, ready_timeout_s=120)
    proc.ready_path = "/healthz"  # readiness stays 503 while a recognizer is down, as it should
    proc.start()
    drv = GatewayDriver(proc.url, proc.admin_key)
    return proc, drv, drv.camera("cam-x")


def test_faces_down_plates_still_run(tmp_path: Path, ua: Any) -> None:
    proc, drv, key = started(tmp_path, {"VARTA_FACES_URL": dead_url()})
    try:
        council = drv.org_key("council", "council")
        wl = drv.watchlist(council, "plates", "stolen")
        drv.plate(council, wl, ua.exact_text)
        r = drv.http.post("/v1/frames", content=ua.exact_jpeg, headers=frame_headers("cam-x", key, "f1"))
        body = r.json()
        assert r.status_code == 200, r.text
        assert [p["text"] for p in body["plates"]] == [ua.exact_text]
        raised = drv.call("GET", "/v1/alerts", council)["data"]
        assert [a["frame_id"] for a in raised] == [body["frame_id"]]
        assert "faces" in body["skipped"] and body["skip_reasons"]["faces"]["reason_uk"]
    finally:
        drv.close()
        proc.stop()


def test_both_down_is_503_and_nothing_is_stored(tmp_path: Path, ua: Any) -> None:
    proc, drv, key = started(tmp_path, {"VARTA_FACES_URL": dead_url(), "VARTA_PLATES_URL": dead_url()})
    try:
        headers = frame_headers("cam-x", key, "f1")
        r = drv.http.post("/v1/frames", content=ua.exact_jpeg, headers=headers)
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) > 0 and r.json()["error"] == "recognizers_unavailable"
        for table in ("frames", "sightings", "plate_reads", "alerts"):
            assert rows(tmp_path, table) == 0, table
        evidence = tmp_path / "evidence"
        assert not evidence.exists() or not [p for p in evidence.rglob("*") if p.is_file()]
        again = drv.http.post("/v1/frames", content=ua.exact_jpeg, headers=headers)
        assert again.status_code == 503  # the key was not consumed: still processed afresh
    finally:
        drv.close()
        proc.stop()
