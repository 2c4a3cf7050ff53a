"""Reading Linux /proc files of the ``Key: value`` kind (status, meminfo, cpuinfo)."""

from __future__ import annotations

from pathlib import Path


def proc_field(path: str, name: str) -> str | None:
    """The value of the first ``name: value`` line of a /proc file, or None (no such line or file)."""
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak RSS in MB of a process since its program was loaded (``VmHWM``), or None if unknown.

    Not ``ru_maxrss``: that survives fork and exec, so a child would report its parent's peak.
    """
    value = proc_field(f"/proc/{pid}/status", "VmHWM")  # "123456 kB"
    return int(value.split()[0]) / 1024.0 if value else None
