"""The CPU the benchmarks report beside their figures, read from /proc/cpuinfo."""

from __future__ import annotations

from pathlib import Path

from recognizers.common.procfs import cpu_identity

_EPYC_AVX2 = """processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 1
model name\t: AMD EPYC
cpu MHz\t\t: 2445.426
flags\t\t: fpu sse sse2 avx fma avx2 bmi2
"""


def test_an_avx2_only_epyc_is_told_apart_from_its_avx512_namesakes(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text(_EPYC_AVX2 + "\nprocessor\t: 1\ncpu family\t: 99\nflags\t\t: avx512f\n")
    assert cpu_identity(str(info)) == {
        "vendor": "AuthenticAMD",
        "family": 25,
        "model": 1,  # "model name" is another field: only the exact key matches
        "mhz": 2445,
        "simd": ["avx2", "fma"],  # the first CPU's, in SIMD_FLAGS' order
    }


def test_an_unreadable_or_bare_cpuinfo_gives_nones(tmp_path: Path) -> None:
    bare = tmp_path / "cpuinfo"
    bare.write_text("processor\t: 0\ncpu MHz\t\t: fast\n")
    empty = {"vendor": None, "family": None, "model": None, "mhz": None, "simd": []}
    assert cpu_identity(str(bare)) == empty
    assert cpu_identity(str(tmp_path / "missing")) == empty


def test_this_machine_has_an_identity() -> None:
    ident = cpu_identity()
    assert isinstance(ident["simd"], list)
    assert ident["family"] is None or isinstance(ident["family"], int)
