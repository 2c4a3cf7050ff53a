"""Store-and-forward spool: frames wait on disk, in order, until the gateway takes them.

SQLite in WAL mode with ``synchronous=FULL``: a frame is on disk when ``append`` returns, and a
transaction torn by a power cut or ``kill -9`` is discarded by SQLite's WAL recovery (its frames
carry checksums), so the spool reopens intact. Each record also carries a CRC-32 of its key and
payload; a record that fails it is discarded and counted as dropped, never sent.

Bounded by bytes and by record count. When full, the OLDEST frames are dropped (the newest are the
likeliest to matter to someone looking for a car right now), counted per camera and logged.

A full disk ("database or disk is full") is survived, never raised: the oldest frames make room for
the new ones; when even that cannot be written, the new frames are dropped. Either way the drop is
counted per camera and logged, and ``disk_full`` stays true (health shows it) until no write has
been refused for a minute. A frame delivered but not deletable on a full disk is forgotten in memory (never
sent twice by this process); once nothing is left to send, the spool's files are recreated, which
gives the disk space back.
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
#: at most one "disk full" warning per this many seconds (a camera at 2 fps would flood the log)
_FULL_LOG_EVERY_S = 30.0
#: the spool reports a full disk until this long after the last refused write
_FULL_HOLD_S = 60.0


def _is_full(exc: sqlite3.Error) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "is full" in str(exc)


def _crc(key: str, jpeg: bytes) -> int:
    return zlib.crc32(jpeg, zlib.crc32(key.encode()))


def _decode(cam: object, ts: object, seq: object, jpeg: object) -> OutFrame | None:
    """The frame of a row, or None when a field is damaged (the checksum covers key and JPEG only)."""
    try:
        when = datetime.fromisoformat(str(ts))
        frame = OutFrame(str(cam), when, int(seq), bytes(jpeg))  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return frame if when.tzinfo is not None else None


class SpoolError(Exception):
    """The spool path cannot hold a spool (a directory, a parent that is a file)."""


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
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise SpoolError(f"{self.path.parent} is not a directory") from None
        self._db = self._open()
        row = self._db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM frames").fetchone()
        self._count, self._bytes = int(row[0]), int(row[1])
        self.dropped_total = 0
        self._full_at: float | None = None
        self.last_error: str | None = None
        self._full_logged_at = 0.0
        self._gone_upto = 0  # records with id <= this were delivered but could not be deleted yet
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
        """Open the spool; a file that is not a database or is damaged is moved aside. Anything else
        (a directory, no permission, no space) is raised: that is not the file's fault."""
        if self.path.is_dir():
            raise SpoolError(f"{self.path} is a directory, not a spool file")
        try:
            db = self._connect()
            if db.execute("PRAGMA quick_check").fetchone()[0] == "ok":
                return db
            db.close()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
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
        full = False
        with self._lock:
            try:
                dropped = self._insert(rows)
            except sqlite3.OperationalError as exc:
                self._rollback()
                if not _is_full(exc):
                    raise
                full = True
                dropped = self._insert_on_full_disk(rows, exc)
            else:
                self._set_full(False)
        self._report_drops(dropped, quiet=full)

    def _insert(self, rows: list[tuple[str, str, int, str, bytes, int, int]]) -> dict[str, int]:
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany(
            "INSERT INTO frames (camera_id, capture_time, seq, idem_key, jpeg, size, crc)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._count += len(rows)
        self._bytes += sum(r[5] for r in rows)
        dropped = self._enforce_bounds()
        self._db.execute("COMMIT")
        return dropped

    def _rollback(self) -> None:
        """Undo a failed write; SQLite may have rolled back already (it does on a full disk)."""
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error as exc:
            log.error("spool %s: rollback failed: %s", self.path, exc)
        self._recount()

    def _insert_on_full_disk(
        self, rows: list[tuple[str, str, int, str, bytes, int, int]], exc: sqlite3.Error
    ) -> dict[str, int]:
        """Make room by dropping the oldest frames, else drop the new ones; never raises on a full disk."""
        self._set_full(True, str(exc))
        dropped: dict[str, int] = {}
        if self._count == 0:
            self._reset_files()
        else:
            need = sum(r[5] for r in rows) * 2
            try:
                dropped = self._drop_oldest(need, max(len(rows) * 2, 8))
            except sqlite3.Error as again:
                self._rollback()
                log.debug("spool %s: cannot drop old frames either: %s", self.path, again)
        try:
            for cam, n in self._insert(rows).items():
                dropped[cam] = dropped.get(cam, 0) + n
        except sqlite3.Error as again:
            self._rollback()
            for r in rows:
                dropped[r[0]] = dropped.get(r[0], 0) + 1
            self._log_full(f"dropped {len(rows)} new frame(s) ({again})")
            return dropped
        self._log_full(f"dropped {sum(dropped.values())} oldest frame(s) to make room")
        return dropped

    def _drop_oldest(self, need_bytes: int, min_records: int) -> dict[str, int]:
        victims = self._db.execute(
            "SELECT id, camera_id, size FROM frames WHERE id > ? ORDER BY id LIMIT ?",
            (self._gone_upto, max(min_records, 1) * 50),
        ).fetchall()
        picked, freed = [], 0
        for v in victims:
            picked.append(v)
            freed += int(v[2])
            if freed >= need_bytes and len(picked) >= min_records:
                break
        if not picked:
            return {}
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM frames WHERE id <= ?", (picked[-1][0],))
        self._db.execute("COMMIT")
        self._gone_upto = 0
        self._recount()
        dropped: dict[str, int] = {}
        for _, cam, _ in picked:
            dropped[cam] = dropped.get(cam, 0) + 1
        return dropped

    def _set_full(self, full: bool, error: str | None = None) -> None:
        now = time.monotonic()
        if full:
            if not self.disk_full:
                log.error("spool %s: disk full (%s); dropping frames until there is room", self.path, error)
            self._full_at = now
            self.last_error = error
        elif self._full_at is not None and now - self._full_at >= _FULL_HOLD_S:
            self._full_at = None
            log.info("spool %s: writing again after a full disk", self.path)

    @property
    def disk_full(self) -> bool:
        """True while the disk refused a write in the last ``_FULL_HOLD_S`` seconds."""
        return self._full_at is not None and time.monotonic() - self._full_at < _FULL_HOLD_S

    def _log_full(self, what: str) -> None:
        now = time.monotonic()
        if now - self._full_logged_at >= _FULL_LOG_EVERY_S:
            self._full_logged_at = now
            log.warning(
                "spool %s: disk full: %s; %s frame(s) dropped before (counted in frames_dropped)",
                self.path,
                what,
                self.dropped_total,
            )

    def _reset_files(self) -> None:
        """Recreate an empty spool (only when nothing in it is left to send): frees the disk."""
        self._db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self._db = self._connect()
        self._gone_upto = 0
        self._recount()
        log.warning("spool %s: recreated empty to give the disk space back", self.path)

    def _enforce_bounds(self) -> dict[str, int]:
        dropped: dict[str, int] = {}
        while self._count > self.max_records or self._bytes > self.max_bytes:
            over = max(self._count - self.max_records, 1)
            victims = self._db.execute(
                "SELECT id, camera_id, size FROM frames WHERE id > ? ORDER BY id LIMIT ?",
                (self._gone_upto, min(over, 500)),
            ).fetchall()
            if not victims:
                break
            for _, cam, size in victims:
                dropped[cam] = dropped.get(cam, 0) + 1
                self._count -= 1
                self._bytes -= int(size)
            self._db.execute("DELETE FROM frames WHERE id <= ?", (victims[-1][0],))
        return dropped

    def _report_drops(self, dropped: dict[str, int], quiet: bool = False) -> None:
        """Count drops (and tell ``on_drop``); ``quiet`` when the caller logs them itself."""
        for cam, n in dropped.items():
            self.dropped_total += n
            if self.on_drop is not None:
                self.on_drop(cam, n)
            if quiet:
                continue
            log.warning(
                "spool full: dropped %s oldest frame(s) of camera %s (bounds: %s frames, %s bytes)",
                n,
                cam,
                self.max_records,
                self.max_bytes,
            )

    def _recount(self) -> None:
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM frames WHERE id > ?", (self._gone_upto,)
        ).fetchone()
        self._count, self._bytes = int(row[0]), int(row[1])

    # ------------------------------------------------------------------------------------------ reading

    def peek(self) -> SpoolRecord | None:
        """The oldest intact record; records failing their checksum are discarded (and counted)."""
        while True:
            with self._lock:
                row = self._db.execute(
                    "SELECT id, camera_id, capture_time, seq, idem_key, jpeg, crc"
                    " FROM frames WHERE id > ? ORDER BY id LIMIT 1",
                    (self._gone_upto,),
                ).fetchone()
            if row is None:
                return None
            rid, cam, ts, seq, key, jpeg, crc = row
            frame = _decode(cam, ts, seq, jpeg)
            if frame is None:
                log.error(
                    "spool record %s of camera %s is unreadable (capture time %r); discarded", rid, cam, ts
                )
            elif _crc(key, frame.jpeg) == crc and frame.idempotency_key == key:
                return SpoolRecord(int(rid), frame)
            else:
                log.error("spool record %s of camera %s failed its checksum; discarded", rid, cam)
            self.remove(int(rid))
            self._report_drops({cam: 1})

    def remove(self, record_id: int) -> None:
        """Take a record out (the oldest: records leave in order). On a full disk it is forgotten in
        memory instead and deleted later; never raises for a full disk."""
        with self._lock:
            if record_id <= self._gone_upto:
                return
            row = self._db.execute("SELECT size FROM frames WHERE id = ?", (record_id,)).fetchone()
            if row is None:
                return
            try:
                self._db.execute("DELETE FROM frames WHERE id = ? OR id <= ?", (record_id, self._gone_upto))
            except sqlite3.OperationalError as exc:
                self._rollback()
                if not _is_full(exc):
                    raise
                self._set_full(True, str(exc))
                older = self._db.execute(
                    "SELECT COUNT(*) FROM frames WHERE id > ? AND id < ?", (self._gone_upto, record_id)
                ).fetchone()[0]
                if older:  # not the oldest: it stays and is sent again (the gateway sees a duplicate)
                    log.warning("spool %s: cannot delete record %s: %s", self.path, record_id, exc)
                    return
                self._gone_upto = record_id
                self._recount()
                if self._count == 0:
                    self._reset_files()
                return
            self._gone_upto = 0
            self._count -= 1
            self._bytes -= int(row[0])
            self._set_full(False)

    def __len__(self) -> int:
        return self._count

    @property
    def bytes(self) -> int:
        return self._bytes

    def close(self) -> None:
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # a full disk: the WAL stays and is replayed on the next open
                log.warning("spool %s: checkpoint on close failed: %s", self.path, exc)
            finally:
                self._db.close()
