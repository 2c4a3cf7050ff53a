"""Confusion-aware edit distance between plate texts.

Substituting one character for a glyph-alike (O/0, B/8, I/1, ...) costs less
than any other substitution, so a one-character OCR confusion stays close to
the true plate while a genuinely different plate does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .normalize import normalize

#: Cost of a substitution between glyphs that plate fonts and OCR mix up most.
STRONG = 0.3
#: Cost of a substitution between glyphs that are alike but confused less often.
MEDIUM = 0.5
#: Cost of any other substitution, and of an insertion or a deletion.
OTHER = 1.0

# Pairs after normalisation (Latin look-alikes). Chosen by glyph shape in the
# DIN-like plate fonts, not by keyboard or phonetics: round (O 0 D Q), stroke
# (I 1 L), the closed-bowl pairs (B 8), and the classic digit/letter twins of
# licence-plate OCR (S 5, Z 2, G 6, A 4, T 7), plus letter pairs that differ by
# one stroke (E F, C G, P R, H N, K X) and M N, whose strokes run together on a
# small plate. Cyrillic З/Б stay Cyrillic after normalisation and look like 3/6.
_PAIRS: tuple[tuple[str, str, float], ...] = (
    ("O", "0", STRONG),
    ("D", "0", STRONG),
    ("Q", "0", STRONG),
    ("O", "D", STRONG),
    ("O", "Q", STRONG),
    ("I", "1", STRONG),
    ("B", "8", STRONG),
    ("З", "3", STRONG),
    ("L", "1", MEDIUM),
    ("S", "5", MEDIUM),
    ("Z", "2", MEDIUM),
    ("G", "6", MEDIUM),
    ("Б", "6", MEDIUM),
    ("A", "4", MEDIUM),
    ("T", "7", MEDIUM),
    ("E", "F", MEDIUM),
    ("C", "G", MEDIUM),
    ("P", "R", MEDIUM),
    ("H", "N", MEDIUM),
    ("M", "N", MEDIUM),
    ("K", "X", MEDIUM),
)


def _build() -> dict[tuple[str, str], float]:
    table: dict[tuple[str, str], float] = {}
    for a, b, cost in _PAIRS:
        table[(a, b)] = cost
        table[(b, a)] = cost
    return table


#: (a, b) -> substitution cost, symmetric: both (a, b) and (b, a) are present.
CONFUSABLE: Mapping[tuple[str, str], float] = MappingProxyType(_build())

# char -> {char: cost}: the fast lookup used in the inner loop.
_SUB: dict[str, dict[str, float]] = {}
for (_a, _b), _cost in CONFUSABLE.items():
    _SUB.setdefault(_a, {})[_b] = _cost


def substitution_cost(a: str, b: str) -> float:
    """Cost of reading ``b`` where ``a`` is printed (0 when equal)."""
    if a == b:
        return 0.0
    row = _SUB.get(a)
    if row is not None:
        return row.get(b, OTHER)
    return OTHER


def plate_distance(
    a: str, b: str, max_distance: float | None = None, *, assume_normalized: bool = False
) -> float:
    """Weighted Levenshtein distance between two plate texts.

    Both texts are normalised first (pass ``assume_normalized=True`` when they
    already are, to save the work in a hot loop). With ``max_distance`` the
    computation stops as soon as the result is certain to exceed it and returns
    a value greater than ``max_distance`` (not necessarily the exact distance).
    """
    if not assume_normalized:
        a = normalize(a)
        b = normalize(b)
    if a == b:
        return 0.0
    la, lb = len(a), len(b)
    if max_distance is not None and abs(la - lb) * OTHER > max_distance:
        return abs(la - lb) * OTHER
    if la < lb:  # keep the inner row the shorter one
        a, b, la, lb = b, a, lb, la
    if lb == 0:
        return la * OTHER
    prev = [j * OTHER for j in range(lb + 1)]
    sub = _SUB
    for i in range(1, la + 1):
        ca = a[i - 1]
        row = sub.get(ca)
        cur = [i * OTHER]
        best = cur[0]
        for j in range(1, lb + 1):
            cb = b[j - 1]
            if ca == cb:
                s = prev[j - 1]
            elif row is not None:
                s = prev[j - 1] + row.get(cb, OTHER)
            else:
                s = prev[j - 1] + OTHER
            d = prev[j] + OTHER
            if d < s:
                s = d
            ins = cur[j - 1] + OTHER
            if ins < s:
                s = ins
            cur.append(s)
            if s < best:
                best = s
        if max_distance is not None and best > max_distance:
            return best
        prev = cur
    return prev[lb]
