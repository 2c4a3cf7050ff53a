"""Random plate texts of the formats that drive on Ukrainian roads, valid per shared.plate_grammar."""

from __future__ import annotations

import random

from recognizers.synth.plate import BLACK, GREEN, RED, WHITE, YELLOW, Style
from shared.plate_grammar import REGIONS, REGIONS_1995, PlateFormat, parse
from shared.plate_grammar.regions import E_SERIES

LETTERS = "ABCEHIKMOPTX"
DIGITS = "0123456789"

#: (layout name, weight): how often each layout is drawn
LAYOUTS: tuple[tuple[str, float], ...] = (
    ("current", 0.45),
    ("current_two_line", 0.12),
    ("electric", 0.06),
    ("legacy_1995", 0.10),
    ("transit", 0.08),
    ("diplomatic", 0.07),
    ("military", 0.08),
    ("personalised", 0.10),
)
#: layouts drawn only when asked for, never in a set's mix (so the seeded sets stay as they were): a
#: current plate of a nationwide online-registration series (``DI``, ``PD``, ``ED``, ``DC``, since 2023),
#: and a transit plate of a kind of temporary registration, a letter and a digit before its letters (``T1``)
ON_REQUEST: tuple[str, ...] = ("current_online", "transit_lettered")
#: a current plate's prefix: the regions' letters (and II), not the online series (``current_online``)
_REGIONAL = sorted(code for code in REGIONS if code not in E_SERIES)


#: (lines, weight) of a current plate on more than one line, as photographed on Ukrainian roads: the
#: square plate of a car with a short plate recess (``AP ET / 7007``), the motorcycle's three lines
#: (``BE / 0886 / AA``), and the region's letters over the rest (``AA / 1234 BB``)
STACKED: tuple[tuple[str, float], ...] = (("square", 1.0), ("moto", 1.0), ("prefix_over", 1.0))


def _stacked(text: str, prefix: str, digits: str, suffix: str) -> tuple[list[str], list[list[str]]]:
    """The lines of a current plate drawn on more than one line. The layout is drawn from a stream of
    the plate's own text, so the draws of every other plate of a set stay as they were."""
    names, weights = zip(*STACKED, strict=True)
    layout = random.Random(text).choices(names, weights)[0]
    if layout == "square":
        return [prefix, suffix], [[digits]]
    if layout == "moto":
        return [prefix], [[digits], [suffix]]
    return [prefix], [[digits, suffix]]


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def plate_text(rng: random.Random, layout: str) -> tuple[str, list[str], list[list[str]], Style]:
    """(normalised text, first-line groups, the groups of each line below it, style) of one random plate."""
    for _ in range(50):
        out = _draw(rng, layout)
        parsed = parse(out[0])
        if parsed.valid and parsed.text == out[0] and parsed.format is layout_format(layout):
            return out
    raise RuntimeError(f"could not draw a valid {layout} plate text")


def layout_format(layout: str) -> PlateFormat:
    """The plate format a layout draws ("current_two_line" is a current plate on two or three lines,
    "current_online" one of an online-registration series, "transit_lettered" a transit plate with
    ``T`` and a digit instead of the region's number)."""
    return PlateFormat(layout.removesuffix("_two_line").removesuffix("_online").removesuffix("_lettered"))


def plate_style(text: str, fmt: PlateFormat) -> Style:
    """How a plate of this format is printed: transit red characters, military white on black,
    diplomatic without the flag strip, electric vehicles' green characters (a taxi's, series T*, on
    yellow), the rest black on white with the strip."""
    if fmt is PlateFormat.ELECTRIC:
        return Style(background=YELLOW if text[6:7] == "T" else WHITE, ink=GREEN)
    if fmt is PlateFormat.TRANSIT:
        return Style(ink=RED)
    if fmt is PlateFormat.DIPLOMATIC:
        return Style(strip=False)
    if fmt is PlateFormat.MILITARY:
        return Style(BLACK, WHITE, strip=False)
    return Style()


def _draw(rng: random.Random, layout: str) -> tuple[str, list[str], list[list[str]], Style]:
    text, top, below = _draw_text(rng, layout)
    return text, top, below, plate_style(text, layout_format(layout))


def _draw_text(rng: random.Random, layout: str) -> tuple[str, list[str], list[list[str]]]:
    if layout in ("current", "current_two_line", "current_online"):
        prefix = rng.choice(sorted(E_SERIES) if layout == "current_online" else _REGIONAL)
        digits, suffix = _pick(rng, DIGITS, 4), _pick(rng, LETTERS, 2)
        text = prefix + digits + suffix
        if layout == "current_two_line":
            return text, *_stacked(text, prefix, digits, suffix)
        return text, [prefix, digits, suffix], []
    if layout == "electric":  # series Y (Z before May 2022); an electric taxi's is TV, TW, TY or TZ
        prefix, digits = rng.choice(_REGIONAL), _pick(rng, DIGITS, 4)
        taxi = rng.random() < 0.2
        suffix = "T" + rng.choice("VWYZ") if taxi else rng.choice("YYYZ") + rng.choice(LETTERS)
        return prefix + digits + suffix, [prefix, digits, suffix], []
    if layout == "legacy_1995":
        body, suffix = _pick(rng, DIGITS, 5), _pick(rng, LETTERS, 2)
        return body + suffix, [f"{body[:3]}-{body[3:]}", suffix], []
    if layout in ("transit", "transit_lettered"):
        code = "T" + rng.choice(DIGITS) if layout == "transit_lettered" else rng.choice(sorted(REGIONS_1995))
        letters, digits = _pick(rng, LETTERS, 2), _pick(rng, DIGITS, 4)
        return code + letters + digits, [code, letters, digits], []
    if layout == "diplomatic":
        mission = f"{rng.randint(1, 199):03d}"
        if rng.random() < 0.3:
            return "CDP" + mission, ["CDP", mission], []
        prefix = rng.choice(["DP", "CC", "S", "D"])
        serial = _pick(rng, DIGITS, 3)
        return prefix + mission + serial, [prefix, mission, serial], []
    if layout == "military":
        digits, letter, last = _pick(rng, DIGITS, 4), rng.choice(LETTERS), rng.choice(DIGITS)
        return digits + letter + last, [digits, letter + last], []
    if layout == "personalised":
        n = rng.randint(4, 7)
        text = _pick(rng, LETTERS, n - 2) + _pick(rng, DIGITS + LETTERS, 2)
        return text, [text], []
    raise ValueError(f"unknown layout {layout!r}")
