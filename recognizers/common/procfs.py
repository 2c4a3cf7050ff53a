"""Reading Linux /proc files of the ``Key: value`` kind (status, meminfo, cpuinfo)."""

from __future__ import annotations

from pathlib import Path


def proc_field(path: str, name: str) -> str | None:
    """The value of the first ``name: value`` line of a /proc file, or None (no such line or file)."""
    return proc_fields(path, (name,))[name]


def proc_fields(path: str, names: tuple[str, ...]) -> dict[str, str | None]:
    """The value of the first ``name: value`` line of each of ``names``, the file read once; None for a
    name with no such line (all None when the file cannot be read)."""
    found: dict[str, str | None] = dict.fromkeys(names)
    try:
        text = Path(path).read_text()
    except OSError:
        return found
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key in found and found[key] is None:
            found[key] = value.strip()
    return found


#: the vector instructions that decide how fast the models run on a CPU (onnxruntime's kernels use the
#: widest the CPU has; VNNI speeds int8, BF16 and AMX bfloat16 and int8 matrices)
SIMD_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx_vnni", "amx_bf16", "amx_int8")


def cpu_identity(cpuinfo: str = "/proc/cpuinfo") -> dict[str, object]:
    """The first CPU's vendor, family, model and clock as /proc/cpuinfo gives them, and which of
    ``SIMD_FLAGS`` it has: two hosts both named "AMD EPYC" may differ threefold in speed, and the
    benchmarks' figures are read beside these."""
    fields = proc_fields(cpuinfo, ("vendor_id", "cpu family", "model", "cpu MHz", "flags"))
    family, model, mhz = fields["cpu family"], fields["model"], fields["cpu MHz"]
    flags = set((fields["flags"] or "").split())
    return {
        "vendor": fields["vendor_id"],
        "family": int(family) if family and family.isdigit() else None,
        "model": int(model) if model and model.isdigit() else None,
        "mhz": round(float(mhz)) if mhz and mhz.replace(".", "", 1).isdigit() else None,
        "simd": [f for f in SIMD_FLAGS if f in flags],
    }


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """Peak RSS in MB of a process since its program was loaded (``VmHWM``), or None if unknown.

    Not ``ru_maxrss``: that survives fork and exec, so a child would report its parent's peak.
    """
    value = proc_field(f"/proc/{pid}/status", "VmHWM")  # "123456 kB"
    return int(value.split()[0]) / 1024.0 if value else None
