"""The on-disk spool: order, persistence, bounds with drop-oldest, integrity checks."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.ingest.frames import OutFrame
from services.ingest.spool import Spool

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def frame(i: int, cam: str = "cam", size: int = 100) -> OutFrame:
    return OutFrame(cam, T0 + timedelta(milliseconds=40 * i), i, b"\xff\xd8" + bytes([i % 256]) * size)


def drain(spool: Spool) -> list[OutFrame]:
    out = []
    while (rec := spool.peek()) is not None:
        out.append(rec.frame)
        spool.remove(rec.id)
    return out


def test_order_and_fields_survive_reopen(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    s = Spool(path, 10**9, 10**6)
    frames = [frame(i, cam="a" if i % 2 else "b") for i in range(50)]
    for f in frames[:10]:
        s.append(f)
    s.append_many(frames[10:])
    s.close()
    s2 = Spool(path, 10**9, 10**6)
    assert len(s2) == 50 and s2.bytes == sum(len(f.jpeg) for f in frames)
    got = drain(s2)
    assert got == frames  # same order, capture time (tz included), sequence, key and bytes
    assert [g.idempotency_key for g in got] == [f.idempotency_key for f in frames]
    assert len(s2) == 0 and s2.bytes == 0


def test_unclosed_spool_reopens(tmp_path: Path) -> None:
    """No close(): as after kill -9, the WAL holds the committed frames and is recovered."""
    path = tmp_path / "spool.db"
    s = Spool(path, 10**9, 10**6)
    s.append_many([frame(i) for i in range(20)])
    assert Path(f"{path}-wal").exists()
    s2 = Spool(path, 10**9, 10**6)
    assert [f.seq for f in drain(s2)] == list(range(20))


def test_drop_oldest_by_count_and_bytes(tmp_path: Path) -> None:
    drops: dict[str, int] = {}

    def on_drop(cam: str, n: int) -> None:
        drops[cam] = drops.get(cam, 0) + n

    s = Spool(tmp_path / "s.db", max_bytes=10**9, max_records=10, on_drop=on_drop)
    for i in range(25):
        s.append(frame(i, cam="x" if i < 5 else "y"))
    assert len(s) == 10
    assert drops == {"x": 5, "y": 10} and s.dropped_total == 15
    assert [f.seq for f in drain(s)] == list(range(15, 25))  # the newest survive

    s2 = Spool(tmp_path / "b.db", max_bytes=1000, max_records=10**6, on_drop=on_drop)
    s2.append_many([frame(i, size=298) for i in range(10)])  # 300 bytes each: only 3 fit
    assert len(s2) == 3 and s2.bytes == 900
    assert [f.seq for f in drain(s2)] == [7, 8, 9]


def test_corrupt_record_is_detected_and_discarded(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    s = Spool(path, 10**9, 10**6)
    s.append_many([frame(i) for i in range(5)])
    db = sqlite3.connect(path)
    db.execute("UPDATE frames SET jpeg = ? WHERE seq = 2", (b"\xff\xd8garbage",))
    db.commit()
    db.close()
    drops: list[tuple[str, int]] = []
    s.on_drop = lambda cam, n: drops.append((cam, n))
    assert [f.seq for f in drain(s)] == [0, 1, 3, 4]
    assert drops == [("cam", 1)]


def test_corrupt_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    path.write_bytes(b"this is not a database" * 1000)
    s = Spool(path, 10**9, 10**6)
    assert len(s) == 0
    s.append(frame(1))
    assert len(s) == 1
    assert list(tmp_path.glob("spool.db.corrupt-*"))


def fill_disk(spool: Spool, pages: int) -> None:
    """Cap the database at ``pages`` pages: SQLite then answers 'database or disk is full'."""
    spool._db.execute(f"PRAGMA max_page_count = {pages}")


def test_full_disk_drops_oldest_then_keeps_going(tmp_path: Path) -> None:
    drops: dict[str, int] = {}

    def on_drop(cam: str, n: int) -> None:
        drops[cam] = drops.get(cam, 0) + n

    s = Spool(tmp_path / "spool.db", 10**9, 10**6, on_drop=on_drop)
    fill_disk(s, 40)
    for i in range(300):
        s.append(frame(i, size=2000))  # never raises
    assert s.dropped_total == sum(drops.values()) > 0
    assert len(s) + s.dropped_total == 300
    assert s.disk_full  # health says so until no write has been refused for a minute
    seqs = [f.seq for f in drain(s)]
    assert seqs == sorted(seqs) and seqs[-1] == 299  # the newest survive, in order
    s.close()


class _FullDisk:
    """A connection whose writes fail as on a full disk (a full WAL also refuses a DELETE)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith(("INSERT", "DELETE", "BEGIN", "PRAGMA wal_checkpoint")):
            raise sqlite3.OperationalError("database or disk is full")
        return self.db.execute(sql, *args)

    def executemany(self, sql: str, *args: object) -> sqlite3.Cursor:
        raise sqlite3.OperationalError("database or disk is full")

    def __getattr__(self, name: str) -> object:
        return getattr(self.db, name)


def test_no_room_at_all_drops_new_frames_and_delivered_ones_are_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    drops: list[tuple[str, int]] = []
    s = Spool(path, 10**9, 10**6, on_drop=lambda cam, n: drops.append((cam, n)))
    s.append_many([frame(i) for i in range(3)])
    real = s._db
    s._db = _FullDisk(real)  # type: ignore[assignment]
    s.append(frame(3))  # neither room nor anything deletable: the new frame is dropped, counted
    assert drops == [("cam", 1)] and s.disk_full and "full" in (s.last_error or "")
    assert len(s) == 3
    rec = s.peek()
    assert rec is not None and rec.frame.seq == 0
    s.remove(rec.id)  # delivered, cannot be deleted: forgotten, not sent again
    rec = s.peek()
    assert rec is not None and rec.frame.seq == 1 and len(s) == 2
    s.remove(rec.id)
    rec = s.peek()
    assert rec is not None and rec.frame.seq == 2
    s._db = real
    s.remove(rec.id)  # the next delete that works takes the forgotten ones too
    assert s.peek() is None and len(s) == 0
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM frames").fetchone()[0] == 0
    s._db = _FullDisk(real)  # type: ignore[assignment]
    s.close()  # a checkpoint that fails on a full disk is logged, not raised


def test_spool_emptied_on_a_full_disk_is_recreated(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    s = Spool(path, 10**9, 10**6)
    s.append_many([frame(i) for i in range(2)])
    real = s._db
    s._db = _FullDisk(real)  # type: ignore[assignment]
    for _ in range(2):
        rec = s.peek()
        assert rec is not None
        s.remove(rec.id)
    real.close()
    assert len(s) == 0 and s.peek() is None  # recreated: a fresh file without the delivered frames
    s.append(frame(5))
    assert [f.seq for f in drain(s)] == [5]
    s.close()


def test_record_with_a_damaged_capture_time_is_discarded_and_the_rest_replayed(tmp_path: Path) -> None:
    path = tmp_path / "spool.db"
    s = Spool(path, 10**9, 10**6)
    s.append_many([frame(i) for i in range(4)])
    s.close()
    db = sqlite3.connect(path)
    db.execute("UPDATE frames SET capture_time = '2026-01-01T0X:00:00' WHERE seq = 0")
    db.execute("UPDATE frames SET capture_time = '2026-01-01T00:00:00' WHERE seq = 2")  # no time zone
    db.commit()
    db.close()
    drops: list[tuple[str, int]] = []
    s2 = Spool(path, 10**9, 10**6, on_drop=lambda cam, n: drops.append((cam, n)))
    assert [f.seq for f in drain(s2)] == [1, 3]
    assert drops == [("cam", 1), ("cam", 1)] and s2.dropped_total == 2 and len(s2) == 0


def test_a_directory_or_a_file_as_parent_is_refused_and_never_renamed(tmp_path: Path) -> None:
    import pytest

    from services.ingest.spool import SpoolError

    folder = tmp_path / "spool-dir"
    folder.mkdir()
    (folder / "keep.txt").write_text("the user's file")
    with pytest.raises(SpoolError, match="is a directory"):
        Spool(folder, 10**9, 10**6)
    assert (folder / "keep.txt").read_text() == "the user's file"
    assert not list(tmp_path.glob("*.corrupt-*"))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(SpoolError, match="is not a directory"):
        Spool(blocker / "spool.db", 10**9, 10**6)
    assert blocker.read_text() == "x"
