"""Group plate reads into passes and match them; match faces against the authorised person lists.

Face embeddings live only inside ``match_faces``: every detection leaves it with ``embedding=None``,
matched or not, so nothing downstream (database, evidence files, logs, answers) can keep one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from gateway.pipeline.context import CameraContext, WatchlistInfo
from gateway.pipeline.ports import (
    FaceHitLike,
    FaceIndexLike,
    PassGrouperLike,
    PassUpdateLike,
    PlateHitLike,
    PlateMatcherLike,
)
from shared.plate_grammar import PlateFormat
from shared.schemas import FaceDetection, PlateRead

#: a next-best plate reading less likely than this is not matched: the recognizer lists readings it
#: gives a few in ten thousand (``08372CC`` beside a sure ``HO8372CC``), and one of them that is a
#: wanted plate raised an alert on a car that was not it (``recognizers.bench.alerts``; 1 %, 5 % and
#: 10 % raised the same alerts there)
MIN_CANDIDATE_CONFIDENCE = 0.05
#: a face search that found no standing hit is repeated for this many times as many templates ...
WIDEN = 4
#: ... up to this many. Measured at 100,000 templates on Qdrant Edge: a search for 1,000 takes about
#: 13 ms on the HNSW index (one for 5 under 1 ms), an exact one about 10 ms whatever the number
MAX_FACE_CANDIDATES = 1000


@dataclass(frozen=True)
class PlateMatch:
    entry_id: int
    watchlist_id: int
    rule: str
    distance: float
    matched_text: str
    pattern: str


@dataclass
class PlateOutcome:
    read: PlateRead
    update: PassUpdateLike
    hits: list[PlateMatch] = field(default_factory=list)


@dataclass
class FaceMatch:
    entry_id: int
    watchlist_id: int
    photo_id: int | None
    score: float
    point_id: str = ""


@dataclass
class FaceOutcome:
    face: FaceDetection  # embedding already dropped
    hit: FaceMatch | None = None
    # every template above its list's threshold, best first; the hit is the best whose entry and photo
    # still stand in the database (``drop_expired_face_hits``)
    candidates: list[FaceMatch] = field(default_factory=list)


def match_plates(
    reads: Sequence[PlateRead],
    ctx: CameraContext,
    grouper: PassGrouperLike,
    matcher: PlateMatcherLike | None,
    captured_at: datetime,
    at: datetime,
) -> list[PlateOutcome]:
    """Each read joins a pass; the read, its next-best readings and the pass reading are matched
    against the entries valid ``at`` (``entries_at``), the pass reading by the vote's confidence in
    each of its characters."""
    out: list[PlateOutcome] = []
    for read in reads:
        update = grouper.observe(ctx.camera_id, captured_at, read)
        found = _read_found(read, ctx, matcher, at)
        if update.combined_text and update.combined_text != read.text:  # a reading of its own
            found += _found(update.combined_text, [], ctx, matcher, at, update.combined_confidences)
        out.append(PlateOutcome(read, update, _best_per_entry(found, ctx)))
    return out


def candidate_texts(read: PlateRead) -> list[str]:
    """The next-best readings worth matching (``MIN_CANDIDATE_CONFIDENCE``)."""
    return [c.text for c in read.candidates if c.confidence >= MIN_CANDIDATE_CONFIDENCE]


def read_hits(
    read: PlateRead, ctx: CameraContext, matcher: PlateMatcherLike | None, at: datetime
) -> list[PlateMatch]:
    """The entries one read matches: its text and its likely next-best readings, fuzzily only where the
    read's characters leave doubt (``gateway.matching.plates``)."""
    return _best_per_entry(_read_found(read, ctx, matcher, at), ctx)


def _read_found(
    read: PlateRead, ctx: CameraContext, matcher: PlateMatcherLike | None, at: datetime
) -> list[PlateHitLike]:
    return _found(read.text, candidate_texts(read), ctx, matcher, at, read.char_confidences)


def letters_only(read: PlateRead) -> bool:
    """Text of no Ukrainian format and without a digit: most likely a word on a vehicle (``SCANIA``,
    ``KRONE``), rarely a plate (a few countries issue personalised plates of letters only)."""
    return read.format == PlateFormat.UNKNOWN.value and not any(c.isdigit() for c in read.text)


def entries_at(captured_at: datetime, now: datetime) -> datetime:
    """The moment a plate entry must be valid at for a frame to match it: when the frame was captured
    (a frame the camera's agent spooled through an outage matches what was wanted then), never later
    than it arrived (a camera clock ahead of ours does not stretch an entry's validity)."""
    return min(captured_at, now)


def drop_unmatched_letters(
    reads: Sequence[PlateRead], ctx: CameraContext, matcher: PlateMatcherLike | None, at: datetime
) -> list[PlateRead]:
    """The reads to go on with: letters-only text stays only where it matches a watchlist entry.

    Left-out reads never reach the pass grouper, so they cannot start or bend a vehicle pass."""
    return [r for r in reads if not letters_only(r) or read_hits(r, ctx, matcher, at)]


def _found(
    text: str,
    alternatives: list[str],
    ctx: CameraContext,
    matcher: PlateMatcherLike | None,
    at: datetime,
    char_confidences: Sequence[float] | None = None,
) -> list[PlateHitLike]:
    if matcher is None or not ctx.plate_lists:
        return []
    lists = [str(w) for w in ctx.plate_lists]
    return list(matcher.match(text, alternatives, at, lists, char_confidences=char_confidences))


def _best_per_entry(hits: Sequence[PlateHitLike], ctx: CameraContext) -> list[PlateMatch]:
    best: dict[int, PlateMatch] = {}
    for h in hits:
        wl_id, entry_id = _int(h.watchlist_id), _int(h.entry_id)
        if wl_id is None or wl_id not in ctx.plate_lists or entry_id is None:
            continue
        m = PlateMatch(entry_id, wl_id, h.rule, float(h.distance), h.matched_text, h.pattern)
        if entry_id not in best or m.distance < best[entry_id].distance:
            best[entry_id] = m
    return list(best.values())


def match_faces(
    faces: Sequence[FaceDetection],
    ctx: CameraContext,
    index: FaceIndexLike | None,
    default_threshold: float,
    top_k: int,
    *,
    settle: Callable[[list[FaceOutcome]], None],
) -> list[FaceOutcome]:
    """The best template above its list's threshold that still stands, per face; embeddings are dropped
    either way.

    ``settle`` sets each outcome's hit to its best candidate that still stands in the database
    (``drop_expired_face_hits``). Templates that no longer count (a photo deleted while the index was
    away, an expired entry) or that miss their own list's higher threshold can fill the top ``top_k``
    and push a real match out, so a face left without a hit is searched again for ``WIDEN`` times as
    many templates, up to ``MAX_FACE_CANDIDATES``, as long as its last search came back full and its
    last template still scored inside the lowest threshold (so more could be accepted)."""
    vectors = [face.embedding for face in faces]
    for face in faces:
        face.embedding = None
    out = [FaceOutcome(face) for face in faces]
    if index is None or not ctx.face_matching:
        return out
    ids = [str(w) for w in ctx.person_lists]
    floor = min(_threshold(wl, default_threshold) for wl in ctx.person_lists.values())
    todo = [(o, np.asarray(v, dtype=np.float32)) for o, v in zip(out, vectors, strict=True) if v is not None]
    del vectors
    k = top_k
    while todo:
        cut_short = []
        for outcome, vector in todo:
            hits = index.search(vector, ids, k)
            outcome.candidates = _accepted(hits, ctx, default_threshold)
            outcome.hit = outcome.candidates[0] if outcome.candidates else None
            if len(hits) >= k and hits[-1].score >= floor:
                cut_short.append((outcome, vector))
        settle([outcome for outcome, _ in todo])
        if k >= MAX_FACE_CANDIDATES:
            break
        todo = [(o, v) for o, v in cut_short if o.hit is None]
        k = min(k * WIDEN, MAX_FACE_CANDIDATES)
    return out


def _int(value: str | int) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _accepted(hits: Sequence[FaceHitLike], ctx: CameraContext, default: float) -> list[FaceMatch]:
    """The templates above their list's threshold, best first."""
    found: list[FaceMatch] = []
    for h in hits:
        wl_id, entry_id = _int(h.watchlist_id), _int(h.entry_id)
        wl = ctx.person_lists.get(wl_id) if wl_id is not None else None
        if wl is None or entry_id is None:
            continue  # a list outside this camera's authorisation: never a hit
        if h.score >= _threshold(wl, default):
            found.append(FaceMatch(entry_id, wl.id, _int(h.photo_id), float(h.score), str(h.point_id)))
    return sorted(found, key=lambda m: -m.score)


def _threshold(wl: WatchlistInfo, default: float) -> float:
    return wl.face_threshold if wl.face_threshold is not None else default
