"""Command-line arguments and refusals in English and Ukrainian, for every ``varta`` command.

Pure: builds argparse types and the text of an error line; the command itself prints it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from pydantic_settings import BaseSettings

from shared.validation_uk import BILINGUAL, describe, field_name

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


def settings_error_lines(prog: str, exc: ValidationError) -> list[str]:
    """One bilingual line per invalid setting of a ``BaseSettings`` class, named as the environment
    variable that sets it (``VARTA_PORT``, ``VARTA_RECOGNIZER__PLATES__DET_LONG_SIDE``)."""
    prefix, delimiter = _env_naming(exc.title)
    lines = []
    for err in exc.errors():
        en, uk = describe(err)
        field = field_name(err.get("loc", ()))
        if not field and err.get("type") == BILINGUAL:
            field = str((err.get("ctx") or {}).get("field") or "")
        name = (prefix + field.replace(".", delimiter).upper()) if field else ""
        value = _shown(err.get("input"))
        got_en, got_uk = (f", got {value}", f", отримано {value}") if value else ("", "")
        if name:
            lines.append(
                error_line(prog, f"setting {name} {en}{got_en}", f"налаштування {name} {uk}{got_uk}")
            )
        else:
            lines.append(error_line(prog, f"settings: {en}", f"налаштування: {uk}"))
    return lines


def _env_naming(title: str) -> tuple[str, str]:
    """(env prefix, nested delimiter) of the settings class named ``title``; ("", ".") if unknown."""
    pending: list[type[BaseSettings]] = [BaseSettings]
    while pending:
        cls = pending.pop()
        if cls.__name__ == title and cls is not BaseSettings:
            config = cls.model_config
            return str(config.get("env_prefix") or ""), str(config.get("env_nested_delimiter") or "__")
        pending.extend(cls.__subclasses__())
    return "", "."


def _shown(value: Any) -> str:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = repr(value) if isinstance(value, str) else str(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return ""
