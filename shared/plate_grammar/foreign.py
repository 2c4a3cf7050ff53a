"""Foreign plates seen on Ukrainian roads: letter/digit layouts that settle O/0 and I/1.

Cars from the neighbouring countries and the rest of Europe cross Ukrainian communities every day. Their
plates are kept with format ``unknown`` (the Ukrainian grammar has no say in them), but their fonts
draw O and 0, I and 1 almost alike, and the OCR cannot tell them apart by shape alone. Most European
plates print letters and digits in fixed runs, so the run a character sits in says which it is: in
``BA 302 OZ`` (Slovakia) the sixth character is a letter.

Only the layouts shared by several countries or used by a neighbour are listed, and a reading is changed
only when it fits none of them as read and exactly one changed text fits with the fewest look-alike
swaps (at most two). A text that fits a layout as read is never touched.
"""

from __future__ import annotations

#: (layout, where it is printed). "L" a letter, "D" a digit; separators are not part of the text.
LAYOUTS: tuple[tuple[str, str], ...] = (
    ("LLDDDLL", "Slovakia, France (SIV), Italy"),
    ("LLDDLLL", "Romania (counties), United Kingdom"),
    ("LDDDLLL", "Romania (Bucharest)"),
    ("LLLDDD", "Hungary (until 2022), Moldova"),
    ("LLLLDDD", "Hungary (since 2022)"),
    ("DDDDLLL", "Spain"),
)

#: look-alikes a swap may make: the glyph read -> the glyph the layout wants
_SWAPS = {"0": "O", "O": "0", "1": "I", "I": "1"}
MAX_SWAPS = 2


def _fits(c: str, slot: str) -> bool:
    return c.isdigit() if slot == "D" else c.isalpha() and c.isascii()


def _swapped(text: str, layout: str) -> tuple[str, int] | None:
    """``text`` with the look-alike swaps that make it fit ``layout``, and how many; None if it can't."""
    if len(text) != len(layout):
        return None
    out, swaps = [], 0
    for c, slot in zip(text, layout, strict=True):
        if _fits(c, slot):
            out.append(c)
            continue
        alike = _SWAPS.get(c)
        if alike is None or not _fits(alike, slot):
            return None
        out.append(alike)
        swaps += 1
    return "".join(out), swaps


def _fittings(text: str) -> list[tuple[str, int]]:
    """``text`` swapped to fit each layout it can fit within ``MAX_SWAPS``, with the number of swaps."""
    return [s for layout, _ in LAYOUTS if (s := _swapped(text, layout)) is not None and s[1] <= MAX_SWAPS]


def without_country_code(text: str) -> str | None:
    """A foreign plate read with the country code under the EU stars as its first letter (``SRK867AD``:
    the "SK" of Slovakia, read as an ``S``): the rest, its O/0 and I/1 settled, when the whole text fits
    no layout and the rest does; else None."""
    if len(text) < 2 or not text[0].isalpha() or _fittings(text) or not _fittings(text[1:]):
        return None
    return fit_foreign(text[1:])


def fit_foreign(text: str) -> str:
    """``text`` (normalised, Latin) with O/0 and I/1 settled by the one foreign layout it fits best.

    Unchanged when it fits a layout as read, fits none within ``MAX_SWAPS``, or the best fits disagree.
    """
    fits = _fittings(text)
    if not fits or any(n == 0 for _, n in fits):
        return text
    fewest = min(n for _, n in fits)
    texts = {t for t, n in fits if n == fewest}
    return texts.pop() if len(texts) == 1 else text
