"""Command-line arguments and refusals in English and Ukrainian, for every ``varta`` command.

Pure: builds argparse types and the text of an error line; the command itself prints it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

#: exit code of a command refused for its arguments or settings (argparse's own)
EXIT_USAGE = 2


def error_line(prog: str, en: str, uk: str) -> str:
    """``varta synth: error: ... / помилка: ...``: one line, both languages."""
    return f"{prog}: error: {en} / помилка: {uk}"


def int_in(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``, refused in both languages."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number, got {text!r} / має бути цілим числом, отримано {text!r}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be from {low} to {high}, got {value} / має бути від {low} до {high}, отримано {value}"
            )
        return value

    parse.__name__ = f"whole number {low}..{high}"  # argparse names the type by it in some messages
    return parse


#: a TCP port to listen on
port = int_in(1, 65535)

