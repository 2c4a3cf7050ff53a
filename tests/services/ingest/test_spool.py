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
