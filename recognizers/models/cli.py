"""``varta models list | pull [NAME...] | install NAME FILE | verify [NAME...]``: the model cache."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from recognizers.models.registry import REGISTRY, ModelSpec, cache_dir, cached_status


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="varta models", description="List, pull and verify model files.")
    p.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="cache folder (default: VARTA_MODELS_DIR or ~/.cache/varta/models)",
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="every model with its version, size, licence and cache state")
    pull = sub.add_parser("pull", help="download and verify models (default: all default models)")
    pull.add_argument("names", nargs="*", metavar="NAME")
    install = sub.add_parser("install", help="verify a file you brought and put it in the cache")
    install.add_argument("name", metavar="NAME")
    install.add_argument("file", type=Path, metavar="FILE")
    verify = sub.add_parser("verify", help="exit 1 unless every default model is cached and intact")
    verify.add_argument("names", nargs="*", metavar="NAME")
    return p


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _cmd_list(cache: Path) -> int:
    rows = [("NAME", "VERSION", "SIZE", "LICENCE", "DEFAULT", "CACHED")]
    for spec in REGISTRY.values():
        default = "yes" if spec.default else "no (opt-in)"
        rows.append(
            (spec.name, spec.version, _size(spec.size), spec.licence, default, cached_status(spec, cache))
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print(f"cache: {cache}")
    return 0


def _unwritable(error: str) -> bool:
    """A source failed because the cache folder refused the download, not because of the source."""
    return "Read-only file system" in error or "Permission denied" in error


def _cmd_pull(cache: Path, names: list[str]) -> int:
    from recognizers.models.pull import pull

    try:
        results = pull(names or None, cache)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except OSError as exc:  # the cache path is a file, or lies under one, or cannot be made
        print(
            f"error: the model cache {cache} cannot be used ({exc.strerror or exc}); "
            f"give a writable folder with --cache or VARTA_MODELS_DIR / помилка: кеш моделей {cache} "
            f"непридатний ({exc.strerror or exc}); вкажіть теку з правом запису через --cache "
            "або VARTA_MODELS_DIR",
            file=sys.stderr,
        )
        return 1
    failed = 0
    for r in results:
        if r.ok:
            how = "already cached" if r.status == "cached" else f"pulled from {r.source}"
            print(f"ok      {r.name}: {how} -> {r.path}")
            continue
        failed += 1
        print(f"FAILED  {r.name}: every source failed:", file=sys.stderr)
        for err in r.errors:
            print(f"          - {err}", file=sys.stderr)
        spec = REGISTRY[r.name]
        if r.errors and all(_unwritable(e) for e in r.errors):
            print(
                f"        Fix: the cache {cache} is not writable by this user; give a writable folder "
                "with --cache or VARTA_MODELS_DIR.",
                file=sys.stderr,
            )
            continue
        print(
            f"        Fix: retry with network access, or bring {spec.filename} (SHA-256 {spec.sha256}) "
            f"and run `varta models install {spec.name} FILE`.",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _cmd_install(cache: Path, name: str, file: Path) -> int:
    from recognizers.models.pull import SourceError, install_file

    if name not in REGISTRY:
        print(f"error: unknown model {name!r}; known: {', '.join(sorted(REGISTRY))}", file=sys.stderr)
        return 2
    try:
        path = install_file(file, REGISTRY[name], cache)
    except (SourceError, OSError) as exc:
        print(f"error: {file} was not installed as {name}: {exc}", file=sys.stderr)
        return 1
    print(f"ok      {name}: installed -> {path}")
    return 0


def _cmd_verify(cache: Path, names: list[str]) -> int:
    specs: list[ModelSpec] = []
    for name in names or [n for n, s in REGISTRY.items() if s.default]:
        if name not in REGISTRY:
            print(f"error: unknown model {name!r}; known: {', '.join(sorted(REGISTRY))}", file=sys.stderr)
            return 2
        specs.append(REGISTRY[name])
    bad = 0
    for spec in specs:
        state = cached_status(spec, cache)
        print(f"{state:<8} {spec.name} ({cache / spec.filename})")
        if state != "ok":
            bad += 1
            fix = "run" if state == "missing" else f"delete {cache / spec.filename} and run"
            fix_uk = "виконайте" if state == "missing" else f"видаліть {cache / spec.filename} і виконайте"
            print(f"         Fix: {fix} `varta models pull {spec.name}`", file=sys.stderr)
            print(f"         Як виправити: {fix_uk} `varta models pull {spec.name}`", file=sys.stderr)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cache: Path = args.cache or cache_dir()
    if args.cmd == "list":
        return _cmd_list(cache)
    if args.cmd == "pull":
        return _cmd_pull(cache, args.names)
    if args.cmd == "install":
        return _cmd_install(cache, args.name, args.file)
    return _cmd_verify(cache, args.names)
