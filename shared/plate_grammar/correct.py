"""Positional OCR-confusion correction driven by the plate formats.

A character is changed only where a format says which kind of character
belongs there (a digit slot turns O into 0, a letter slot turns 8 into B), only
to a glyph-alike from ``CONFUSABLE``, and at most ``max_corrections`` times, so
unrelated text is never turned into a plate.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

from .formats import TEMPLATES, ParsedPlate, PlateFormat, fits, fix_budget, fixes, parse
from .normalize import normalize
from .regions import E_SERIES_LETTERS

_MIN_P = 1e-6
# With OCR alternatives the costs are in nats (-ln p / p_best). A fix the OCR did
# not propose then weighs like an alternative of about 1/5 (strong pair) or 1/12
# (medium pair) of the best probability, so real OCR candidates win over priors.
_FIX_WEIGHT_WITH_ALTS = 5.0
_MAX_POPS = 256
#: A structured reading ranked (cost + format prior) above this, about e^-3 = 5 % as likely as the text
#: as read, comes after the text as read: e.g. "1234BB" (the bottom line of a two-line plate) with no
#: OCR hint of an 8 stays as read rather than becoming the military "1234B8".
MAX_RANK_COST = 3.0  # best-first expansions per template: bounds the work on junk text

# (chosen char, cost, is a confusion fix, differs from the text as read)
_Option = tuple[str, float, int, int]


def _align(
    text: str, norm: str, alts: Sequence[Sequence[tuple[str, float]]] | None
) -> list[list[tuple[str, float]]]:
    """Per normalised position: (char, cost) where cost = -ln(p / p_best) >= 0."""
    plain = [[(c, 0.0)] for c in norm]
    if not alts:
        return plain
    if len(alts) == len(norm):
        per_pos = list(alts)
    elif len(alts) == len(text):
        per_pos = []
        for raw, cand in zip(text, alts, strict=True):
            nc = normalize(raw)
            if len(nc) > 1:
                return plain
            if nc:
                per_pos.append(cand)
        if len(per_pos) != len(norm):
            return plain
    else:
        return plain
    out: list[list[tuple[str, float]]] = []
    for read, cand in zip(norm, per_pos, strict=True):
        probs: dict[str, float] = {}
        for ch, p in cand:
            nc = normalize(ch)
            if len(nc) == 1:
                probs[nc] = max(probs.get(nc, 0.0), max(float(p), _MIN_P))
        best = max(probs.values(), default=1.0)
        probs.setdefault(read, best)
        out.append(sorted(((c, math.log(best / p)) for c, p in probs.items()), key=lambda x: x[1]))
    return out


def _options(slot: str, cands: list[tuple[str, float]], read: str, fix_weight: float) -> list[_Option]:
    best: dict[str, _Option] = {}
    for c, cost in cands:
        fit = fits(c, slot)
        if not fit:
            alike = fixes(c, slot)
        elif slot == "R":  # a prefix's D and O both fit, but only the pair names a region (AD: AO, OI: DI)
            alike = tuple((t, fix) for t, fix in fixes(c, slot) if E_SERIES_LETTERS & {c, t})
        else:
            alike = ()
        opts = [(c, cost, 0, int(c != read))] if fit else []
        opts += [(t, cost + fix * fix_weight, 1, int(t != read)) for t, fix in alike]
        for opt in opts:
            if opt[0] not in best or opt[1] < best[opt[0]][1]:
                best[opt[0]] = opt
    return sorted(best.values(), key=lambda o: (o[1], o[3]))


def _search(
    fmt: PlateFormat,
    template: tuple[str, ...],
    cands: list[list[tuple[str, float]]],
    norm: str,
    top_k: int,
    max_corrections: int,
    lines: int | None,
    fix_weight: float,
) -> list[ParsedPlate]:
    opts = [_options(slot, c, r, fix_weight) for slot, c, r in zip(template, cands, norm, strict=True)]
    # when the slots' cheapest options already need more fixes than the budget, this template has no
    # reading to give (the search below would pop its whole budget of combinations to find none)
    if any(not o for o in opts) or sum(min(x[2] for x in o) for o in opts) > max_corrections:
        return []
    start = (0,) * len(opts)
    heap = [(sum(o[0][1] for o in opts), start)]
    seen = {start}
    found: list[ParsedPlate] = []
    pops = 0
    while heap and len(found) < top_k and pops < _MAX_POPS:
        cost, idx = heapq.heappop(heap)
        pops += 1
        chosen = [opts[i][k] for i, k in enumerate(idx)]
        if sum(o[2] for o in chosen) <= max_corrections:
            p = parse("".join(o[0] for o in chosen), lines=lines)
            if p.valid and p.format is fmt:
                changed = sum(o[3] for o in chosen)
                found.append(ParsedPlate(p.text, p.format, p.region, True, p.lines, changed, round(cost, 6)))
        for i in range(len(idx)):
            if idx[i] + 1 < len(opts[i]):
                nxt = (*idx[:i], idx[i] + 1, *idx[i + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    step = opts[i][idx[i] + 1][1] - opts[i][idx[i]][1]
                    heapq.heappush(heap, (cost + step, nxt))
    return found


def prior_applies(text: str) -> bool:
    """Does the text as read have an explanation of its own (a foreign plate, one line of a two-line
    plate) that a costly reading in a rare format must beat? Text of digits only has none: no plate
    format is all digits, so "023010" may well be the military "0230I0"."""
    return any(c.isalpha() for c in text)


def correct(
    text: str,
    char_alternatives: Sequence[Sequence[tuple[str, float]]] | None = None,
    *,
    lines: int | None = None,
    top_k: int = 5,
    max_corrections: int = 2,
) -> list[ParsedPlate]:
    """Candidate readings of ``text``, best first; never empty.

    ``char_alternatives`` holds, per character of ``text`` (raw or normalised),
    the OCR's candidate characters with their probabilities. Valid readings come
    first, structured formats before personalised plates, then by cost (OCR
    evidence plus confusion fixes) plus the format's prior (``ParsedPlate.prior``:
    rare formats need stronger evidence) and number of changed characters. A
    structured reading that costs more than ``MAX_RANK_COST`` comes after the
    text as read when that has an explanation of its own (``prior_applies``).
    The text as read (normalised) is always among the results, as ``unknown``
    if need be.
    """
    norm = normalize(text)
    as_read = parse(norm, lines=lines)
    cands = _align(text, norm, char_alternatives)
    budget = fix_budget(len(norm), max_corrections)
    fix_weight = _FIX_WEIGHT_WITH_ALTS if any(len(c) > 1 for c in cands) else 1.0
    ranked: dict[tuple[str, PlateFormat], tuple[tuple[int, float, int, int], ParsedPlate]] = {}
    for order, (fmt, template) in enumerate(TEMPLATES):
        if len(template) != len(norm):
            continue
        for p in _search(fmt, template, cands, norm, top_k, budget, lines, fix_weight):
            ranked.setdefault((p.text, p.format), ((0, p.cost + p.prior, p.corrections, order), p))
    best = [p for _, p in sorted(ranked.values(), key=lambda kp: kp[0])][:top_k]
    if not prior_applies(norm):
        likely, unlikely = best, []
    else:
        likely = [p for p in best if p.cost + p.prior <= MAX_RANK_COST]
        unlikely = [p for p in best if p.cost + p.prior > MAX_RANK_COST]
    if not any(p.text == as_read.text and p.format is as_read.format for p in best):
        likely.append(as_read)  # a structured reading within budget wins over a personalised one
    return likely + unlikely
