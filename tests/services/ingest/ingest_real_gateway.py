"""Helpers of the real-gateway ingest test: what the gateway stored, what the agent reports.

The gateway's ``frames`` table (SQLite under its data dir) is read only while the gateway runs or
after it stopped cleanly, never between a ``kill -9`` and the restart: the restarted gateway must
recover its own database, not find it already recovered by the test.
"""

from __future__ import annotations

import math
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True, slots=True)
class StoredFrame:
    """One row of the gateway's ``frames`` table."""

    key: str
    captured_at: datetime
    received_at: datetime

    @property
    def seq(self) -> int:
        return int(self.key.rsplit(".", 1)[1])

    @property
    def key_micros(self) -> int:
        """The capture time the agent wrote into the idempotency key (``camera.micros.seq``)."""
        return int(self.key.split(".")[1])

    @property
    def captured_micros(self) -> int:
        return int(self.captured_at.timestamp() * 1_000_000)


def _utc(value: str) -> datetime:
    ts = datetime.fromisoformat(value)
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def stored_frames(data_dir: Path, camera_id: str) -> list[StoredFrame]:
    """The camera's frames in the order the gateway received them."""
    con = sqlite3.connect(data_dir / "varta.db", timeout=10)
    try:
        rows = con.execute(
            "SELECT idempotency_key, captured_at, received_at FROM frames"
            " WHERE camera_id = ? ORDER BY received_at, rowid",
            (camera_id,),
        ).fetchall()
    finally:
        con.close()
    return [StoredFrame(k, _utc(c), _utc(r)) for k, c, r in rows]


def count_rows(data_dir: Path, table: str) -> int:
    con = sqlite3.connect(data_dir / "varta.db", timeout=10)
    try:
        return int(con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def copy_spool(spool: Path, dest: Path) -> Path:
    """A byte copy of a spool nobody has open (database, WAL and shared-memory files)."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(f"{spool}{suffix}")
        if src.exists():
            shutil.copyfile(src, f"{dest}{suffix}")
    return dest


def spooled_keys(spool: Path) -> tuple[str, list[str]]:
    """Integrity-check verdict and the keys waiting in the agent's spool, oldest first (read-only)."""
    con = sqlite3.connect(f"file:{spool}?mode=ro", uri=True, timeout=10)
    try:
        verdict = str(con.execute("PRAGMA integrity_check").fetchone()[0])
        keys = [str(r[0]) for r in con.execute("SELECT idem_key FROM frames ORDER BY id")]
    finally:
        con.close()
    return verdict, keys


class AgentMetrics:
    """The agent's Prometheus counters for one camera, read over HTTP from its /metrics."""

    def __init__(self, port: int, camera_id: str) -> None:
        self.url = f"http://127.0.0.1:{port}/metrics"
        self.camera_id = camera_id

    def read(self) -> dict[str, float]:
        """``{sample name: value}`` for the camera's and the agent's samples; {} when not up."""
        try:
            text = httpx.get(self.url, timeout=5).text
        except httpx.HTTPError:
            return {}
        out: dict[str, float] = {}
        for fam in text_string_to_metric_families(text):
            for s in fam.samples:
                cam = s.labels.get("camera")
                if cam not in (None, self.camera_id):
                    continue
                name = f"{s.name}:{s.labels['state']}" if "state" in s.labels else s.name
                out[name] = s.value
        return out

    def get(self, name: str) -> float:
        """A sample's value (0 before a counter's first increment); NaN while /metrics cannot be read,
        so no wait for ``== 0`` passes just because the agent is not up yet."""
        values = self.read()
        return values.get(f"varta_ingest_{name}", 0.0) if values else math.nan
