"""Filesystem evidence store: ``<root>/YYYY/MM/DD/<camera>/<frame_id>-<name>.jpg``.

Files are written atomically (temporary name, fsync, rename) *before* the database commit that
references them, and removed again when that commit fails, so the database never points at a
half-written file and a failed frame leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

logger = logging.getLogger(__name__)

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}\.jpg$")


class EvidenceError(Exception):
    """A requested evidence path is malformed or lies outside the store."""


@dataclass(frozen=True)
class EvidenceFile:
    """One file to write: ``name`` like ``frame.jpg`` or ``plate-0.jpg``."""

    name: str
    data: bytes


def _safe_component(value: str) -> str:
    cleaned = _SAFE.sub("_", value)[:64]
    return cleaned if cleaned not in ("", ".", "..") else "_"


class EvidenceStore:
    """Evidence files under one root directory; paths stored in the database are relative."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def frame_dir(self, camera_id: str, captured_at: datetime) -> str:
        d = captured_at.date()
        return f"{d:%Y/%m/%d}/{_safe_component(str(camera_id))}"

    def write(
        self, camera_id: str, captured_at: datetime, frame_id: str, files: list[EvidenceFile]
    ) -> dict[str, str]:
        """Write every file atomically; return ``{name: relative path}``. All or nothing."""
        rel_dir = self.frame_dir(camera_id, captured_at)
        target_dir = self.root / rel_dir
        target_dir.mkdir(parents=True, exist_ok=True)
        written: dict[str, str] = {}
        try:
            for f in files:
                if not _NAME.match(f.name):
                    raise EvidenceError(f"bad evidence file name {f.name!r}")
                rel = f"{rel_dir}/{frame_id}-{f.name}"
                self._atomic_write(self.root / rel, f.data)
                written[f.name] = rel
        except BaseException:
            self.remove(list(written.values()))
            raise
        return written

    @staticmethod
    def _atomic_write(path: Path, data: bytes) -> None:
        """Temporary name, fsync, rename; a write that fails (disk full) leaves no temporary file."""
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise

    def remove(self, rel_paths: list[str]) -> int:
        """Delete files (missing ones are fine); return how many were removed."""
        removed = 0
        for rel in rel_paths:
            try:
                self.resolve(rel).unlink()
                removed += 1
            except FileNotFoundError:
                continue
            except (OSError, EvidenceError) as exc:
                logger.warning("could not remove evidence %s: %s", rel, exc)
        return removed

    def resolve(self, rel_path: str) -> Path:
        """Absolute path of a stored relative path; refuses anything outside the root."""
        if not rel_path or rel_path.startswith("/") or "\\" in rel_path:
            raise EvidenceError("bad evidence path")
        root = self.root.resolve()
        path = (root / rel_path).resolve()
        if root not in path.parents:
            raise EvidenceError("evidence path outside the store")
        return path

    def read(self, rel_path: str) -> bytes:
        return self.resolve(rel_path).read_bytes()

    def prune_empty_dirs(self) -> None:
        """Remove directories left empty after purges (deepest first)."""
        if not self.root.is_dir():
            return
        for d in sorted((p for p in self.root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            with contextlib.suppress(OSError):
                d.rmdir()
