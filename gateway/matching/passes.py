"""Group the plate reads of consecutive frames of one camera into vehicle passes.

Design decision: grouping lives in the gateway, not in the camera agent. The gateway is where the
reads exist (the agent stays OCR-free and light, sending motion-gated JPEGs over slow village links),
it sees every frame of a camera including frames replayed from the agent's spool, and it is the
one place that decides sightings and alerts, so one car makes one sighting however many frames
reached it. The agent would need the plate models to group, which a village box cannot afford.

A read joins an open pass of the same camera when it comes within ``window_s`` of that pass's last
read and either its text is within ``max_distance`` (confusion-aware) of the pass's combined text or
of any read in it, or its box continues the pass's box trajectory (overlapping or near the last
box) while the read or the pass is unsure (``SURE_READ``): two sure reads of different plates are two
vehicles, however close their boxes. Two sure readings of one length that differ only where each is
sure of its character (``SURE_CHAR``), and only in characters no plate font makes alike (not O/0, B/8,
K/X, ...: ``shared.plate_grammar.distance``), are two vehicles too, however close their texts
(``AA1234BB`` then ``AA1235BB``, a fleet's consecutive numbers at a gate): joined, the second car's
sighting would be stored under the first car's plate and no search for its own plate would find it. A
personalised plate's O read as 0 on one frame, however sure, is the same plate. The combined
reading is a per-character vote weighted by per-character confidence and by the width of the read's
box (up to ``FULL_SAY_WIDTH_PX``: an approaching car's plate read 50 px wide, however sure, does not
outvote the same plate read 75 px wide), among the reads of the dominant length (reads of another
length, e.g. a dropped character, still count as reads of the pass but do not vote).

A far plate is often read in part first (``B20`` at 0.56, then ``BK1760XH`` on the next frame): a
fragment, too far from the plate's text to join by it. A pass of only unsure reads (below
``SURE_READ``) at least ``FRAGMENT_SHORTER`` characters shorter than a read whose box continues
theirs, at most ``FRAGMENT_GAP_S`` later, is completed by that read, and an unsure read that much
shorter than a pass whose box it continues joins it as soon. In one frame, where two plates are two
vehicles, a fragment joins only in a box over the whole plate's (``_overlap``: two plates never
overlap). Either way the fragments stay reads of the pass but have no say in its length, so they
never outvote the whole plate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from shared.plate_grammar import CONFUSABLE, plate_distance
from shared.schemas import BBox, PlateRead

MAX_OPEN_PER_CAMERA = 64
#: a read at least this confident, beside a pass as confident, is no misreading of the pass's plate
SURE_READ = 0.9
#: a character read at least this sure, where a sure pass holds another character as surely, is a
#: character of another plate, not a misreading of the pass's
SURE_CHAR = 0.95
#: a read whose box is this wide in the frame (px) or wider has its full say in the pass's vote: a
#: one-line plate 24 px high, the legible size (``docs/measurements.md``, exact reads by plate height)
FULL_SAY_WIDTH_PX = 110.0
#: an unsure read this many characters shorter than another whose box it continues is a fragment of
#: that plate (a far plate read in part), not another vehicle's
FRAGMENT_SHORTER = 2
#: ... and at most this long after the pass's last read (three frames at the camera agent's default
#: 2 frames/s): a fragment comes a frame or two before the whole plate, while another car at the same
#: spot comes seconds later
FRAGMENT_GAP_S = 1.5


def sure_difference(read: str, other: str, confidence: float) -> bool:
    """A character ``read`` at ``confidence`` where ``other`` holds another one: a character of another
    plate, not a misreading, when it was read at least ``SURE_CHAR`` sure and no plate font makes the two
    alike (not O/0, B/8, K/X, ...: ``shared.plate_grammar.distance``)."""
    return confidence >= SURE_CHAR and (read, other) not in CONFUSABLE


@dataclass(frozen=True, slots=True)
class PassUpdate:
    pass_id: str
    is_new: bool
    combined_text: str
    combined_confidence: float
    n_reads: int
    camera_id: str = ""
    first_ts: datetime | None = None
    last_ts: datetime | None = None
    closed: bool = False
    changed: bool = True  # combined_text differs from what the previous update said
    combined_confidences: tuple[float, ...] = ()  # per character of combined_text (``combine``)


@dataclass
class _Read:
    text: str
    weights: list[float]
    confidence: float
    bbox: BBox
    ts: datetime  # the frame's capture time
    #: a part of the plate read from afar (``FRAGMENT_SHORTER``): a read of the pass with no say in
    #: its length
    fragment: bool = False


@dataclass
class _Pass:
    pass_id: str
    camera_id: str
    first_ts: datetime
    last_ts: datetime
    reads: list[_Read] = field(default_factory=list)
    combined_text: str = ""
    combined_confidence: float = 0.0
    combined_weights: list[float] = field(default_factory=list)

    def whole_read_at(self, ts: datetime) -> bool:
        """The pass holds a read of the frame at ``ts`` that is no fragment: another plate in that frame
        is another vehicle's."""
        return any(q.ts == ts and not q.fragment for q in self.reads)

    def update(self, camera_id: str, *, is_new: bool, changed: bool, closed: bool = False) -> PassUpdate:
        return PassUpdate(
            self.pass_id,
            is_new,
            self.combined_text,
            self.combined_confidence,
            len(self.reads),
            camera_id,
            self.first_ts,
            self.last_ts,
            closed,
            changed,
            tuple(self.combined_weights),
        )


def _weights(read: PlateRead) -> list[float]:
    if len(read.char_confidences) == len(read.text):
        return [max(float(c), 1e-3) for c in read.char_confidences]
    return [max(float(read.confidence), 1e-3)] * len(read.text)


def _say(r: _Read) -> float:
    """How much a read's vote counts beside the pass's others: in proportion to its box's width up to
    ``FULL_SAY_WIDTH_PX``. Reads of a far plate are less often right however sure the recognizer is
    (rendered plates: 64-70 % read exactly under 24 px high, 93 % at 32-47 px), and an approaching car's
    plate is read far first, near last. The width, not the height: the detector's box around a small
    plate's line is 1.5-2 times the line's height, so a far plate's box may be as high as a near one's."""
    return min(1.0, max(1.0, float(r.bbox.w)) / FULL_SAY_WIDTH_PX)


def combine(reads: list[_Read]) -> tuple[str, float, list[float]]:
    """Weighted per-character vote among the reads of the dominant length: the text, its confidence and
    each character's (the winners' confidence times their share of the voters). The length and each
    character are chosen by confidence times the read's say (``_say``: a near plate's read outvotes a
    far one's); the confidences reported are the recognizer's, not scaled by it."""
    says = [_say(r) for r in reads]
    by_len: dict[int, float] = {}
    whole = not all(r.fragment for r in reads)
    for r, say in zip(reads, says, strict=True):
        if not (whole and r.fragment):
            by_len[len(r.text)] = by_len.get(len(r.text), 0.0) + r.confidence * say + 1e-6
    length = max(by_len, key=lambda n: (by_len[n], n))
    voters = [(r, say) for r, say in zip(reads, says, strict=True) if len(r.text) == length]
    chars: list[str] = []
    confs: list[float] = []
    for i in range(length):
        score: dict[str, float] = {}
        support: dict[str, float] = {}
        for r, say in voters:
            score[r.text[i]] = score.get(r.text[i], 0.0) + r.weights[i] * say
            support[r.text[i]] = support.get(r.text[i], 0.0) + r.weights[i]
        ch = max(score, key=lambda c: (score[c], c))
        chars.append(ch)
        confs.append(support[ch] / len(voters))  # agreement x confidence of the winners
    conf = sum(confs) / len(confs) if confs else 0.0
    return "".join(chars), min(1.0, conf), confs


def _another_plate(p: _Pass, r: _Read) -> bool:
    """A sure read of the pass's length that differs from the pass's sure reading only at characters
    both are sure of, none a glyph-alike of the other: another vehicle's plate, not a misreading."""
    text = p.combined_text
    if min(r.confidence, p.combined_confidence) < SURE_READ or len(r.text) != len(text) or r.text == text:
        return False
    return all(
        sure_difference(a, b, min(r.weights[i], p.combined_weights[i]))
        for i, (a, b) in enumerate(zip(r.text, text, strict=True))
        if a != b
    )


def _fragment_join(p: _Pass, r: _Read) -> str | None:
    """How ``r``, its box continuing the pass's last one, joins ``p`` as a fragment, if it does:
    ``completes`` where ``r`` is the whole plate of a pass of only fragments (every read unsure and
    ``FRAGMENT_SHORTER`` characters shorter), ``fragment`` where ``r`` is an unsure part of the pass's
    plate (that much shorter than its reading)."""
    if not _near(p.reads[-1].bbox, r.bbox):
        return None
    if all(q.confidence < SURE_READ and len(q.text) <= len(r.text) - FRAGMENT_SHORTER for q in p.reads):
        return "completes"
    if r.confidence < SURE_READ and len(r.text) <= len(p.combined_text) - FRAGMENT_SHORTER:
        return "fragment"
    return None


def _shared_area(a: BBox, b: BBox) -> float:
    ix = max(0.0, min(a.x + a.w, b.x + b.w) - max(a.x, b.x))
    iy = max(0.0, min(a.y + a.h, b.y + b.h) - max(a.y, b.y))
    return ix * iy


def _overlap(a: BBox, b: BBox) -> bool:
    """The boxes share at least half of the smaller one: one plate's box, not two plates'."""
    return _shared_area(a, b) >= 0.5 * max(1.0, min(a.w * a.h, b.w * b.h))


def _near(a: BBox, b: BBox) -> bool:
    """Same object on the next frame: boxes overlap, or centres closer than two box widths."""
    if _shared_area(a, b) > 0:
        return True
    dx = (a.x + a.w / 2) - (b.x + b.w / 2)
    dy = (a.y + a.h / 2) - (b.y + b.h / 2)
    reach = 2.0 * max(a.w, b.w, 1)
    return dx * dx + dy * dy <= reach * reach


class PassGrouper:
    """Not thread-safe: call from one task (the pipeline serialises per camera)."""

    def __init__(self, window_s: float = 4.0, max_distance: float = 2.0) -> None:
        self.window_s = float(window_s)
        self.max_distance = float(max_distance)
        self._open: dict[str, list[_Pass]] = {}

    def observe(self, camera_id: str, ts: datetime, read: PlateRead) -> PassUpdate:
        r = _Read(read.text, _weights(read), float(read.confidence), read.bbox, ts)
        passes = self._open.setdefault(camera_id, [])
        found = self._find(passes, ts, r)
        target, how = found if found is not None else (None, "")
        if target is None:
            target = _Pass(uuid.uuid4().hex, camera_id, ts, ts)
            passes.append(target)
            if len(passes) > MAX_OPEN_PER_CAMERA:
                passes.pop(0)
            is_new = True
        else:
            is_new = False
            target.last_ts = max(target.last_ts, ts)
            if how == "completes":
                for earlier in target.reads:
                    earlier.fragment = True
            elif how == "fragment":
                r.fragment = True
        before = target.combined_text
        target.reads.append(r)
        target.combined_text, target.combined_confidence, target.combined_weights = combine(target.reads)
        return target.update(camera_id, is_new=is_new, changed=is_new or before != target.combined_text)

    def _find(self, passes: list[_Pass], ts: datetime, r: _Read) -> tuple[_Pass, str] | None:
        """The open pass ``r`` joins, if any, and how: ``text`` (by its text or box trajectory),
        ``completes`` (``r`` is the whole plate of a pass of fragments) or ``fragment``."""
        best: tuple[float, _Pass, str] | None = None
        for p in passes:
            gap = (ts - p.last_ts).total_seconds()
            if gap > self.window_s or gap < -self.window_s:
                continue
            # two plates in one frame are two vehicles, unless one is a part of the other read in a box
            # over the other's (``_fragment_join`` decides below)
            same_frame = p.whole_read_at(ts)
            if same_frame and not _overlap(p.reads[-1].bbox, r.bbox):
                continue
            if _another_plate(p, r):
                continue
            d = self._text_distance(p, r.text)
            how = "text"
            if same_frame or (d > self.max_distance and not self._continues(p, r, d)):
                joined = _fragment_join(p, r) if abs(gap) <= FRAGMENT_GAP_S else None
                if joined is None:
                    continue
                how = joined
            score = d + 0.01 * abs(gap)
            if best is None or score < best[0]:
                best = (score, p, how)
        return None if best is None else (best[1], best[2])

    def _continues(self, p: _Pass, r: _Read, d: float) -> bool:
        """Box trajectory continues and the text is only partly off (e.g. a character lost), where the
        read or the pass is unsure: two sure reads that far apart are two vehicles at one spot (cars
        queueing at a gate), and a vote between them would make a plate neither has."""
        if min(r.confidence, p.combined_confidence) >= SURE_READ:
            return False
        loose = max(2.0 * self.max_distance, len(r.text) / 2)
        return d <= loose and _near(p.reads[-1].bbox, r.bbox)

    def _text_distance(self, p: _Pass, text: str) -> float:
        limit = self.max_distance
        limit = max(2.0 * limit, len(text) / 2)
        d = plate_distance(text, p.combined_text, max_distance=limit, assume_normalized=True)
        for other in p.reads[-4:]:
            if d <= 0:
                break
            d = min(d, plate_distance(text, other.text, max_distance=limit, assume_normalized=True))
        return d

    def expire(self, now: datetime) -> list[PassUpdate]:
        """Close passes whose last read is older than the window; return their final state."""
        closed: list[PassUpdate] = []
        for camera_id, passes in list(self._open.items()):
            keep = []
            for p in passes:
                if (now - p.last_ts).total_seconds() > self.window_s:
                    closed.append(p.update(camera_id, is_new=False, changed=False, closed=True))
                else:
                    keep.append(p)
            if keep:
                self._open[camera_id] = keep
            else:
                del self._open[camera_id]
        return closed

    def open_passes(self, camera_id: str | None = None) -> int:
        if camera_id is not None:
            return len(self._open.get(camera_id, []))
        return sum(len(v) for v in self._open.values())
