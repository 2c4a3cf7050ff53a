"""Turn pydantic validation errors into lines that name the camera and the field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

SOURCE_TYPES = ("rtsp", "http_snapshot", "ezviz_cloud", "file", "folder", "push")


class ConfigError(Exception):
    """The configuration is invalid; ``problems`` holds one human line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(err: Any) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "greater_than":
        return f"must be > {_num(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be >= {_num(ctx.get('ge'))}"
    if kind == "less_than":
        return f"must be < {_num(ctx.get('lt'))}"
    if kind == "less_than_equal":
        return f"must be <= {_num(ctx.get('le'))}"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (not allowed here)"
    if kind == "string_pattern_mismatch":
        return f"does not match the expected pattern {ctx.get('pattern')}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return f"unknown or missing source type; expected one of {', '.join(SOURCE_TYPES)}"
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


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
