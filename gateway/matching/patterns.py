"""Plates and patterns as people type them (watchlist entries, searches), in the grammar's normal form."""

from __future__ import annotations

import re

from shared.plate_grammar import normalize, same_plate_texts
from shared.plate_grammar.normalize import latin_typed_series

WILDCARDS = "?*"
MAX_LEN = 16
#: a 1995 plate's pattern with its region number (``07 840-?? PE``), or without it (``840-?? PE``)
_LEGACY_WITH_REGION = re.compile(r"[\d?]{7}[A-Z?]{2}")
_LEGACY_BODY = re.compile(r"[\d?]{5}[A-Z?]{2}")


class PatternError(ValueError):
    def __init__(self, detail: str, detail_uk: str) -> None:
        super().__init__(detail)
        self.detail, self.detail_uk = detail, detail_uk


def normal_form(text: str) -> str:
    """``"аа 12?? вв"`` -> ``"AA12??BB"``: look-alikes to Latin, separators dropped, runs of ``*`` as one.

    ``?`` stands for exactly one character, ``*`` for any run (possibly empty).
    """
    pieces = re.split(r"([?*])", text.strip())
    pattern = "".join(p if p in WILDCARDS else normalize(p) for p in pieces if p)
    pattern = re.sub(r"\*+", "*", pattern)
    # ``normalize`` saw the pieces between wildcards; in a pattern of an electric or online series'
    # shape (``АА 12?? УА``, ``ед 48?? ка``) a Cyrillic У or Д is the Latin one, as no read holds them
    return latin_typed_series(pattern, wildcards=True)


def normalize_pattern(text: str) -> tuple[str, bool]:
    """A plate or pattern as a person typed it, in ``normal_form``, and whether it has wildcards;
    ``PatternError`` (in English and Ukrainian) when it is empty, too long or too vague."""
    pattern = normal_form(text)
    literal = sum(1 for c in pattern if c not in WILDCARDS)
    if not pattern:
        raise PatternError("the plate is empty", "номер порожній")
    if len(pattern) > MAX_LEN:
        raise PatternError(
            f"the plate is longer than {MAX_LEN} characters", f"номер довший за {MAX_LEN} символів"
        )
    is_wildcard = literal != len(pattern)
    if is_wildcard and literal < 3:
        raise PatternError(
            "a wildcard pattern needs at least 3 fixed characters",
            "шаблон потребує щонайменше 3 відомих символів",
        )
    if not is_wildcard and literal < 2:
        raise PatternError("the plate is too short", "номер закороткий")
    return pattern, is_wildcard


def same_plate_patterns(pattern: str) -> tuple[str, ...]:
    """Other patterns (normalised) for the same plates as ``pattern``: a 1995 plate with or without its
    two-digit region number (``shared.plate_grammar.same_plate_texts``). ``840??PE`` -> ``??840??PE``,
    ``07840??PE`` -> ``840??PE``. A pattern with ``*`` is searched as typed (``*840??PE`` spans both)."""
    if not any(c in WILDCARDS for c in pattern):
        return same_plate_texts(pattern)
    if "*" in pattern:
        return ()
    if _LEGACY_WITH_REGION.fullmatch(pattern):
        return (pattern[2:],)
    if _LEGACY_BODY.fullmatch(pattern):
        return ("??" + pattern,)
    return ()
