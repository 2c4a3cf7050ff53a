"""Match a plate reading against every plate watchlist entry: exact, wildcard and fuzzy, all indexed.

Rules, best first per entry: ``exact`` (normalised text equal), ``wildcard`` (``?`` = one character,
``*`` = any run, possibly empty) and ``fuzzy`` (``shared.plate_grammar.plate_distance`` <= threshold).

Nothing is scanned linearly except ``*`` patterns (rare; ``?`` patterns are hashed per mask):

* exact: a dict from text to entry ids;
* ``?`` patterns: per length and per mask of ``?`` positions, a dict keyed by the fixed characters;
* fuzzy: a SymSpell-style deletion index over a *confusion-folded* key (O/0/D/Q -> one class,
  I/1/L -> one, B/8 -> one, ...). A confusion substitution costs less than 1 and every other edit
  costs 1, so ``plate_distance(a, b) <= t`` implies that the folded keys are within ``floor(t)``
  plain edits, and therefore share a key with at most ``floor(t)`` deletions each. Candidates found
  that way are verified with ``plate_distance``; no true match can be missed.

A fuzzy match needs doubt where the texts differ, when the reader says how sure it was of each
character (``char_confidences``): each character that differs from the entry's must be a look-alike of
it (O/0, B/8, ...) or read unsure (below ``SURE_CHAR``), as the pass grouper tells two vehicles apart
(``gateway.matching.passes``). A sure ``CDP192`` is not the wanted ``CDP182``; an unsure or look-alike
difference still alerts. A next-best reading (``candidates``) is judged by the reading's confidences,
position by position (of another length: by its least sure character); without them it matches only
exactly or by a wildcard. Measured on 1,400 rendered plates, each set's plates on one list beside 10,000
others (``recognizers.bench.alerts``), with the pipeline's floor on next-best readings: frames with a
hit on a plate not in them 31 -> 0, frames whose own plate raised a hit 1,288 -> 1,287
(docs/measurements.md, "Alerts, not only exact reads").

A reading that is an entry's plate, character for character, matches no other entry fuzzily: the
reader read that plate, and its doubt about one character does not make it another wanted plate one
edit away (a next-best reading that is another entry's plate still matches that one exactly, and a
wildcard hit leaves fuzzy hits as they are). A vehicle pass's combined reading is judged by the vote's
confidence in each character. Measured on 300 rendered vehicles approaching a camera on four frames each
(``recognizers.bench.passes``): vehicles alerting on a plate not theirs 4 -> 0, none of their own
alerts lost; the single-frame figures above did not change.

A 1995 plate is one plate with or without its two-digit region number, and a transit plate with or
without its prefix (the region's number, or ``T`` and a digit); both are printed small: a camera may miss
them, a person may leave them out. So a reading of those formats also matches, exactly or by a wildcard,
the entries its other texts match (``shared.plate_grammar.same_plate_texts``).

Readers never lock: they read one immutable snapshot. Writers build a new snapshot under a lock
and swap it in (copy-on-write). Single ``add``/``remove`` calls go to a small overlay so they stay
cheap at 100,000 entries; the overlay is folded into the base when it grows.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from gateway.matching.fuzzy_index import DeletionIndex, fold, max_plain_edits
from gateway.matching.passes import SURE_CHAR, sure_difference
from gateway.matching.patterns import literals, normal_form
from shared.plate_grammar import normalize, plate_distance, same_plate_texts

Rule = Literal["exact", "wildcard", "fuzzy"]
#: a plate shorter than this (a personalised plate such as ``BOSS``) matches fuzzily through look-alike
#: swaps only: one ordinary edit (cost 1.0) is a quarter of it, and would match ``ROSS`` or ``BOS``
SHORT_PLATE = 6
_UNDER_ONE_EDIT = 0.99
_RANK: dict[str, int] = {"exact": 0, "wildcard": 1, "fuzzy": 2}
MIN_LITERALS = 2


@dataclass(frozen=True, slots=True)
class PlateEntryRef:
    """What the matcher needs of a plate watchlist entry."""

    entry_id: str
    watchlist_id: str
    pattern: str
    valid_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlateHit:
    entry_id: str
    watchlist_id: str
    rule: Rule
    distance: float
    matched_text: str
    pattern: str


def _epoch(ts: datetime | None) -> float | None:
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.timestamp()


@dataclass(frozen=True, slots=True)
class _Entry:
    ref: PlateEntryRef
    pattern: str
    kind: Literal["exact", "mask", "star"]
    until: float | None
    regex: re.Pattern[str] | None = None
    kept: tuple[int, ...] = ()


def _compile(ref: PlateEntryRef) -> _Entry:
    pattern = normal_form(ref.pattern)
    if literals(pattern) < MIN_LITERALS:
        need = f"needs at least {MIN_LITERALS} letters or digits"
        raise ValueError(f"entry {ref.entry_id}: plate pattern {ref.pattern!r} {need}")
    until = _epoch(ref.valid_until)
    if "*" in pattern:
        regex = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern))
        return _Entry(ref, pattern, "star", until, regex=regex)
    if "?" in pattern:
        kept = tuple(i for i, c in enumerate(pattern) if c != "?")
        return _Entry(ref, pattern, "mask", until, kept=kept)
    return _Entry(ref, pattern, "exact", until)


def _mask_key(text: str, kept: tuple[int, ...]) -> str:
    return "".join([text[i] for i in kept])


@dataclass
class _Tables:
    """Lookup tables for one set of entries (the base, or the overlay)."""

    exact: dict[str, list[str]] = field(default_factory=dict)
    # length -> kept positions -> fixed characters -> entry ids
    masks: dict[int, dict[tuple[int, ...], dict[str, list[str]]]] = field(default_factory=dict)
    stars: list[str] = field(default_factory=list)

    def add(self, e: _Entry) -> None:
        eid = e.ref.entry_id
        if e.kind == "exact":
            self.exact.setdefault(e.pattern, []).append(eid)
        elif e.kind == "mask":
            by_mask = self.masks.setdefault(len(e.pattern), {})
            by_mask.setdefault(e.kept, {}).setdefault(_mask_key(e.pattern, e.kept), []).append(eid)
        else:
            self.stars.append(eid)

    def exact_ids(self, text: str) -> list[str]:
        return self.exact.get(text, [])

    def wildcard_ids(self, text: str) -> Iterable[str]:
        for kept, table in self.masks.get(len(text), {}).items():
            yield from table.get(_mask_key(text, kept), ())
        yield from self.stars


class _Snapshot:
    """Immutable once published: base tables plus a small overlay of later adds and removes."""

    def __init__(
        self,
        base: dict[str, _Entry],
        base_tables: _Tables,
        base_fuzzy: DeletionIndex,
        overlay: dict[str, _Entry | None],
        k: int,
    ) -> None:
        self.base = base
        self.base_tables = base_tables
        self.base_fuzzy = base_fuzzy
        self.overlay = overlay
        self.overlay_tables = _Tables()
        self.overlay_fuzzy: dict[str, list[str]] = {}
        for e in overlay.values():
            if e is None:
                continue
            self.overlay_tables.add(e)
            if e.kind == "exact":
                for key in DeletionIndex.variants(fold(e.pattern), k):
                    self.overlay_fuzzy.setdefault(key, []).append(e.ref.entry_id)

    @classmethod
    def build(cls, entries: Iterable[_Entry], k: int) -> _Snapshot:
        base: dict[str, _Entry] = {}
        for e in entries:
            base[e.ref.entry_id] = e
        tables = _Tables()
        for e in base.values():
            tables.add(e)
        fuzzy = DeletionIndex.build(
            ((eid, fold(e.pattern)) for eid, e in base.items() if e.kind == "exact"), k
        )
        return cls(base, tables, fuzzy, {}, k)

    def get(self, entry_id: str) -> _Entry | None:
        if entry_id in self.overlay:
            return self.overlay[entry_id]
        return self.base.get(entry_id)

    def live(self) -> dict[str, _Entry]:
        merged = dict(self.base)
        for eid, e in self.overlay.items():
            if e is None:
                merged.pop(eid, None)
            else:
                merged[eid] = e
        return merged

    def __len__(self) -> int:
        return len(self.live()) if self.overlay else len(self.base)


class PlateMatcher:
    """Thread-safe plate matcher. ``fuzzy_threshold`` 0 disables fuzzy matching."""

    def __init__(self, fuzzy_threshold: float = 1.0, overlay_limit: int = 2000) -> None:
        if fuzzy_threshold < 0 or not math.isfinite(fuzzy_threshold):
            raise ValueError("fuzzy_threshold must be a finite number >= 0")
        self.fuzzy_threshold = float(fuzzy_threshold)
        self._k = max_plain_edits(self.fuzzy_threshold)
        self._overlay_limit = overlay_limit
        self._write_lock = threading.Lock()
        self._snap = _Snapshot.build((), self._k)

    # -- writers -------------------------------------------------------------------------------
    def rebuild(self, entries: Iterable[PlateEntryRef]) -> None:
        """Replace every entry at once (atomic for readers)."""
        compiled = [_compile(r) for r in entries]
        snap = _Snapshot.build(compiled, self._k)
        with self._write_lock:
            self._snap = snap

    def add(self, entry: PlateEntryRef) -> None:
        """Add or replace one entry (same ``entry_id`` replaces)."""
        self.add_many([entry])

    def add_many(self, entries: Iterable[PlateEntryRef]) -> None:
        compiled = [_compile(r) for r in entries]
        with self._write_lock:
            self._publish({e.ref.entry_id: e for e in compiled})

    def remove(self, entry_id: str) -> None:
        with self._write_lock:
            if self._snap.get(entry_id) is not None:
                self._publish({entry_id: None})

    def _publish(self, changes: dict[str, _Entry | None]) -> None:
        old = self._snap
        overlay = {**old.overlay, **changes}
        if len(overlay) > max(self._overlay_limit, len(old.base) // 50):
            merged = old.live()
            for eid, e in changes.items():
                if e is None:
                    merged.pop(eid, None)
                else:
                    merged[eid] = e
            self._snap = _Snapshot.build(merged.values(), self._k)
        else:
            self._snap = _Snapshot(old.base, old.base_tables, old.base_fuzzy, overlay, self._k)

    def __len__(self) -> int:
        return len(self._snap)

    # -- readers -------------------------------------------------------------------------------
    def match(
        self,
        read_text: str,
        candidates: Sequence[str] = (),
        now: datetime | None = None,
        watchlist_ids: Collection[str] | None = None,
        char_confidences: Sequence[float] | None = None,
    ) -> list[PlateHit]:
        """Every live entry that the reading (or one of its next-best ``candidates``) matches; with
        ``char_confidences`` (one per character of ``read_text``) a fuzzy match needs doubt where it
        differs (``has_doubt``), without them next-best readings match only exactly or by a wildcard.

        One hit per entry, with the best rule (exact > wildcard > fuzzy, then the primary reading
        before candidates, then the smaller distance). Sorted best first. A reading that is an entry's
        plate, character for character, matches no other entry fuzzily (see the module's notes).
        """
        snap = self._snap
        now_ts = _epoch(now or datetime.now(UTC)) or 0.0
        allowed = None if watchlist_ids is None else frozenset(watchlist_ids)
        best: dict[str, tuple[tuple[int, int, float], PlateHit]] = {}
        primary = normalize(read_text)
        texts = [t for t in dict.fromkeys((primary, *(normalize(x) for x in candidates))) if t]
        for order, text in enumerate(texts):
            sure = _confidences_for(text, primary, char_confidences)
            fuzzy = text == primary or sure is not None
            for entry, rule, dist in self._match_text(snap, text, fuzzy=fuzzy, sure=sure):
                if allowed is not None and entry.ref.watchlist_id not in allowed:
                    continue
                if (
                    entry.until is not None and entry.until <= now_ts
                ):  # as a person entry: gone at valid_until
                    continue
                rank = (_RANK[rule], 0 if order == 0 else 1, dist)
                eid = entry.ref.entry_id
                if eid not in best or rank < best[eid][0]:
                    hit = PlateHit(eid, entry.ref.watchlist_id, rule, dist, text, entry.pattern)
                    best[eid] = (rank, hit)
        if any(h.rule == "exact" and h.matched_text == primary for _, h in best.values()):
            best = {eid: found for eid, found in best.items() if found[1].rule != "fuzzy"}
        return [h for _, h in sorted(best.values(), key=lambda x: (x[0], x[1].entry_id))]

    def _match_text(
        self, snap: _Snapshot, text: str, fuzzy: bool, sure: Sequence[float] | None
    ) -> Iterable[tuple[_Entry, Rule, float]]:
        """The entries ``text`` matches, and those one of its other texts of the same plate matches
        exactly or by a wildcard (a 1995 plate read without its region number is the entry typed with
        it, and the other way round; so is a transit plate's small prefix:
        ``shared.plate_grammar.same_plate_texts``)."""
        yield from self._match_one(snap, text, fuzzy=fuzzy, sure=sure)
        for same in same_plate_texts(text):
            yield from self._match_one(snap, same, fuzzy=False)

    def _match_one(
        self, snap: _Snapshot, text: str, fuzzy: bool = True, sure: Sequence[float] | None = None
    ) -> Iterable[tuple[_Entry, Rule, float]]:
        seen: set[str] = set()
        for tables in (snap.base_tables, snap.overlay_tables):
            for eid in tables.exact_ids(text):
                e = snap.get(eid)
                if e is not None and e.kind == "exact" and e.pattern == text and eid not in seen:
                    seen.add(eid)
                    yield e, "exact", 0.0
            for eid in tables.wildcard_ids(text):
                e = snap.get(eid)
                if e is None or eid in seen or e.kind == "exact":
                    continue
                if _wildcard_ok(e, text):
                    seen.add(eid)
                    yield e, "wildcard", 0.0
        if self._k < 0 or not fuzzy:
            return
        yield from self._fuzzy(snap, text, seen, sure)

    def _fuzzy(
        self, snap: _Snapshot, text: str, seen: set[str], sure: Sequence[float] | None
    ) -> Iterable[tuple[_Entry, Rule, float]]:
        variants = DeletionIndex.variants(fold(text), self._k)
        ids = snap.base_fuzzy.lookup(variants)
        for key in variants:
            ids.update(snap.overlay_fuzzy.get(key, ()))
        for eid in ids:
            if eid in seen:
                continue
            e = snap.get(eid)
            if e is None or e.kind != "exact":
                continue
            threshold = fuzzy_limit(self.fuzzy_threshold, text, e.pattern)
            d = plate_distance(text, e.pattern, max_distance=threshold, assume_normalized=True)
            if d <= threshold + 1e-9 and (sure is None or has_doubt(text, sure, e.pattern)):
                seen.add(eid)
                yield e, "fuzzy", round(d, 6)


def _confidences_for(
    text: str, primary: str, char_confidences: Sequence[float] | None
) -> Sequence[float] | None:
    """How sure the reader was of each character of ``text``, the reading itself or one of its next-best
    readings: the reading's own confidences, position by position where the lengths agree, else its
    least sure one at every position. None where nothing is known per character."""
    if not char_confidences or len(char_confidences) != len(primary):
        return None
    if len(text) == len(primary):
        return char_confidences
    return [min(char_confidences)] * len(text)


def has_doubt(text: str, char_confidences: Sequence[float], pattern: str) -> bool:
    """May the reading ``text`` be a misreading of the entry ``pattern``, given how sure the reader was
    of each character? Of one length: every character that differs is a look-alike of the entry's or
    was read below ``SURE_CHAR``. Of different lengths (a character missed or added): some character
    was read below ``SURE_CHAR``. Without one confidence per character, yes."""
    if len(char_confidences) != len(text):
        return True
    if len(text) != len(pattern):
        return min(char_confidences, default=0.0) < SURE_CHAR
    return not any(
        sure_difference(a, b, c) for a, b, c in zip(text, pattern, char_confidences, strict=True) if a != b
    )


def fuzzy_limit(threshold: float, text: str, pattern: str) -> float:
    """The largest distance at which ``text`` is a fuzzy match of the entry ``pattern``: the threshold,
    held under one ordinary edit when either is shorter than ``SHORT_PLATE``."""
    if min(len(text), len(pattern)) < SHORT_PLATE:
        return min(threshold, _UNDER_ONE_EDIT)
    return threshold


def _wildcard_ok(e: _Entry, text: str) -> bool:
    if e.kind == "mask":
        return len(text) == len(e.pattern) and _mask_key(text, e.kept) == _mask_key(e.pattern, e.kept)
    return e.regex is not None and e.regex.fullmatch(text) is not None
