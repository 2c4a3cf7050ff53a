"""Random plate texts of the formats that drive on Ukrainian roads, valid per shared.plate_grammar."""

from __future__ import annotations

import random

from recognizers.synth.plate import BLACK, GREEN, RED, WHITE, YELLOW, Style
from shared.plate_grammar import REGIONS, REGIONS_1995, PlateFormat, parse

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


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def plate_text(rng: random.Random, layout: str) -> tuple[str, list[str], list[str] | None, Style]:
    """(normalised text, top-line groups, bottom-line groups or None, style) of one random plate."""
    for _ in range(50):
        out = _draw(rng, layout)
        parsed = parse(out[0])
        if parsed.valid and parsed.text == out[0] and _format_ok(layout, parsed.format):
            return out
    raise RuntimeError(f"could not draw a valid {layout} plate text")


def _format_ok(layout: str, fmt: PlateFormat) -> bool:
    want = layout.removesuffix("_two_line")
    return fmt.value == want


def _draw(rng: random.Random, layout: str) -> tuple[str, list[str], list[str] | None, Style]:
    if layout in ("current", "current_two_line"):
        prefix = rng.choice(sorted(REGIONS))
        digits, suffix = _pick(rng, DIGITS, 4), _pick(rng, LETTERS, 2)
        text = prefix + digits + suffix
        if layout == "current_two_line":
            return text, [prefix], [digits, suffix], Style(two_line=True)
        return text, [prefix, digits, suffix], None, Style()
    if layout == "electric":  # green characters; an electric taxi's plate is yellow
        prefix, digits = rng.choice(sorted(REGIONS)), _pick(rng, DIGITS, 4)
        taxi = rng.random() < 0.2
        suffix = "T" + rng.choice("VWYZ") if taxi else rng.choice("YYYZ") + rng.choice(LETTERS)
        style = Style(background=YELLOW if taxi else WHITE, ink=GREEN)
        return prefix + digits + suffix, [prefix, digits, suffix], None, style
    if layout == "legacy_1995":
        body, suffix = _pick(rng, DIGITS, 5), _pick(rng, LETTERS, 2)
        return body + suffix, [f"{body[:3]}-{body[3:]}", suffix], None, Style()
    if layout == "transit":
        code = rng.choice(sorted(REGIONS_1995))
        letters, digits = _pick(rng, LETTERS, 2), _pick(rng, DIGITS, 4)
        return code + letters + digits, [code, letters, digits], None, Style(ink=RED)
    if layout == "diplomatic":
        mission = f"{rng.randint(1, 199):03d}"
        if rng.random() < 0.3:
            return "CDP" + mission, ["CDP", mission], None, Style(strip=False)
        prefix = rng.choice(["DP", "CC", "S", "D"])
        serial = _pick(rng, DIGITS, 3)
        return prefix + mission + serial, [prefix, mission, serial], None, Style(strip=False)
    if layout == "military":
        digits, letter, last = _pick(rng, DIGITS, 4), rng.choice(LETTERS), rng.choice(DIGITS)
        return digits + letter + last, [digits, letter + last], None, Style(BLACK, WHITE, strip=False)
    if layout == "personalised":
        n = rng.randint(4, 7)
        text = _pick(rng, LETTERS, n - 2) + _pick(rng, DIGITS + LETTERS, 2)
        return text, [text], None, Style()
    raise ValueError(f"unknown layout {layout!r}")
