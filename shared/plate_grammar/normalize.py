"""Normalisation of OCR text to the one form the grammar works on.

Ukrainian plates print only the 12 Cyrillic letters that look like Latin ones
(А В С Е Н І К М О Р Т Х). PP-OCR reads them as Latin, a Cyrillic model or a
person typing may give Cyrillic: both become the Latin look-alike, upper case.
Separators (spaces, dashes, dots, any punctuation) are dropped. Every other
letter or digit is kept, upper-cased, so a foreign plate is never lost.
"""

from __future__ import annotations

import re
import unicodedata

from .regions import E_SERIES, E_SERIES_LETTERS

#: The 12 letters of Ukrainian plates, in their Latin look-alike form.
PLATE_LETTERS = frozenset("ABCEHIKMOPTX")
DIGITS = frozenset("0123456789")

# Cyrillic upper case -> Latin look-alike. Ї (I with diaeresis) is folded to I:
# plates have no Ї, and OCR or people produce it for a dotted І. Й is kept: it
# looks like И, which has no Latin twin, so it is not a plate letter.
_CYR_TO_LAT = {
    "А": "A",
    "В": "B",
    "С": "C",
    "Е": "E",
    "Н": "H",
    "І": "I",
    "Ї": "I",
    "К": "K",
    "М": "M",
    "О": "O",
    "Р": "P",
    "Т": "T",
    "Х": "X",
}
_TRANSLATE = str.maketrans(_CYR_TO_LAT)
#: A regex character class of the 12 plate letters ("[ABCEHIKMOPTX]").
LETTER_CLASS = f"[{''.join(sorted(PLATE_LETTERS))}]"


def _typed_ev_series(letter: str, digit: str, taxi_t: str) -> re.Pattern[str]:
    prefix = letter[:-1] + "".join(sorted(E_SERIES_LETTERS)) + "]"  # a region's letters or an online series'
    return re.compile(rf"{prefix}{{2}}{digit}{{4}}(?:У{letter}|{taxi_t}У)")


# An electric vehicle's series starts with a Latin Y, which the MVS calls "У, for Україна": people type
# it in Cyrillic. Only in that place, where it can be nothing else, does У become Y; and as the second
# letter of an electric taxi's series TY.
_EV_TYPED_CYRILLIC = {
    False: _typed_ev_series(LETTER_CLASS, r"\d", "T"),
    # a watchlist pattern of that shape (``АА 12?? УА``), where ``?`` stands for any one character
    True: _typed_ev_series(LETTER_CLASS[:-1] + "?]", "[0-9?]", "[T?]"),
}


def _typed_e_series(letter: str, digit: str) -> re.Pattern[str]:
    typed = "|".join(sorted(code.replace("D", "Д") for code in E_SERIES))  # ДI|PД|EД|ДC
    series = letter[:-1] + "У]"  # an electric series' Y typed as У too
    return re.compile(rf"(?:{typed}){digit}{{4}}{series}{{2}}")


# The nationwide series of vehicles registered online (DI, PD, ED, DC since 2023) print a Latin D, which
# people may type as the Cyrillic Д. Only there, as the D of one of those four prefixes of a current
# plate's shape, does Д become D (``regions.E_SERIES``).
_E_SERIES_TYPED_CYRILLIC = {
    False: _typed_e_series(LETTER_CLASS, r"\d"),
    True: _typed_e_series(LETTER_CLASS[:-1] + "?]", "[0-9?]"),
}


def latin_typed_series(text: str, wildcards: bool = False) -> str:
    """``text`` (normalised but for this) with the Cyrillic У of an electric series as the Latin Y,
    and the Cyrillic Д of an online-registration series (``ДІ 1234 АА``) as the Latin D, when it has
    that shape; ``wildcards``: ``?`` may stand in any place of it but the series' letters."""
    if _E_SERIES_TYPED_CYRILLIC[wildcards].fullmatch(text):
        text = text[:2].replace("Д", "D") + text[2:]
    if _EV_TYPED_CYRILLIC[wildcards].fullmatch(text):
        text = text[:6] + text[6:].replace("У", "Y")
    return text


def normalize(text: str) -> str:
    """Upper-case, Cyrillic look-alikes to Latin, separators removed.

    >>> normalize("аа 1234-вв")
    'AA1234BB'
    """
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).upper().translate(_TRANSLATE)
    return latin_typed_series("".join(ch for ch in folded if ch.isalnum()))


def shape(text: str) -> str:
    """Character classes of a normalised text: 'L' plate letter, 'D' digit, 'X' other."""
    return "".join("D" if c in DIGITS else "L" if c in PLATE_LETTERS else "X" for c in text)
