"""Store-and-forward spool: frames wait on disk, in order, until the gateway takes them.

SQLite in WAL mode with ``synchronous=FULL``: a frame is on disk when ``append`` returns, and a
transaction torn by a power cut or ``kill -9`` is discarded by SQLite's WAL recovery (its frames
carry checksums), so the spool reopens intact. Each record also carries a CRC-32 of its key and
payload; a record that fails it is discarded and counted as dropped, never sent.

Bounded by bytes and by record count. When full, the OLDEST frames are dropped (the newest are the
likeliest to matter to someone looking for a car right now), counted per camera and logged.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from services.ingest.frames import OutFrame

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS frames (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    capture_time TEXT NOT NULL,
    seq INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    jpeg BLOB NOT NULL,
    size INTEGER NOT NULL,
    crc INTEGER NOT NULL
);
"""

DropHook = Callable[[str, int], None]


def _crc(key: str, jpeg: bytes) -> int:
    return zlib.crc32(jpeg, zlib.crc32(key.encode()))


@dataclass(slots=True, frozen=True)
class SpoolRecord:
    id: int
    frame: OutFrame


class Spool:
    def __init__(
        self, path: str | Path, max_bytes: int, max_records: int, on_drop: DropHook | None = None
    ) -> None:
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.max_records = max_records
        self.on_drop = on_drop
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = self._open()
        row = self._db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM frames").fetchone()
        self._count, self._bytes = int(row[0]), int(row[1])
        self.dropped_total = 0
        if self._count:
            log.info(
                "spool %s reopened with %s frames (%s bytes) to replay", self.path, self._count, self._bytes
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(_SCHEMA)
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            if db.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                return db
            db.close()
        except sqlite3.DatabaseError as exc:
            log.error("spool %s cannot be opened: %s", self.path, exc)
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        log.error("spool %s is corrupt; moved aside to %s and starting an empty spool", self.path, aside)
        self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self._connect()

    # ------------------------------------------------------------------------------------------ writing

    def append(self, frame: OutFrame) -> None:
        self.append_many([frame])

    def append_many(self, frames: Iterable[OutFrame]) -> None:
        rows = [
            (
                f.camera_id,
                f.capture_time_rfc3339,
                f.seq,
                f.idempotency_key,
                f.jpeg,
                len(f.jpeg),
                _crc(f.idempotency_key, f.jpeg),
            )
            for f in frames
        ]
        if not rows:
            return
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO frames (camera_id, capture_time, seq, idem_key, jpeg, size, crc)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
                self._count += len(rows)
                self._bytes += sum(r[5] for r in rows)
                dropped = self._enforce_bounds()
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                self._recount()
                raise
        self._report_drops(dropped)

    def _enforce_bounds(self) -> dict[str, int]:
        dropped: dict[str, int] = {}
        while self._count > self.max_records or self._bytes > self.max_bytes:
            over = max(self._count - self.max_records, 1)
            victims = self._db.execute(
                "SELECT id, camera_id, size FROM frames ORDER BY id LIMIT ?", (min(over, 500),)
            ).fetchall()
            if not victims:
                break
            for _, cam, size in victims:
                dropped[cam] = dropped.get(cam, 0) + 1
                self._count -= 1
                self._bytes -= int(size)
            self._db.execute("DELETE FROM frames WHERE id <= ?", (victims[-1][0],))
        return dropped

    def _report_drops(self, dropped: dict[str, int]) -> None:
        for cam, n in dropped.items():
            self.dropped_total += n
            log.warning(
                "spool full: dropped %s oldest frame(s) of camera %s (bounds: %s frames, %s bytes)",
                n,
                cam,
                self.max_records,
                self.max_bytes,
            )
            if self.on_drop is not None:
                self.on_drop(cam, n)

    def _recount(self) -> None:
        row = self._db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM frames").fetchone()
        self._count, self._bytes = int(row[0]), int(row[1])

    # ------------------------------------------------------------------------------------------ reading

    def peek(self) -> SpoolRecord | None:
        """The oldest intact record; records failing their checksum are discarded (and counted)."""
        while True:
            with self._lock:
                row = self._db.execute(
                    "SELECT id, camera_id, capture_time, seq, idem_key, jpeg, crc"
                    " FROM frames ORDER BY id LIMIT 1"
                ).fetchone()
            if row is None:
                return None
            rid, cam, ts, seq, key, jpeg, crc = row
            frame = OutFrame(cam, datetime.fromisoformat(ts), int(seq), bytes(jpeg))
            if _crc(key, frame.jpeg) == crc and frame.idempotency_key == key:
                return SpoolRecord(int(rid), frame)
            log.error("spool record %s of camera %s failed its checksum; discarded", rid, cam)
            self.remove(int(rid))
            self._report_drops({cam: 1})

    def remove(self, record_id: int) -> None:
        with self._lock:
            row = self._db.execute("SELECT size FROM frames WHERE id = ?", (record_id,)).fetchone()
            if row is None:
                return
            self._db.execute("DELETE FROM frames WHERE id = ?", (record_id,))
            self._count -= 1
            self._bytes -= int(row[0])

    def __len__(self) -> int:
        return self._count

    @property
    def bytes(self) -> int:
        return self._bytes

    def close(self) -> None:
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                self._db.close()
