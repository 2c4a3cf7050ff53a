"""Request-body parse errors of Starlette and FastAPI in English and Ukrainian.

Starlette words a broken multipart form (``Invalid multipart data.``, ``Too many files. ...``) and
FastAPI a body it cannot parse (``There was an error parsing the body``) in English only, as the detail
of an HTTP 400. ``describe_body_error`` turns such a detail into an error code and an (English,
Ukrainian) pair, so the services answer a broken upload as they answer every other bad input; a detail
it does not know gets ``None`` and the caller's general wording.
"""

from __future__ import annotations

import re

_MULTIPART = "bad_multipart"

#: (pattern of the framework's detail, code, English, Ukrainian); ``{n}`` is the number the detail names
_DETAILS: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (
        re.compile(r"Invalid multipart data\.?"),
        _MULTIPART,
        "The multipart form cannot be parsed: its boundaries or part headers are broken.",
        "Форму multipart неможливо розібрати: пошкоджені межі або заголовки її частин.",
    ),
    (
        re.compile(r"Missing boundary in multipart\.?"),
        _MULTIPART,
        "The multipart form has no boundary in its Content-Type header.",
        "У заголовку Content-Type форми multipart немає межі (boundary).",
    ),
    (
        re.compile(r"Missing closing boundary in multipart\.?"),  # the services' own check: cut off
        _MULTIPART,
        "The multipart form ends before its closing boundary: it was cut off.",
        "Форма multipart закінчується до завершальної межі: її обрізано.",
    ),
    (
        re.compile(r"Repeated Content-Disposition header in a multipart part\.?"),  # the services' own
        _MULTIPART,
        "A part of the multipart form has more than one Content-Disposition header.",
        "Частина форми multipart має більше ніж один заголовок Content-Disposition.",
    ),
    (
        re.compile(r"Too many files\. Maximum number of files is (\d+)\.?"),
        _MULTIPART,
        "The multipart form holds too many files; at most {n} are accepted.",
        "Форма multipart містить забагато файлів; приймається щонайбільше {n}.",
    ),
    (
        re.compile(r"Too many fields\. Maximum number of fields is (\d+)\.?"),
        _MULTIPART,
        "The multipart form holds too many fields; at most {n} are accepted.",
        "Форма multipart містить забагато полів; приймається щонайбільше {n}.",
    ),
    (
        re.compile(r"(?:Part|Field) exceeded maximum size of (\d+)KB\.?"),
        _MULTIPART,
        "A field of the multipart form is larger than {n} KB.",
        "Поле форми multipart більше за {n} КБ.",
    ),
    (
        re.compile(r'The Content-Disposition header field "name" must be provided\.?'),
        _MULTIPART,
        "A part of the multipart form has no field name (Content-Disposition without name).",
        "Частина форми multipart не має назви поля (Content-Disposition без name).",
    ),
    (
        re.compile(r"There was an error parsing the body\.?"),
        "bad_body",
        "The request body cannot be parsed (a broken multipart form or JSON).",
        "Тіло запиту неможливо розібрати (пошкоджена форма multipart або JSON).",
    ),
)


def describe_body_error(detail: object) -> tuple[str, str, str] | None:
    """``(code, English, Ukrainian)`` for a framework's body-parse detail, or ``None`` if unknown.

    The code is ``bad_multipart`` for a broken multipart form, ``bad_body`` for a body FastAPI could
    not parse (a form or JSON)."""
    if not isinstance(detail, str):
        return None
    text = detail.strip()
    for pattern, code, en, uk in _DETAILS:
        found = pattern.fullmatch(text)
        if found:
            n = found.group(1) if found.groups() else ""
            return code, en.format(n=n), uk.format(n=n)
    return None
