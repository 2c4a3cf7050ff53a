"""From text boxes and their reads to plate readings.

Only text that can be a plate survives (shared.plate_grammar decides; a foreign plate of 4-10 letters and
digits is kept with format ``unknown``). Per box, a few variants of the read are tried: the text as read,
with up to two leading characters dropped (the UA/EU flag strip is sometimes read as a letter) and with
one weak character inside dropped (an emblem between the region code and the number). A foreign plate's
O/0 and I/1 are settled by the European layout it fits (``shared.plate_grammar.foreign``), else by its
neighbours (``harmonise``). The grammar's
positional correction ranks them: a valid structured Ukrainian reading beats a personalised one, which
beats an unknown (foreign) one; characters dropped and confusions fixed cost evidence. Two boxes stacked
with a similar x-span are joined top line first into one two-line reading when that reads as a plate.
"""

from __future__ import annotations

import enum
import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from recognizers.plates.detector import box_height, box_width, rect_area, squarish
from recognizers.plates.reader import TextRead
from shared.plate_grammar import (
    CONFUSABLE,
    ParsedPlate,
    PlateFormat,
    correct,
    is_plausible,
    parse,
    prior_applies,
)
from shared.plate_grammar.foreign import fit_foreign, without_country_code

_WEAK = 0.6  # a character read with less confidence than this may be an artefact (strip, emblem, border)
_UNSURE = 0.9  # below this a digit/letter look-alike may be resolved by its neighbours (foreign plates)
_MAX_LEAD_DROP = 2
_RUNNER_UP = 0.05  # a look-alike the model gave at least this probability counts as seen
_LOOKALIKE = {"0": "O", "O": "0", "1": "I", "I": "1"}
_FLAG_COST = 0.5  # the "UA" printed under the flag of a current plate, read as two letters
_PART_AREA = 0.5  # a reading of one place on less than this share of the plate's box reads a part of it
_MAX_COST = 3.0  # a reading this much less likely than the text as read (e^-3 ~ 5 %) is not preferred
STRUCTURED_TIER = 0
_PERSONALISED_TIER = 1
_UNKNOWN_TIER = 2
_MIN_FOREIGN_CHARS = 4  # the shortest text taken for a foreign plate
#: text under this share of a plate line's height right under or over the plate is its holder's print
#: (a dealer's 10 mm letters against the plate's 58 mm: their boxes 0.2-0.3 as high)
_SMALL_PRINT = 0.5
_PRINT_BAND = 1.5  # ... when its centre lies within this many line heights of the plate's edge
_SIDE_OVERLAP = 0.7  # boxes of one split line may overlap by this share of their height (unclipped)
_SAME_GLYPH = 0.8  # two boxes' characters closer than this share of the character pitch are one glyph


class Part(enum.Enum):
    """Where a text box came from, which decides whether it may be a plate on its own."""

    WHOLE = "whole"  # found by the detector: a plate alone, or a line of one
    INNER = "inner"  # re-detected inside a squarish box: alone only as a structured Ukrainian plate
    HALF = "half"  # a geometric half of a squarish box: only ever one line of a two-line plate


@dataclass
class Line:
    """One text box with what was read in it (points in full-frame pixels)."""

    points: np.ndarray
    read: TextRead
    part: Part = Part.WHOLE

    @property
    def y0(self) -> float:
        """The top of the box in the image (lines are taken top first); geometry between lines is
        measured in the plate's own axes (``extent``)."""
        return float(self.points[:, 1].min())

    @property
    def height(self) -> float:
        return box_height(self.points)


@dataclass
class Reading:
    """A plate reading before it becomes a PlateRead."""

    parsed: ParsedPlate
    raw: str
    char_conf: list[float]
    confidence: float
    candidates: list[tuple[str, float]]
    points: np.ndarray  # all corner points of the boxes that make up the plate
    lines: int
    key: tuple[int, float]


def tier(p: ParsedPlate) -> int:
    if p.valid and p.format not in (PlateFormat.PERSONALISED, PlateFormat.UNKNOWN):
        return STRUCTURED_TIER
    if p.valid and p.format is PlateFormat.PERSONALISED:
        return _PERSONALISED_TIER
    return _UNKNOWN_TIER


def settled(r: Reading, min_confidence: float) -> bool:
    """A reading that ends the search for plates in a frame, read at least as sure as ``min_confidence``:
    a structured Ukrainian plate, or a plate's shape (five or more characters, two or more of them
    digits and one or more letters: foreign plates such as the Czech ``1B80338``, which the grammar
    takes for personalised ones). Words on signs and badges (``PASSAT``) and a lone group of digits (one
    line of a two-line plate) do not."""
    if r.confidence < min_confidence:
        return False
    if tier(r.parsed) == STRUCTURED_TIER:
        return True
    text = r.parsed.text
    digits = sum(c.isdigit() for c in text)
    return len(text) >= 5 and digits >= 2 and len(text) > digits


def plate_like(text: str) -> bool:
    """Text a plate can carry: the grammar's judgement, or 4-10 letters/digits (foreign plates)."""
    return is_plausible(text) or (_MIN_FOREIGN_CHARS <= len(text) <= 10 and text.isalnum() and text.isascii())


def clock_or_date(read: TextRead) -> bool:
    """A clock or a date, such as a camera burns into its picture ("23:48:07", "2026/11/26"): digits
    only, split by a colon or a slash. Its digits would otherwise make a plate after the look-alike
    fixes (the clock alone becomes the military plate "2348O7", or, under a line read as a region code,
    the bottom line of a two-line plate), so the pipeline drops such a line. Digits only: the model now
    and then reads a plate's emblem between its letters and digits as a colon or a slash. A date split
    by dashes stays (a 1995 plate "491-04 IO" may be read as digits and a dash); its text changes once
    a day, so the gateway's static-text rule leaves it out."""
    return read.text.isdigit() and bool(read.marks)


def phone_number(read: TextRead) -> bool:
    """A telephone number, as vans, lorries and shop signs carry ("067 123 45 67", "(050) 765-43-21"):
    ten or more digits and nothing else once spaces, brackets and dashes are gone. No plate has that
    many digits alone (the longest Ukrainian plate of digits and look-alikes is a 1995 plate's nine),
    so such a line is no plate and no line of one; read as a plate of format ``unknown``, every passing
    van would make a sighting of its number."""
    return read.text.isdigit() and len(read.text) >= 10


def _variants(read: TextRead) -> list[tuple[list[int], float, bool]]:
    """Kept character indices, the evidence cost of what was dropped, and whether all of it was weak.

    Any subset of the (at most four) weakest characters but the last may be dropped; the first one or
    two characters may be dropped whatever their confidence, but only a structured Ukrainian reading
    may use that.
    """
    n = len(read.text)
    conf = read.char_conf
    # flag strips and emblems sit left of or between character groups, never after the last one
    weak = sorted((i for i in range(n - 1) if conf[i] < _WEAK), key=lambda i: conf[i])[:4]
    out: list[tuple[list[int], float, bool]] = []
    for mask in range(1 << len(weak)):
        drop = {weak[b] for b in range(len(weak)) if mask >> b & 1}
        if n - len(drop) >= 2:
            kept = [k for k in range(n) if k not in drop]
            out.append((kept, sum(_drop_cost(conf[i]) for i in drop), True))
    for lead in range(1, min(_MAX_LEAD_DROP, n - 2) + 1):
        if max(conf[:lead]) >= _WEAK:
            if read.text[:lead] == "UA":
                cost = _FLAG_COST
            else:  # each dropped glyph costs the evidence that it is any character (``_mass``)
                cost = sum(_drop_cost(_mass(read, i)) for i in range(lead))
            out.append((list(range(lead, n)), cost, False))
    return out


def _mass(read: TextRead, i: int) -> float:
    """How surely character ``i`` is some plate character at all: the probability of all its
    alternatives (a "1" read 0.77 with "I" at 0.18 is a character, whichever it is)."""
    return max(read.char_conf[i], sum(p for _, p in read.alternatives[i]))


def _drop_cost(conf: float) -> float:
    """Log-odds against a character read with ``conf`` being an artefact (negative when it likely is)."""
    conf = min(max(conf, 1e-3), 1 - 1e-3)
    return math.log(conf / (1.0 - conf))


def harmonise(text: str, conf: list[float], alts: list[list[tuple[str, float]]]) -> str:
    """Foreign plates: an unsure O/0 or I/1 takes the kind (letter or digit) of its neighbours.

    Plates print letters and digits in runs; a look-alike is changed only when the model was unsure,
    itself saw the look-alike as a runner-up, and every neighbour is of the other kind than what was
    read (none of them a look-alike itself).
    """
    chars = list(text)
    for i, ch in enumerate(text):
        if ch not in _LOOKALIKE or conf[i] >= _UNSURE:
            continue
        if not any(a == _LOOKALIKE[ch] and p >= _RUNNER_UP for a, p in alts[i]):
            continue
        neigh = [text[j] for j in (i - 1, i + 1) if 0 <= j < len(text)]
        if not neigh or any(c in _LOOKALIKE for c in neigh):
            continue
        want_digit = all(c.isdigit() for c in neigh)
        want_letter = all(c.isalpha() for c in neigh)
        if (want_letter and ch.isdigit()) or (want_digit and ch.isalpha()):
            chars[i] = _LOOKALIKE[ch]
    return "".join(chars)


def _char_conf(parsed_text: str, kept_text: str, kept_conf: list[float], kept_alts: list) -> list[float]:
    """Per-character confidence of the chosen text (a corrected character gets its alternative's prob)."""
    if len(parsed_text) != len(kept_text):
        return kept_conf[: len(parsed_text)]
    out = []
    for ch, read, c, alts in zip(parsed_text, kept_text, kept_conf, kept_alts, strict=True):
        if ch == read:
            out.append(c)
            continue
        # a glyph-alike the format demands keeps the evidence of the glyph, discounted by the confusion
        alt = next((p for a, p in alts if a == ch), 0.0)
        fix = CONFUSABLE.get((read, ch))
        out.append(max(alt, c * math.exp(-fix) if fix is not None else 0.0))
    return out


def best_reading(read: TextRead, points: np.ndarray, lines: int, max_candidates: int) -> Reading | None:
    """The best plate reading of one (possibly joined) read, or None if nothing can be a plate."""
    options: list[tuple[tuple[int, float], ParsedPlate, list[float]]] = []
    for kept, drop_cost, weak_only in _variants(read):
        text = "".join(read.text[k] for k in kept)
        if not plate_like(text):
            continue
        conf = [read.char_conf[k] for k in kept]
        alts = [read.alternatives[k] for k in kept]
        for p in correct(text, alts, lines=lines):
            k_text, k_conf, k_alts = text, conf, alts
            if tier(p) != STRUCTURED_TIER:
                if not weak_only:
                    continue  # only weak characters may be dropped from a non-structured plate
                if p.corrections == 0 and len(p.text) == len(conf):
                    rest = without_country_code(p.text) if p.format is PlateFormat.UNKNOWN else None
                    if rest is not None:  # the EU strip's country code read as a letter: not the plate's
                        p, k_text, k_conf, k_alts = parse(rest, lines=lines), text[1:], conf[1:], alts[1:]
                    else:
                        settled = fit_foreign(p.text) if p.format is PlateFormat.UNKNOWN else p.text
                        fixed = settled if settled != p.text else harmonise(p.text, conf, alts)
                        p = parse(fixed, lines=lines)
            cost = p.cost + drop_cost + (p.prior if prior_applies(read.text) else 0.0)
            t = tier(p) if cost <= _MAX_COST else _UNKNOWN_TIER + 1
            if not plate_like(p.text):
                continue
            options.append(((t, cost), p, _char_conf(p.text, k_text, k_conf, k_alts)))
    if not options:
        return None
    options.sort(key=lambda o: o[0])
    key, parsed, char_conf = options[0]
    confidence = _geo_mean(char_conf)
    seen = {parsed.text}
    cands: list[tuple[str, float]] = []
    for k, p, _ in options[1:]:
        if p.text in seen or len(cands) >= max_candidates:
            continue
        seen.add(p.text)
        cands.append((p.text, round(max(0.0, min(1.0, confidence * math.exp(-(k[1] - key[1])))), 4)))
    return Reading(parsed, read.raw, char_conf, confidence, cands, points, lines, key)


def _geo_mean(values: list[float]) -> float:
    if not values:
        return 0.0
    return float(math.exp(sum(math.log(max(v, 1e-6)) for v in values) / len(values)))


@dataclass(frozen=True)
class Extent:
    """A line's box measured along (x) and across (y) a text direction; the image's axes when level."""

    x0: float
    x1: float
    y0: float
    y1: float


def text_axes(*lines: Line) -> np.ndarray:
    """Rows: unit vectors along and across the text, from the top edge of the widest of ``lines``. The
    lines of one plate are parallel, and a tilted plate (a leaning motorcycle, a crooked mount, a rolled
    camera) is measured in its own axes: in the image's, a line 15 degrees off level seems to overlap
    the line under it."""
    return _box_axes(max(lines, key=lambda ln: box_width(ln.points)).points)


def _box_axes(points: np.ndarray) -> np.ndarray:
    """``text_axes`` of one (tl, tr, br, bl) box: along its top edge and across it."""
    d = points[1] - points[0]
    n = float(np.hypot(d[0], d[1]))
    ux, uy = (float(d[0]) / n, float(d[1]) / n) if n > 0 else (1.0, 0.0)
    return np.array([[ux, uy], [-uy, ux]])


def extent(line: Line, axes: np.ndarray) -> Extent:
    return _extent(line.points, axes)


def _extent(points: np.ndarray, axes: np.ndarray) -> Extent:
    p = points @ axes.T
    return Extent(float(p[:, 0].min()), float(p[:, 0].max()), float(p[:, 1].min()), float(p[:, 1].max()))


def stacked(top: Line, bottom: Line) -> bool:
    """Two lines of one two-line plate: bottom right under top, similar span along the text and height;
    or a top line inside the upper part of a squarish box that reads as the bottom line (``top_inside``)."""
    if top_inside(top, bottom):
        return True
    axes = text_axes(top, bottom)
    t, b = extent(top, axes), extent(bottom, axes)
    if b.y0 < t.y0 + 0.5 * top.height:
        return False
    gap = b.y0 - t.y1
    h = max(top.height, bottom.height)
    if gap > 0.6 * h or gap < -0.75 * h:  # DB boxes are unclipped: stacked lines overlap
        return False
    if not 0.5 <= top.height / max(bottom.height, 1e-6) <= 2.0:
        return False
    overlap = min(t.x1, b.x1) - max(t.x0, b.x0)
    narrower = min(t.x1 - t.x0, b.x1 - b.x0)
    return overlap >= 0.6 * narrower and not _nested(top, bottom)


def top_inside(top: Line, box: Line) -> bool:
    """A short line in the upper part of a squarish box: the detector merged both lines of a two-line
    plate into the box, whose read then holds only the bolder bottom line ("AK" over "4789OE")."""
    if not squarish(box.points) or top.height > 0.7 * box.height or box.part is not Part.WHOLE:
        return False
    axes = text_axes(box)
    t, b = extent(top, axes), extent(box, axes)
    cy = (t.y0 + t.y1) / 2
    margin = 0.1 * (b.x1 - b.x0)
    inside_x = t.x0 >= b.x0 - margin and t.x1 <= b.x1 + margin
    return inside_x and b.y0 <= cy < b.y0 + 0.45 * (b.y1 - b.y0)


def _nested(a: Line, b: Line) -> bool:
    """Boxes that mostly cover each other are alternatives (a box and its half), not two lines. Measured
    along and across their text: the image's rectangles around two lines of a rolled plate (a leaning
    motorcycle's) overlap as much as a box and its half."""
    axes = text_axes(a, b)
    return _mostly_overlap(a.points @ axes.T, b.points @ axes.T)


def _mostly_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Do the bounding rectangles of two point sets overlap by more than 60 % of the smaller one?"""
    (ax0, ay0), (ax1, ay1) = a.min(axis=0), a.max(axis=0)
    (bx0, by0), (bx1, by1) = b.min(axis=0), b.max(axis=0)
    iw = min(ax1, bx1) - max(ax0, bx0)
    ih = min(ay1, by1) - max(ay0, by0)
    if iw <= 0 or ih <= 0:
        return False
    return float(iw * ih) > 0.6 * min(rect_area(a), rect_area(b))


def side_by_side(left: Line, right: Line) -> bool:
    """Two boxes of one plate line split by the detector (a wide gap, an emblem, a bolt). DB boxes are
    unclipped: where the map splits a large plate's line at the gaps between its groups, each box
    reaches about a third of its height into the gap, so the boxes may overlap (``_SIDE_OVERLAP``)."""
    h = max(left.height, right.height)
    if not 0.6 <= left.height / max(right.height, 1e-6) <= 1.6:
        return False
    axes = text_axes(left, right)
    a, b = extent(left, axes), extent(right, axes)
    cy_l, cy_r = (a.y0 + a.y1) / 2, (b.y0 + b.y1) / 2
    gap = b.x0 - a.x1
    beside = abs(cy_l - cy_r) < 0.4 * h and -_SIDE_OVERLAP * h <= gap <= 1.5 * h and a.x0 < b.x0
    return beside and not _nested(left, right)


def side_chains(lines: list[Line], order: list[int], used: set[int]) -> list[list[int]]:
    """Runs of two or three boxes, left to right, each ``side_by_side`` the one before: one plate line
    that the detector split at the gaps between its groups (``AA | 1234 | BB`` on a close-up plate)."""
    free = [i for i in order if i not in used]
    nxt = {i: [j for j in free if j != i and side_by_side(lines[i], lines[j])] for i in free}
    pairs = [[i, j] for i in free for j in nxt[i]]
    threes = [[i, j, k] for i, j in pairs for k in nxt[j] if k != i and not _nested(lines[i], lines[k])]
    return pairs + threes


def join(first: TextRead, second: TextRead, sep: str = " / ") -> TextRead:
    return TextRead(
        first.text + second.text,
        f"{first.raw}{sep}{second.raw}",
        first.char_conf + second.char_conf,
        first.alternatives + second.alternatives,
        marks=first.marks + second.marks,
    )


def assemble(lines: list[Line], max_candidates: int = 4) -> list[Reading]:
    """Plate readings from the lines of one frame, best first, one per plate."""
    singles = {i: best_reading(ln.read, ln.points, 1, max_candidates) for i, ln in enumerate(lines)}
    used: set[int] = set()
    out: list[Reading] = []
    order = sorted(range(len(lines)), key=lambda i: lines[i].y0)
    for two_line, structured_only in ((True, True), (False, True), (True, False), (False, False)):
        groups = _stacked_pairs(lines, order, used) if two_line else side_chains(lines, order, used)
        found: list[tuple[Reading, list[int]]] = []
        for group in groups:
            parts = [lines[k] for k in group]
            joined = _joined(parts, [singles[k] for k in group], max_candidates, two_line)
            if joined is not None and (tier(joined.parsed) == STRUCTURED_TIER or not structured_only):
                found.append((joined, group))
        # the surest joins first: a top line may pair with a box that merged both lines or with the
        # bottom line re-detected inside it, and the sharper read must win
        for joined, group in sorted(found, key=lambda g: (g[0].key[0], -g[0].confidence)):
            if used.isdisjoint(group):
                out.append(joined)
                used.update(group)
    out.extend(r for i, r in singles.items() if r is not None and i not in used and _alone(lines[i], r))
    return _dedupe([r for r in out if not any(small_print(k, r) for k in out if k is not r)], max_candidates)


def _alone(line: Line, r: Reading) -> bool:
    """Whether a line's own reading may stand as a plate (not joined with another line).

    Text of no Ukrainian format needs the four characters ``plate_like`` asks of a foreign plate: two or
    three are a line of a two-line plate whose other line was not read, or a number on a sign or a
    camera's counter (``15``, ``30``, ``45``, ...), never a plate of its own."""
    if tier(r.parsed) == _UNKNOWN_TIER and len(r.parsed.text) < _MIN_FOREIGN_CHARS:
        return False
    if line.part is Part.INNER:
        return tier(r.parsed) == STRUCTURED_TIER
    return line.part is Part.WHOLE


def _stacked_pairs(lines: list[Line], order: list[int], used: set[int]) -> list[list[int]]:
    """Top line first, every two boxes ``stacked`` as the lines of one two-line plate, and every three
    stacked one under the other as the lines of a motorcycle's three-line plate (``BE / 0886 / AA``)."""
    free = [i for i in order if i not in used]
    pairs = [[i, j] for i in free for j in free if i != j and stacked(lines[i], lines[j])]
    under: dict[int, list[int]] = {}
    for i, j in pairs:
        under.setdefault(i, []).append(j)
    triples = [
        [i, j, k] for i, j in pairs for k in under.get(j, []) if k != i and not _nested(lines[i], lines[k])
    ]
    return triples + pairs


def stacked_texts(parts: list[TextRead]) -> list[TextRead]:
    """The texts the lines of one plate may spell, top line first: the lines in order (a motorcycle's
    ``BE / 0886 / AA``, a trailer's ``AA / 1234 BB``), and for two lines also the square plate's, whose
    top line holds the region's letters and the series (``AP ET / 7007``: ``AP 7007 ET``)."""
    ordered = parts[0]
    for part in parts[1:]:
        ordered = join(ordered, part, " / ")
    texts = [ordered]
    if len(parts) == 2 and len(parts[0].text) >= 3:
        top, bottom = parts  # the series is the top line's last two characters; before them, the flag
        cut = len(top.text) - 2  # strip may have been read as a letter (``HHIAB``)
        head, tail = _only(top, list(range(cut))), _only(top, list(range(cut, len(top.text))))
        spliced = join(join(head, bottom, " / "), tail, " ")
        texts.append(replace(spliced, raw=ordered.raw))  # what was read stays as it was laid out
    return texts


def _only(read: TextRead, keep: list[int]) -> TextRead:
    """A read of only the characters ``keep`` (what was read stays in ``raw``)."""
    return replace(
        read,
        text="".join(read.text[i] for i in keep),
        char_conf=[read.char_conf[i] for i in keep],
        alternatives=[read.alternatives[i] for i in keep],
        char_x=[read.char_x[i] for i in keep] if read.char_x else [],
    )


def _joined(parts: list[Line], alone: list[Reading | None], k: int, two_line: bool) -> Reading | None:
    """Join boxes (stacked: the two lines of a plate; side by side: a split line) if that reads better.

    A line split side by side whose part already reads as a structured plate is joined only when the
    whole reads as one at a lower cost (``D | 177808``: the diplomatic ``D177808`` as read, against the
    military ``1778O8`` with a 0 taken for an O)."""
    pts = np.concatenate([ln.points for ln in parts])
    texts = stacked_texts([ln.read for ln in parts]) if two_line else [side_join(parts)]
    options = []
    for i, t in enumerate(texts):
        r = best_reading(t, pts, len(parts) if two_line else 1, k)
        # a square plate's order is the current layout's: taken only where it spells a Ukrainian plate
        if r is not None and (i == 0 or tier(r.parsed) == STRUCTURED_TIER):
            options.append((r, t))
    if not options:
        return None
    joined, text = min(options, key=lambda o: o[0].key)
    if tier(joined.parsed) == STRUCTURED_TIER:
        if two_line:
            return joined
        cost = _full_cost(joined, text)
        sure = [
            r for r, ln in zip(alone, parts, strict=True)
            if r is not None and tier(r.parsed) == STRUCTURED_TIER and _full_cost(r, ln.read) <= cost
        ]  # fmt: skip
        return None if sure else joined
    if any(r is not None and tier(r.parsed) < _UNKNOWN_TIER for r in alone) or len(joined.parsed.text) > 10:
        return None
    if len(joined.parsed.text) < _MIN_FOREIGN_CHARS:  # as for one line alone (``_alone``)
        return None
    if not all(is_plausible(ln.read.text) for ln in parts):
        return None
    # nothing says whether two foreign lines are one plate or a plate beside other text (a sticker's
    # number above it): each box's own reading stays a candidate, so a watchlist still finds the plate
    lines = [_candidate(r.parsed.text, r.confidence, joined) for r in alone if r]
    ranked: dict[str, float] = {}
    for cand, conf in lines + joined.candidates:
        if cand != joined.parsed.text:
            ranked.setdefault(cand, conf)
    joined.candidates = list(ranked.items())[:k]
    return joined


def _full_cost(r: Reading, read: TextRead) -> float:
    """A structured reading's cost with its format's prior, also where the text as read (digits only)
    left the prior out of its rank (``prior_applies``): two rare readings are compared on one footing."""
    return r.key[1] + (0.0 if prior_applies(read.text) else r.parsed.prior)


def side_join(parts: list[Line]) -> TextRead:
    """The reads of one line split side by side, joined left to right. Unclipped boxes overlap, and a
    glyph in the overlap may be read by both crops, whole in one and a sliver in the other (``HT |
    T9698ZH``; ``6842K | KO``; an 8 cut to a 3): ``_read_twice`` finds it, and it is kept once."""
    axes = text_axes(*parts)
    reads = [ln.read for ln in parts]
    for k in range(len(parts) - 1):  # each box as its read stands after the pair before it
        twice = _read_twice(parts[k], reads[k], parts[k + 1], reads[k + 1], axes)
        if twice == "left":
            reads[k] = _without(reads[k], -1)
        elif twice == "right":
            reads[k + 1] = _without(reads[k + 1], 0)
    text = reads[0]
    for read in reads[1:]:
        text = join(text, read, " ")
    return text


def _read_twice(left: Line, lr: TextRead, right: Line, rr: TextRead, axes: np.ndarray) -> str | None:
    """Which copy of a glyph read by both of two boxes side by side to leave out: ``"left"`` (the left
    box's last character) or ``"right"`` (the right box's first), or None. The two are one glyph when
    they lie within ``_SAME_GLYPH`` of a character pitch of each other and one of them lies inside the
    other box; the copy inside the other box goes (it is the sliver at a crop's edge), and where both
    do, the less sure one. ``lr`` and ``rr`` are the boxes' reads as they stand (a box between two others
    may have given up a character to the first pair)."""
    if not lr.char_x or not rr.char_x or not lr.text or not rr.text:
        return None
    xs_l = [_char_pos(left.points, f, axes) for f in lr.char_x]
    xs_r = [_char_pos(right.points, f, axes) for f in rr.char_x]
    steps = [b - a for xs in (xs_l, xs_r) for a, b in itertools.pairwise(xs)]
    pitch = float(np.median(steps)) if steps else 0.5 * max(left.height, right.height)
    if xs_r[0] - xs_l[-1] >= _SAME_GLYPH * pitch:
        return None
    right_in_left = xs_r[0] <= extent(left, axes).x1
    left_in_right = xs_l[-1] >= extent(right, axes).x0
    if right_in_left and left_in_right:
        return "left" if lr.char_conf[-1] < rr.char_conf[0] else "right"
    return "right" if right_in_left else "left" if left_in_right else None


def _char_pos(points: np.ndarray, f: float, axes: np.ndarray) -> float:
    """Where along the text a character read at ``f`` (0..1) of a (tl, tr, br, bl) box's width lies."""
    tl, tr, br, bl = points
    mid = (tl + f * (tr - tl) + bl + f * (br - bl)) / 2
    return float(mid @ axes[0])


def _without(read: TextRead, k: int) -> TextRead:
    """A read without its ``k``-th character (what was read stays in ``raw``)."""
    return _only(read, [i for i in range(len(read.text)) if i != k % len(read.text)])


def _dedupe(readings: list[Reading], max_candidates: int) -> list[Reading]:
    """One reading per plate: the best of those with the same text, and a structured Ukrainian reading
    over those at the same place (a box that merged both lines of a plate and the lines found inside
    it). What was read there otherwise becomes a candidate, unless its box is a small part of the
    plate's (a dealer's name on the plate frame, one line of a two-line plate): that is dropped.
    Foreign readings at one place stay apart: which is the plate and which the frame's text, nothing
    says (a holder's print outside the plate's box was dropped before: ``small_print``)."""
    readings = sorted(readings, key=lambda r: (r.key[0], -r.confidence))
    kept: list[Reading] = []
    for r in readings:
        same = next((k for k in kept if r.parsed.text == k.parsed.text or _covers(k, r)), None)
        if same is None:
            kept.append(r)
            continue
        _offer(same, r, max_candidates)
    return kept


def _offer(plate: Reading, other: Reading, max_candidates: int, *, with_its_own: bool = False) -> None:
    """``other``, read at ``plate``'s place, becomes one of its candidates: unless its box is a small
    part of the plate's (a dealer's name on the plate frame, one line of a two-line plate), its text is
    already there, or the plate has ``max_candidates`` already. ``with_its_own``: ``other``'s own
    candidates follow its text, on the same terms (a reading the plate's replaces whole)."""
    if rect_area(other.points) < _PART_AREA * rect_area(plate.points):
        return
    offered = [(other.parsed.text, other.confidence)]
    if with_its_own:
        offered += other.candidates
    for text, confidence in offered:
        seen = {plate.parsed.text, *(t for t, _ in plate.candidates)}
        if text not in seen and len(plate.candidates) < max_candidates:
            plate.candidates.append(_candidate(text, confidence, plate))


def with_finer_look(first: list[Reading], finer: list[Reading], max_candidates: int) -> list[Reading]:
    """The first look's readings joined by the finer look's (``finer``: those that settle a frame). A
    finer reading of a place the first look read, unsettled (their boxes mostly overlap: ``1549030``
    first, ``15D49030`` finer, of one transit plate), takes that reading's place: the finer look read
    the same plate better, and one plate gives one reading. The first look's text stays as a candidate,
    and its own candidates after it (``_offer``, as in ``_dedupe``).
    Texts the first look already read add nothing."""
    out: list[tuple[Reading, bool]] = [(k, True) for k in first]  # (reading, from the first look)
    known = {r.parsed.text for r in first}
    for r in finer:
        if r.parsed.text in known:
            continue
        known.add(r.parsed.text)
        at = [i for i, (k, early) in enumerate(out) if early and _mostly_overlap(k.points, r.points)]
        for k, _ in (out[i] for i in at):
            _offer(r, k, max_candidates, with_its_own=True)
        if not at:
            out.append((r, False))
            continue
        out[at[0]] = (r, False)
        out = [o for i, o in enumerate(out) if i not in at[1:]]
    return [r for r, _ in out]


def _candidate(text: str, confidence: float, plate: Reading) -> tuple[str, float]:
    """``text`` offered as another reading of ``plate``: never surer than the plate's own reading."""
    return text, round(min(confidence, plate.confidence), 4)


def _covers(kept: Reading, other: Reading) -> bool:
    return tier(kept.parsed) == STRUCTURED_TIER and _mostly_overlap(kept.points, other.points)


def small_print(plate: Reading, other: Reading) -> bool:
    """Is ``other`` read from small text in the band just under or over a plate, within its span: a plate
    holder's dealer name, website or telephone number (``АВТО``, ``38067``)?

    The plate is a Ukrainian reading or a foreign one that looks like a plate (``_plate_grade``); a
    foreign reading never makes a structured Ukrainian one small print. Measured in the plate's own axes
    (its top line's box): the other box is lower than ``_SMALL_PRINT`` of one of the plate's lines, and
    its centre lies within the plate's span along the text and within ``_PRINT_BAND`` line heights of
    its top or bottom edge. The lines of a two-line plate are about as high as each other, and a plate
    right under or over another plate is not half as high as it."""
    if not _plate_grade(plate) or (
        tier(plate.parsed) == _UNKNOWN_TIER and tier(other.parsed) == STRUCTURED_TIER
    ):
        return False
    axes = _box_axes(plate.points[:4])
    p, o = _extent(plate.points, axes), _extent(other.points, axes)
    line_h = (p.y1 - p.y0) / max(1, plate.lines)
    if o.y1 - o.y0 >= _SMALL_PRINT * line_h:
        return False
    cx, cy = (o.x0 + o.x1) / 2, (o.y0 + o.y1) / 2
    if not p.x0 <= cx <= p.x1:
        return False
    return p.y1 <= cy <= p.y1 + _PRINT_BAND * line_h or p.y0 - _PRINT_BAND * line_h <= cy <= p.y0


def _plate_grade(r: Reading) -> bool:
    """A Ukrainian reading, or a foreign one of at least five characters with letters and digits (as a
    plate has; a brand or a dealer's name has no digits)."""
    text = r.parsed.text
    if tier(r.parsed) < _UNKNOWN_TIER:
        return True
    return len(text) >= 5 and any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
