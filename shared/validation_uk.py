"""Pydantic validation errors in English and Ukrainian, for every 4xx a person reads.

Pydantic words its errors in English only. ``describe`` turns one error (an item of
``ValidationError.errors()``) into an (English, Ukrainian) pair by its ``type`` and ``ctx``; an error
type without a Ukrainian wording gets a general Ukrainian sentence with pydantic's own English text
kept beside it, so nothing is lost and nothing is left only in English.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic_core import PydanticCustomError

_LOC_SKIP = ("body", "query", "path", "header", "cookie")
#: the error type of ``invalid``: a validator's own check, worded by it in both languages
BILINGUAL = "varta_invalid"


def invalid(en: str, uk: str, field: str = "") -> PydanticCustomError:
    """A validator's own error in English and Ukrainian: raise it instead of ``ValueError``.

    ``field`` names what is wrong when the check spans a whole model (its error has no field of its
    own), e.g. ``expires_at`` for "must be after starts_at"."""
    return PydanticCustomError(BILINGUAL, "{en}", {"en": en, "uk": uk, "field": field})


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def field_name(loc: Sequence[Any]) -> str:
    """``("body", "cameras", 0, "fps")`` -> ``cameras[0].fps`` (the request part left out)."""
    out = ""
    for part in loc:
        if part in _LOC_SKIP and not out:
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(err: Mapping[str, Any]) -> tuple[str, str]:
    """(English, Ukrainian) wording of one pydantic error, without the field name."""
    kind = str(err.get("type", ""))
    ctx: Mapping[str, Any] = err.get("ctx") or {}
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    bounds = {
        "greater_than": ("must be > {}", "має бути більше за {}", "gt"),
        "greater_than_equal": ("must be >= {}", "має бути не менше {}", "ge"),
        "less_than": ("must be < {}", "має бути менше за {}", "lt"),
        "less_than_equal": ("must be <= {}", "має бути не більше {}", "le"),
        "string_too_short": (
            "must have at least {} characters",
            "має мати не менше {} символів",
            "min_length",
        ),
        "string_too_long": (
            "must have at most {} characters",
            "має мати не більше {} символів",
            "max_length",
        ),
        "too_short": ("must have at least {} items", "має містити щонайменше {} елементів", "min_length"),
        "too_long": ("must have at most {} items", "має містити щонайбільше {} елементів", "max_length"),
    }
    if kind == BILINGUAL:
        return str(ctx.get("en", msg)), str(ctx.get("uk", msg))
    if kind in bounds:
        en, uk, key = bounds[kind]
        value = _num(ctx.get(key))
        return en.format(value), uk.format(value)
    fixed = {
        "missing": ("required field is missing", "обов'язкове поле відсутнє"),
        "extra_forbidden": ("unknown field (not allowed here)", "невідоме поле (тут не дозволене)"),
        "int_parsing": ("must be a whole number", "має бути цілим числом"),
        "int_type": ("must be a whole number", "має бути цілим числом"),
        "int_from_float": ("must be a whole number", "має бути цілим числом"),
        "float_parsing": ("must be a number", "має бути числом"),
        "float_type": ("must be a number", "має бути числом"),
        "bool_parsing": ("must be true or false", "має бути true або false"),
        "bool_type": ("must be true or false", "має бути true або false"),
        "string_type": ("must be text", "має бути текстом"),
        "string_unicode": (
            "must be valid Unicode text (no lone surrogate code points)",
            "має бути коректним текстом Юнікоду (без окремих сурогатних кодів)",
        ),
        "int_parsing_size": ("is too long a number", "задовге число"),
        "finite_number": ("must be a finite number", "має бути скінченним числом"),
        "date_type": ("must be a date (YYYY-MM-DD)", "має бути датою (РРРР-ММ-ДД)"),
        "list_type": ("must be a list", "має бути списком"),
        "dict_type": ("must be an object", "має бути об'єктом"),
        "model_type": ("must be an object", "має бути об'єктом"),
        "model_attributes_type": ("must be an object", "має бути об'єктом"),
        "json_invalid": ("is not valid JSON", "не є коректним JSON"),
        "datetime_parsing": (
            "must be a date and time (RFC 3339, e.g. 2026-11-26T08:15:00+02:00)",
            "має бути датою й часом (RFC 3339, напр. 2026-11-26T08:15:00+02:00)",
        ),
        "datetime_from_date_parsing": (
            "must be a date and time (RFC 3339, e.g. 2026-11-26T08:15:00+02:00)",
            "має бути датою й часом (RFC 3339, напр. 2026-11-26T08:15:00+02:00)",
        ),
        "datetime_type": ("must be a date and time", "має бути датою й часом"),
        "timezone_aware": ("needs a time zone (e.g. +02:00 or Z)", "потрібен часовий пояс (+02:00 або Z)"),
        "time_parsing": (
            "must be a time of day, HH:MM or HH:MM:SS, with an optional zone (e.g. 08:00 or 08:00+02:00)",
            "має бути часом доби, ГГ:ХХ або ГГ:ХХ:СС, можна з поясом (напр. 08:00 або 08:00+02:00)",
        ),
        "time_type": ("must be a time of day (HH:MM)", "має бути часом доби (ГГ:ХХ)"),
        "date_parsing": ("must be a date (YYYY-MM-DD)", "має бути датою (РРРР-ММ-ДД)"),
        "date_from_datetime_parsing": ("must be a date (YYYY-MM-DD)", "має бути датою (РРРР-ММ-ДД)"),
        "uuid_parsing": ("must be a UUID", "має бути UUID"),
        "url_parsing": ("must be a URL", "має бути URL-адресою"),
        "url_scheme": ("has a scheme that is not allowed", "має недозволену схему"),
    }
    if kind in fixed:
        return fixed[kind]
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        return f"must be one of {expected}", f"має бути одним із: {expected.replace(' or ', ' або ')}"
    if msg.startswith("Expected UploadFile"):  # a form's file field sent as a text field
        return (
            "must be a file (a multipart part with a filename), not a text field",
            "має бути файлом (частина multipart з назвою файлу), а не текстовим полем",
        )
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        return f"does not match the pattern {pattern}", f"не відповідає шаблону {pattern}"
    return msg, f"недійсне значення ({msg})"


def describe_all(errors: Sequence[Mapping[str, Any]], fallback: str = "request") -> tuple[str, str, str]:
    """(field, English, Ukrainian) for the first error of a request: what a 422 answer names."""
    if not errors:
        return "", f"{fallback}: invalid", "запит: недійсний"
    first = errors[0]
    ctx: Mapping[str, Any] = first.get("ctx") or {}
    # a body that is not JSON at all is located by a character position, which names no field
    field = "" if first.get("type") == "json_invalid" else field_name(first.get("loc", ()))
    if not field and first.get("type") == BILINGUAL:
        field = str(ctx.get("field") or "")
    en, uk = describe(first)
    return field, f"{field or fallback}: {en}", f"{field or 'запит'}: {uk}"
