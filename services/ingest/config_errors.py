"""Turn pydantic validation errors into lines that name the camera and the field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from shared.validation_uk import describe

SOURCE_TYPES = ("rtsp", "http_snapshot", "ezviz_cloud", "file", "folder", "push")


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` holds one human line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _message(err: Any) -> str:
    """The problem in English and Ukrainian: ``must be >= 30 / має бути не менше 30``."""
    if err.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        types = ", ".join(SOURCE_TYPES)
        return (
            f"unknown or missing source type; expected one of {types} / "
            f"невідомий або відсутній тип джерела; очікується один із: {types}"
        )
    en, uk = describe(err)
    return f"{en} / {uk}"


def _where(loc: tuple[Any, ...], raw: Any) -> tuple[str, list[str]]:
    """Split a location into a prefix naming the list item (``cameras[3] (id=kr-north)``) and field path."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        label = f"{section}[{index}]"
        item = None
        if isinstance(raw, dict) and isinstance(raw.get(section), list) and index < len(raw[section]):
            item = raw[section][index]
        if isinstance(item, dict):
            ident = item.get("id", item.get("name"))
            if ident is not None:
                key = "id" if "id" in item else "name"
                label += f" ({key}={ident})"
        rest = list(loc[2:])
    else:
        label, rest = "config", list(loc)
    fields: list[str] = []
    for i, part in enumerate(rest):
        # discriminated unions add the tag to the location: cameras.0.source.rtsp.url -> source.url
        if part in SOURCE_TYPES and i > 0 and rest[i - 1] == "source":
            continue
        if isinstance(part, int):
            fields.append(f"[{part}]")
        else:
            fields.append(("." if fields else "") + str(part))
    return label, fields


def format_validation_error(exc: ValidationError, raw: Any) -> list[str]:
    lines = []
    for err in exc.errors():
        label, fields = _where(tuple(err.get("loc", ())), raw)
        field = "".join(fields)
        lines.append(f"{label}: {field}: {_message(err)}" if field else f"{label}: {_message(err)}")
    return lines
