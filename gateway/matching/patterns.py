"""Plates and patterns as people type them (watchlist entries, searches), in the grammar's normal form."""

from __future__ import annotations

import re

from shared.plate_grammar import normalize
from shared.plate_grammar.normalize import latin_typed_series

WILDCARDS = "?*"
MAX_LEN = 16


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


def literals(pattern: str) -> int:
    """How many characters of ``pattern`` are letters or digits, not wildcards."""
    return sum(1 for c in pattern if c not in WILDCARDS)


def normalize_pattern(text: str) -> tuple[str, bool]:
    """A plate or pattern as a person typed it, in ``normal_form``, and whether it has wildcards;
    ``PatternError`` (in English and Ukrainian) when it is empty, too long or too vague."""
    pattern = normal_form(text)
    literal = literals(pattern)
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
