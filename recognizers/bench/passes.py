"""Vehicle passes: what an entry camera's stream gives the gateway, not one frame.

The exact-read and alert rates of the rendered sets are single frames. A camera sees a car on several
frames as it approaches, its plate growing from frame to frame, and the gateway groups the reads of
those frames into one vehicle pass, votes a combined reading and matches it too
(``gateway.matching.passes``, ``gateway.pipeline.match.match_plates``). Here each of ``PASS_SEEDS``
(and, as a second set, ``HELDOUT_PASS_SEEDS``) draws one vehicle (its plate, layout, typeface, angle,
blur, light, noise and scene stay as that seed draws them) on the frames of ``APPROACH``: the plate at
0.4, 0.5, 0.67 and 1 times its scale on the closest frame, as a car closing from 2.5 to 1 times its
closest distance at the camera agent's default 2 frames/s would give (closest at 10 m: 36 km/h),
moving down the frame as it comes nearer. The closest frame's scale is drawn log-uniform over the
rendered sets' range (``HEIGHT_RANGE``), and the figures by height are by the plate's box height on the
closest frame: a plate that reaches this height at its closest.

Each frame is read by the reader given (the bench reads them as the gateway does while its recognizers
are idle, with the finer look, and as it does under load, without), and its reads go through the
gateway's own steps in its order: static text (``StaticText``, default settings),
letters-only reads dropped unless wanted, then ``match_plates`` with one ``PassGrouper`` for the camera
(vehicles a minute apart), against every drawn plate beside ``alerts.DECOYS`` random plates
(``alerts.watchlist``). Figures:
- ``alert_rate``: vehicles whose plate raised an alert on any of its frames (the frame's reading, a
  likely next-best reading or the pass's combined reading);
- ``sighting_read_rate``: vehicles with a pass whose final combined reading is the plate (the
  sighting's text);
- ``search_found_rate``: vehicles a sightings search for the plate finds: by the sighting's text or by
  one frame's read (``found_by_read``);
- ``closest_frame_exact_read`` and ``frame_exact_read``: the single-frame exact-read rate on the closest
  frame and on every frame, for comparison;
- ``false_alert_vehicles``: vehicles that raised an alert on a plate not theirs;
- ``passes_per_vehicle``: passes the vehicle's reads made (1 is one sighting; more, a split pass);
- ``alerts_per_alerted_vehicle``: alerts a vehicle whose plate alerted raised on it (the gateway stores
  one per pass and entry: 1 is one alert a car, more, the same car alerting again);
- ``alert_rate_by_closest_height``, ``closest_frame_exact_read_by_height``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from recognizers.bench.alerts import DECOYS, watchlist
from recognizers.bench.scoring import rate, rate_by_height
from recognizers.synth import SynthPlate, render_plate
from recognizers.synth.plate import FONTS
from recognizers.synth.render import HEIGHT_RANGE, drawn_text
from shared.schemas import PlateRead

#: the vehicles drawn; this build's matching rules were checked on them (``gateway.matching.plates``) ...
PASS_SEEDS = range(12_000, 12_150)
#: ... and on these, drawn the same way
HELDOUT_PASS_SEEDS = range(13_000, 13_150)
#: the plate's scale on each frame of a pass, as a share of its scale on the closest frame
APPROACH = (0.4, 0.5, 0.67, 1.0)
FRAME_GAP_S = 0.5  # the camera agent's default 2 frames/s
VEHICLE_GAP_S = 60.0  # far beyond the pass window: one vehicle at a time
_PATH_STREAM = 0x9A55
CAMERA = "bench"
#: the smallest plate drawn on a pass's far frames (a 12-px closest plate is drawn at 4.8 px there)
MIN_SCALE_PX = 5


@dataclass(frozen=True)
class Vehicle:
    text: str
    frames: list[SynthPlate]  # far to near; the last is the closest

    @property
    def closest_px(self) -> int:
        """The plate's box height on the closest frame."""
        return self.frames[-1].plate_height_px


def render_vehicle(seed: int, backgrounds: Sequence[np.ndarray] = ()) -> Vehicle:
    """The frames of one vehicle's approach: ``render_plate(seed)`` at each scale of ``APPROACH`` (the
    typefaces in turn by seed), the plate moving down and sideways along a path drawn from a stream of
    the seed's own."""
    path = random.Random(seed ^ _PATH_STREAM)
    lo, hi = HEIGHT_RANGE
    closest = min(hi, max(lo, round(math.exp(path.uniform(math.log(lo), math.log(hi + 1))))))
    x0, dx = path.uniform(0.25, 0.75), path.uniform(-0.15, 0.15)
    y0, dy = path.uniform(0.35, 0.5), path.uniform(0.1, 0.25)
    fonts = list(FONTS)
    frames = []
    for k, share in enumerate(APPROACH):
        t = k / (len(APPROACH) - 1)
        scale = max(MIN_SCALE_PX, round(closest * share))
        frames.append(
            render_plate(
                seed,
                backgrounds=backgrounds,
                height_range=(scale, scale),
                font=fonts[seed % len(fonts)],
                centre=(x0 + dx * t, y0 + dy * t),
            )
        )
    return Vehicle(frames[-1].text, frames)


def pass_figures(
    read: Callable[[np.ndarray], Sequence[PlateRead]],
    seeds: Sequence[int] = PASS_SEEDS,
    backgrounds: Sequence[np.ndarray] = (),
    decoys: int | None = None,
) -> dict[str, Any]:
    """Draw the vehicles of ``seeds``, read every frame with ``read`` and score the passes as above.
    One vehicle's frames are held at a time."""
    from gateway.config import PipelineSettings
    from gateway.matching import PassGrouper
    from gateway.matching.static_text import StaticText
    from gateway.pipeline.match import drop_unmatched_letters, match_plates

    wl = watchlist([drawn_text(seed) for seed in seeds], DECOYS if decoys is None else decoys)
    bounds = PipelineSettings()
    static = StaticText(
        bounds.static_text_min_frames, bounds.static_text_min_span_s, bounds.static_text_forget_s
    )
    grouper = PassGrouper()
    start = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
    closest_px: list[int] = []
    alerted: list[bool] = []
    sighted: list[bool] = []
    searchable: list[bool] = []
    closest_read: list[bool] = []
    frame_hits: list[bool] = []
    false_vehicles: list[bool] = []
    passes = 0
    own_alerts: list[int] = []
    for i, seed in enumerate(seeds):
        vehicle = render_vehicle(seed, backgrounds)
        own = wl.entry_of[vehicle.text]
        final: dict[str, str] = {}  # pass id -> its combined reading after the vehicle's last frame
        wrong = read_once = False
        alert_passes: set[str] = set()  # passes that hit the vehicle's entry: the gateway's alert key
        for k, frame in enumerate(vehicle.frames):
            ts = start + timedelta(seconds=i * VEHICLE_GAP_S + k * FRAME_GAP_S)
            reads = list(read(frame.image_bgr))
            frame_hits.append(any(r.text == vehicle.text for r in reads))
            read_once |= frame_hits[-1]
            moving = [r for r in reads if not static.is_static(CAMERA, ts, r)]
            kept = drop_unmatched_letters(moving, wl.ctx, wl.matcher, ts)
            for outcome in match_plates(kept, wl.ctx, grouper, wl.matcher, ts, ts):
                final[outcome.update.pass_id] = outcome.update.combined_text
                if any(h.entry_id == own for h in outcome.hits):
                    alert_passes.add(outcome.update.pass_id)
                wrong |= any(h.entry_id != own for h in outcome.hits)
        closest_px.append(vehicle.closest_px)
        closest_read.append(frame_hits[-1])
        alerted.append(bool(alert_passes))
        sighted.append(vehicle.text in final.values())
        searchable.append(sighted[-1] or read_once)
        false_vehicles.append(wrong)
        passes += len(final)
        if alert_passes:
            own_alerts.append(len(alert_passes))
    return {
        "vehicles": len(alerted),
        "frames_per_vehicle": len(APPROACH),
        "approach_scales": list(APPROACH),
        "alert_rate": rate(alerted),
        "sighting_read_rate": rate(sighted),
        "search_found_rate": rate(searchable),
        "closest_frame_exact_read": rate(closest_read),
        "frame_exact_read": rate(frame_hits),
        "false_alert_vehicles": rate(false_vehicles),
        "passes_per_vehicle": round(passes / len(alerted), 3) if alerted else None,
        "alerts_per_alerted_vehicle": round(sum(own_alerts) / len(own_alerts), 3) if own_alerts else None,
        "alert_rate_by_closest_height": rate_by_height(closest_px, alerted),
        "closest_frame_exact_read_by_height": rate_by_height(closest_px, closest_read),
        "watchlist_entries": wl.entries,
    }
