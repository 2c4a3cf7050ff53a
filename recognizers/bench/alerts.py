"""Would a wanted plate raise an alert? The exact-read rate counts a plate read only when the reading is
the plate, character for character; the gateway raises an alert on less: a reading matches a watchlist
entry exactly, by a wildcard, or fuzzily by the confusion-aware edit distance where the reader was
unsure, and its likely next-best readings match exactly (``gateway.matching.plates``).

Here the gateway's own matching (``gateway.pipeline.match.read_hits`` with the gateway's default
threshold, ``gateway.config.MatchSettings``) holds every drawn plate of a set on one watchlist beside
``DECOYS`` random plates of the current format, and each frame's readings are matched against it:
- ``alert_rate``: frames whose plate raised a hit (any rule);
- ``alert_rate_exact_rule``: ... an exact hit (the reading or a likely next-best reading is the plate);
- ``false_alert_frames``: frames with a hit on an entry that is not their plate (another drawn plate or
  a decoy), as a share of the frames.

One frame each: the gateway also matches a vehicle pass's reading combined over its frames, which a
single frame cannot show (``recognizers.bench.passes`` measures passes). The gateway is imported here
only, when the figure is measured."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from recognizers.bench.scoring import rate
from shared.schemas import PlateRead

if TYPE_CHECKING:  # the gateway is imported when a figure is measured, not with this module
    from gateway.matching.plates import PlateMatcher
    from gateway.pipeline.context import CameraContext

DECOYS = 10_000
DECOY_SEED = 11
LIST_ID = 1


@dataclass(frozen=True)
class Watchlist:
    """The gateway's matcher holding the wanted plates and the decoys, and a camera that checks it."""

    matcher: PlateMatcher
    ctx: CameraContext
    entry_of: dict[str, int]  # a wanted plate's entry id
    entries: int


def watchlist(truths: Sequence[str], decoys: int = DECOYS) -> Watchlist:
    """Every plate of ``truths`` (a plate given twice is one entry) and ``decoys`` random plates of the
    current format on one list, matched by the gateway's default threshold."""
    from gateway.bench_match import random_plate
    from gateway.config import MatchSettings
    from gateway.matching.plates import PlateEntryRef, PlateMatcher
    from gateway.pipeline.context import CameraContext, WatchlistInfo

    defaults = MatchSettings()
    matcher = PlateMatcher(defaults.plate_fuzzy_threshold if defaults.plate_fuzzy_enabled else 0.0)
    rng = random.Random(DECOY_SEED)
    wanted = list(dict.fromkeys(truths))
    texts = wanted + [random_plate(rng) for _ in range(decoys)]
    matcher.rebuild(PlateEntryRef(str(i), str(LIST_ID), text) for i, text in enumerate(texts))
    plate_list = WatchlistInfo(LIST_ID, "plates", 1, "bench", None)
    ctx = CameraContext("bench", True, True, False, None, plate_lists={LIST_ID: plate_list})
    return Watchlist(matcher, ctx, {text: i for i, text in enumerate(wanted)}, len(texts))


def alert_figures(
    truths: Sequence[str], reads: Sequence[Sequence[PlateRead]], decoys: int = DECOYS
) -> tuple[dict[str, Any], list[bool]]:
    """The figures above, and per frame whether its plate raised a hit."""
    from gateway.pipeline.match import read_hits

    wl = watchlist(truths, decoys)
    now = datetime.now(UTC)
    raised: list[bool] = []
    exact: list[bool] = []
    false_frames: list[bool] = []
    for truth, frame_reads in zip(truths, reads, strict=True):
        hits = [h for r in frame_reads for h in read_hits(r, wl.ctx, wl.matcher, now)]
        own = [h for h in hits if h.entry_id == wl.entry_of[truth]]
        raised.append(bool(own))
        exact.append(any(h.rule == "exact" for h in own))
        false_frames.append(any(h.entry_id != wl.entry_of[truth] for h in hits))
    figures = {
        "alert_rate": rate(raised),
        "alert_rate_exact_rule": rate(exact),
        "false_alert_frames": rate(false_frames),
        "watchlist_entries": wl.entries,
        "fuzzy_threshold": wl.matcher.fuzzy_threshold,
    }
    return figures, raised
