"""``varta``: one command, many parts.

Each sub-command lives with the part it belongs to and is imported only when it is run, so
``varta --help`` never loads a model or opens a database.
"""

from __future__ import annotations

import importlib
import sys

# command words -> (module, function). The function takes the remaining argv and returns an exit code.
COMMANDS: dict[tuple[str, ...], tuple[str, str, str]] = {
    ("serve",): ("gateway.cli", "serve_main", "run the whole system in one process (gateway + recognizers)"),
    ("admin",): ("gateway.cli", "admin_main", "administration: keys, migrations, retention purge"),
    ("recognizer",): ("recognizers.cli", "serve_main", "run one recognizer as its own HTTP service"),
    ("recognize",): ("recognizers.cli", "recognize_main", "recognize plates or faces in image files"),
    ("models",): ("recognizers.models.cli", "main", "list, pull and verify model files"),
    ("synth",): ("recognizers.synth.cli", "main", "render a test frame with a Ukrainian plate"),
    ("ingest",): ("services.ingest.cli", "main", "run the camera ingest agent"),
    ("bench", "recognizers"): ("recognizers.bench.cli", "main", "benchmark the recognizers and peers"),
    ("bench", "gateway"): ("gateway.bench", "main", "benchmark the gateway and matching"),
    ("bench", "ingest"): ("services.ingest.bench", "main", "benchmark camera decode and motion gating"),
}


def _usage() -> str:
    lines = ["usage: varta COMMAND [ARGS...]", "", "commands:"]
    for words, (_, _, help_text) in COMMANDS.items():
        lines.append(f"  {' '.join(words):<22} {help_text}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    for length in (2, 1):
        key = tuple(args[:length])
        if len(key) == length and key in COMMANDS:
            module_name, func_name, _ = COMMANDS[key]
            func = getattr(importlib.import_module(module_name), func_name)
            return int(func(args[length:]) or 0)
    print(_usage(), file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout)
    return 0 if args and args[0] in ("-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main())
