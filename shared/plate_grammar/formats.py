"""Formats of plates that drive on Ukrainian roads: identification and validation.

All functions take any text, normalise it and work on the normalised form, in
which plate letters are the Latin look-alikes ``ABCEHIKMOPTX``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from .distance import CONFUSABLE
from .normalize import DIGITS, LETTER_CLASS, PLATE_LETTERS, normalize
from .regions import E_SERIES_LETTERS, REGIONS_1995, Region, region_for_number, region_for_prefix


class PlateFormat(StrEnum):
    CURRENT = "current"  # 2004/2015 (DSTU 4278): AA 1234 BB, cars, buses, trailers, moto
    #: zero-emission vehicles since 2020 (green characters): the current layout with a series of Latin
    #: Y (since May 2022) or Z (2020-2022) and a plate letter, AA 1234 YA; electric taxis TV/TW/TY/TZ
    ELECTRIC = "electric"
    LEGACY_1995 = "legacy_1995"  # 1995-2004: [01] 123-45 AA
    #: red transit plate: two letters and four digits after a small prefix, the region's number
    #: (``01 AA 1234``) or, by the kind of temporary registration, a letter and a digit (``т1 CP 5140``)
    TRANSIT = "transit"
    DIPLOMATIC = "diplomatic"  # CDP 001, DP/CC/S/D 001 123
    MILITARY = "military"  # Armed Forces, black: 1234 A5 (the letter may be any Cyrillic one)
    PERSONALISED = "personalised"  # individual plate: 3-8 letters/digits of the plate alphabet
    UNKNOWN = "unknown"  # foreign or unrecognised: kept, normalised


@dataclass(frozen=True)
class ParsedPlate:
    text: str
    format: PlateFormat
    region: Region | None = None
    valid: bool = False
    lines: int = 1
    #: OCR confusions fixed to reach this reading (set by ``correct``)
    corrections: int = 0
    #: ranking cost of this reading (0 for the text as read; set by ``correct``)
    cost: float = 0.0

    @property
    def prior(self) -> float:
        """Ranking cost of the format itself: how much rarer on the road than a current plate (nats)."""
        return FORMAT_PRIOR[self.format]


#: Format priors in nats, added to a reading's cost when readings are ranked. Current plates are by far
#: the most common on Ukrainian roads; 1995 plates are being replaced, transit plates are short-lived,
#: diplomatic and military plates are rare. The values are tempered (about half the log of the
#: frequency ratio), so OCR evidence still decides: a rare format read as-is wins, but one glyph fix
#: into a rare format no longer beats the text as read.
FORMAT_PRIOR: dict[PlateFormat, float] = {
    PlateFormat.CURRENT: 0.0,
    PlateFormat.ELECTRIC: 0.0,  # the current layout; no look-alike turns one series into the other
    PlateFormat.LEGACY_1995: 0.5,
    PlateFormat.TRANSIT: 1.0,
    PlateFormat.DIPLOMATIC: 2.0,
    PlateFormat.MILITARY: 2.0,
    PlateFormat.PERSONALISED: 0.0,  # ranked in a tier of its own
    PlateFormat.UNKNOWN: 0.0,
}


_L = LETTER_CLASS
#: letters of a current plate's prefix: the 12 look-alikes and the D of the online series (DI, PD, ED, DC)
PREFIX_LETTERS = PLATE_LETTERS | E_SERIES_LETTERS
_R = f"[{''.join(sorted(PREFIX_LETTERS))}]"
_ANY_LETTER = f"{_L[:-1]}А-ЯҐЄІЇ]"  # a plate letter or any Cyrillic capital (military plates): [...А-ЯҐЄІЇ]

_CURRENT = re.compile(rf"({_R}{{2}})(\d{{4}})({_L}{{2}})")
_ELECTRIC = re.compile(rf"({_R}{{2}})(\d{{4}})([YZ]{_L}|T[VWYZ])")
_LEGACY = re.compile(rf"(\d{{2}})?(\d{{5}})({_L}{{2}})")
_TRANSIT_PREFIX = r"\d{2}|T\d"  # the region's number, or T and a digit
_TRANSIT = re.compile(rf"({_TRANSIT_PREFIX})({_L}{{2}})(\d{{4}})")
#: the same in a search pattern, ``?`` for any one character and any Latin capital as a letter (a
#: search may be for a read of no known format)
_LEGACY_PATTERN = re.compile(r"([\d?]{2})?([\d?]{5})([A-Z?]{2})")
_TRANSIT_BODY = re.compile(rf"({_TRANSIT_PREFIX})?({_L}{{2}}\d{{4}})")
_TRANSIT_PATTERN = re.compile(r"([\d?]{2}|T[\d?])?([A-Z?]{2}[\d?]{4})")
_DIPLOMATIC = re.compile(r"(CDP)(\d{3})|(DP|CC|S|D)(\d{3})(\d{3})")
_MILITARY = re.compile(rf"(\d{{4}})({_ANY_LETTER}\d)")
# A standard plate with a character missing, extra or misread: never personalised.
_DAMAGED = re.compile(r"[A-Z]{1,3}\d{3,5}[A-Z]{1,3}|[A-Z]{2}\d{2,6}|\d{2,6}[A-Z]{2}")
# Ukrainian letters allowed on individual plates besides the Latin look-alikes.
_UA_LETTERS = frozenset("БГҐДЄЖЗИЙЛПУФЦЧШЩЬЮЯ")


# Slot kinds per position: "L" plate letter, "D" digit, "A" plate letter or Cyrillic, "=X" literal X,
# "R" a letter of a current plate's prefix (``PREFIX_LETTERS``; the region table decides the pair),
# "E" the first letter of an electric series (Y, Z), "W" the second letter of an electric taxi's (V W Y Z).
_D6 = ("D",) * 6
TEMPLATES: tuple[tuple[PlateFormat, tuple[str, ...]], ...] = (
    (PlateFormat.CURRENT, ("R", "R", "D", "D", "D", "D", "L", "L")),
    (PlateFormat.ELECTRIC, ("R", "R", "D", "D", "D", "D", "E", "L")),
    (PlateFormat.ELECTRIC, ("R", "R", "D", "D", "D", "D", "=T", "W")),
    (PlateFormat.TRANSIT, ("D", "D", "L", "L", "D", "D", "D", "D")),
    (PlateFormat.TRANSIT, ("=T", "D", "L", "L", "D", "D", "D", "D")),
    (PlateFormat.LEGACY_1995, ("D",) * 5 + ("L", "L")),
    (PlateFormat.LEGACY_1995, ("D",) * 7 + ("L", "L")),
    (PlateFormat.MILITARY, ("D", "D", "D", "D", "A", "D")),
    (PlateFormat.DIPLOMATIC, ("=C", "=D", "=P", "D", "D", "D")),
    (PlateFormat.DIPLOMATIC, ("=D", "=P", *_D6)),
    (PlateFormat.DIPLOMATIC, ("=C", "=C", *_D6)),
    (PlateFormat.DIPLOMATIC, ("=S", *_D6)),
    (PlateFormat.DIPLOMATIC, ("=D", *_D6)),
)


def fits(c: str, slot: str) -> bool:
    """Does character ``c`` belong in a template slot?"""
    if slot == "L":
        return c in PLATE_LETTERS
    if slot == "R":
        return c in PREFIX_LETTERS
    if slot == "D":
        return c in DIGITS
    if slot == "A":
        return c in PLATE_LETTERS or "А" <= c <= "Я" or c in "ҐЄІЇ"
    if slot == "E":
        return c in "YZ"
    if slot == "W":
        return c in "VWYZ"
    return c == slot[1]


@functools.cache
def fixes(c: str, slot: str) -> tuple[tuple[str, float], ...]:
    """Glyph-alikes of ``c`` that belong in ``slot``, with their confusion cost (cached: the plate
    search asks for the same few pairs thousands of times a frame)."""
    return tuple((t, cost) for (a, t), cost in CONFUSABLE.items() if a == c and fits(t, slot))


def fix_budget(length: int, requested: int) -> int:
    """Confusion fixes allowed in a text of ``length``: one per four characters, rounded (a 7-character
    1995 plate may have both letters of its suffix read as digits, "12345OO" read "1234500")."""
    return max(0, min(requested, max(1, (length + 1) // 4)))


def can_start(head: str) -> bool:
    """Could a structured Ukrainian plate begin with the characters ``head`` (normalised; a letter pair
    starts a current or electric plate only as a region's prefix)?

    ``can_start("BH")`` (Odesa Oblast's prefix) is True, ``can_start("RK")`` (a Slovak district's) False."""
    head = normalize(head)
    for fmt, template in TEMPLATES:
        if len(head) > len(template) or not all(fits(c, s) for c, s in zip(head, template, strict=False)):
            continue
        prefixed = fmt in (PlateFormat.CURRENT, PlateFormat.ELECTRIC) and len(head) >= 2
        if not prefixed or region_for_prefix(head[:2]) is not None:
            return True
    return False


def _near_structured(text: str) -> bool:
    """Could confusion fixes within budget make ``text`` fit a structured template?"""
    budget = fix_budget(len(text), 2)
    for _fmt, template in TEMPLATES:
        if len(template) != len(text):
            continue
        misfits = [(c, slot) for c, slot in zip(text, template, strict=True) if not fits(c, slot)]
        if len(misfits) <= budget and all(fixes(c, slot) for c, slot in misfits):
            return True
    return False


def _structured(text: str) -> ParsedPlate | None:
    """Exact structural match; region checks decide ``valid``."""
    if m := _CURRENT.fullmatch(text):
        region = region_for_prefix(m.group(1))
        return ParsedPlate(text, PlateFormat.CURRENT, region, region is not None)
    if m := _ELECTRIC.fullmatch(text):
        region = region_for_prefix(m.group(1))
        return ParsedPlate(text, PlateFormat.ELECTRIC, region, region is not None)
    if m := _TRANSIT.fullmatch(text):
        lettered = m.group(1)[0] == "T"  # a kind of temporary registration, no region
        region = None if lettered else region_for_number(m.group(1))
        return ParsedPlate(text, PlateFormat.TRANSIT, region, lettered or region is not None)
    if m := _LEGACY.fullmatch(text):
        code = m.group(1)
        region = region_for_number(code) if code else None
        return ParsedPlate(text, PlateFormat.LEGACY_1995, region, code is None or region is not None)
    if m := _DIPLOMATIC.fullmatch(text):
        mission = m.group(2) or m.group(4)
        return ParsedPlate(text, PlateFormat.DIPLOMATIC, None, mission != "000")
    if _MILITARY.fullmatch(text):
        return ParsedPlate(text, PlateFormat.MILITARY, None, True)
    return None


def _personalised_ok(text: str) -> bool:
    if not 3 <= len(text) <= 8 or text.isdigit():
        return False
    if any(not (c.isdigit() or c in PLATE_LETTERS or c in _UA_LETTERS) for c in text):
        return False
    return _DAMAGED.fullmatch(text) is None and not _near_structured(text)


def parse(text: str, lines: int | None = None) -> ParsedPlate:
    """Identify the format of ``text`` and validate it.

    ``lines`` is the physical layout when the caller knows it (a two-line moto
    or trailer plate joined top line first); it is copied into the result.
    Text of no Ukrainian format comes back normalised as ``UNKNOWN``.
    """
    norm = normalize(text)
    n_lines = lines if lines is not None else 1
    parsed = _structured(norm)
    if parsed is None:
        if _personalised_ok(norm):
            parsed = ParsedPlate(norm, PlateFormat.PERSONALISED, None, True)
        else:
            parsed = ParsedPlate(norm, PlateFormat.UNKNOWN, None, False)
    if n_lines != 1:
        parsed = ParsedPlate(parsed.text, parsed.format, parsed.region, parsed.valid, n_lines)
    return parsed


#: the small prefixes: a 1995 or transit plate's region number, and a lettered transit plate's
_REGION_NUMBERS = tuple(sorted(REGIONS_1995))
_LETTERED_PREFIXES = tuple(f"T{d}" for d in "0123456789")


def same_plate_texts(text: str, wildcards: bool = False) -> tuple[str, ...]:
    """The other texts of the plate ``text`` (normalised). A plate that prints a small prefix before its
    number is one plate with or without it: a camera may miss the prefix and a person may leave it out.
    A 1995 plate prints its two-digit region number so (its letter series already tells the region), a
    transit plate its region's number or a letter and a digit (``T1``). ``wildcards``: ``text`` may be a
    search pattern, where ``?`` stands for any one character (for ``*``: ``same_plate_star_patterns``).

    >>> same_plate_texts("0784022PE"), same_plate_texts("T1CP5140")
    (('84022PE',), ('CP5140',))
    >>> len(same_plate_texts("84022PE"))  # one per region number, "01".."27"
    27
    >>> len(same_plate_texts("CP5140"))  # and a transit plate's "T0".."T9"
    37
    >>> same_plate_texts("840??PE", wildcards=True), same_plate_texts("07840??PE", wildcards=True)
    (('??840??PE',), ('840??PE',))
    >>> same_plate_texts("AA1234BB")
    ()
    """
    pattern = wildcards and "?" in text
    for shape, prefixes in (
        (_LEGACY_PATTERN if pattern else _LEGACY, _REGION_NUMBERS),
        (_TRANSIT_PATTERN if pattern else _TRANSIT_BODY, _REGION_NUMBERS + _LETTERED_PREFIXES),
    ):
        if (m := shape.fullmatch(text)) is None:
            continue
        body = text[len(m.group(1) or "") :]
        if m.group(1):
            return (body,)
        return ("??" + body,) if pattern else tuple(prefix + body for prefix in prefixes)
    return ()


def _slots(fmt: PlateFormat, length: int) -> tuple[str, ...]:
    return next(template for f, template in TEMPLATES if f is fmt and len(template) == length)


#: the slots of a 1995 plate's body and of a transit plate's, after their small prefix
_LEGACY_BODY, _TRANSIT_BODY_SLOTS = _slots(PlateFormat.LEGACY_1995, 7), _slots(PlateFormat.TRANSIT, 8)[2:]


def same_plate_star_patterns(pattern: str) -> tuple[tuple[str, PlateFormat, int], ...]:
    """``same_plate_texts`` for a search pattern with ``*``, which may span any characters, so its other
    form is told by the stored text's format and length: (pattern, format, length) for each.

    A pattern that starts as a plate's body (``840*PE``) finds the plate printed with its small prefix:
    ``??840*PE`` among 1995 plates of 9 characters. One that starts with a prefix (``07840*PE``, a
    region's number or ``T`` and a digit) finds the plate read without it: ``840*PE`` among 1995 plates
    of 7 characters and, for a transit plate, bodies of 6 characters (``CP5140``, which no format
    claims). The stripped pattern keeps at least three fixed characters, as any wildcard pattern must;
    a pattern that starts with ``*`` spans both forms.

    >>> same_plate_star_patterns("840*PE")
    (('??840*PE', <PlateFormat.LEGACY_1995: 'legacy_1995'>, 9),)
    >>> same_plate_star_patterns("T1CP5*")
    (('CP5*', <PlateFormat.UNKNOWN: 'unknown'>, 6),)
    """
    if "*" not in pattern or pattern.startswith("*"):
        return ()
    out: list[tuple[str, PlateFormat, int]] = []
    if _begins(pattern, _LEGACY_BODY):
        out.append(("??" + pattern, PlateFormat.LEGACY_1995, 9))
    if _begins(pattern, _TRANSIT_BODY_SLOTS):
        out.append(("??" + pattern, PlateFormat.TRANSIT, 8))
    prefix, rest = pattern[:2], pattern[2:]
    if not rest or sum(c not in "?*" for c in rest) < 3:
        return tuple(out)
    number = _may_be(prefix, _REGION_NUMBERS)
    if number and _begins(rest, _LEGACY_BODY):
        out.append((rest, PlateFormat.LEGACY_1995, 7))
    if (number or _may_be(prefix, _LETTERED_PREFIXES)) and _begins(rest, _TRANSIT_BODY_SLOTS):
        out.append((rest, PlateFormat.UNKNOWN, 6))
    return tuple(out)


def _may_be(prefix: str, codes: tuple[str, ...]) -> bool:
    """Could the pattern ``prefix`` (``?`` for any character) be one of ``codes``?"""
    return any(all(p in ("?", c) for p, c in zip(prefix, code, strict=True)) for code in codes)


def _begins(pattern: str, slots: tuple[str, ...]) -> bool:
    """Could a text of these template slots begin as ``pattern`` does, up to its first ``*``?"""
    head = pattern.split("*", 1)[0]
    return len(head) <= len(slots) and all(
        c == "?" or fits(c, slot) for c, slot in zip(head, slots, strict=False)
    )


def format_display(parsed: ParsedPlate | str) -> str:
    """The plate as people write it: ``AA 1234 BB``, ``123-45 AA``, ``DP 001 123``."""
    if isinstance(parsed, str):
        parsed = parse(parsed)
    t = parsed.text
    fmt = parsed.format
    if fmt in (PlateFormat.CURRENT, PlateFormat.ELECTRIC) and len(t) == 8:
        return f"{t[:2]} {t[2:6]} {t[6:]}"
    if fmt is PlateFormat.TRANSIT and len(t) == 8:
        return f"{t[:2]} {t[2:4]} {t[4:]}"
    if fmt is PlateFormat.LEGACY_1995:
        head, body = (t[:2] + " ", t[2:]) if len(t) == 9 else ("", t)
        return f"{head}{body[:3]}-{body[3:5]} {body[5:]}"
    if fmt is PlateFormat.DIPLOMATIC:
        m = re.fullmatch(r"([A-Z]+)(\d{3})(\d*)", t)
        if m:
            return " ".join(p for p in m.groups() if p)
    if fmt is PlateFormat.MILITARY and len(t) == 6:
        return f"{t[:4]} {t[4:]}"
    return t


def is_plausible(text: str) -> bool:
    """Could this OCR text be a plate, or one line of a two-line plate?

    True for 2 to 10 letters/digits that either hold a digit or use only the
    plate alphabet (the bottom line of a moto plate is two letters).
    """
    norm = normalize(text)
    if not 2 <= len(norm) <= 10:
        return False
    if any(c.isdigit() for c in norm):
        return True
    return all(c in PLATE_LETTERS or c in _UA_LETTERS for c in norm)
