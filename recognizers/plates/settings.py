"""Settings of the plate recognizer (env prefix ``VARTA_PLATES__``, or embedded as ``plates``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PlateSettings(BaseSettings):
    """Knobs of the plate pipeline, read from ``VARTA_PLATES__*`` (e.g. ``VARTA_PLATES__DET_LONG_SIDE=800``).

    A service embeds it as a nested model ``plates: PlateSettings`` under prefix ``VARTA_`` with
    ``env_nested_delimiter="__"``: the variable names are the same either way.
    """

    model_config = SettingsConfigDict(env_prefix="VARTA_PLATES__", extra="forbid")

    # small; "ppocr-v6-det-tiny" with det_long_side=800 takes 20-30 % less of a 720p frame and reads as many
    # small plates and real photos, but fewer legible plates (the fittings set: -13 of 1,074 reads):
    # "PP-OCRv6 tiny text detector" in docs/measurements.md. An opt-in for hosts that miss the speed.
    det_model: str = Field(default="ppocr-v6-det-small", description="registry name of the DB text detector")
    rec_model: str = Field(default="ppocr-v6-rec-small", description="registry name of the CTC recognizer")
    # 640 with the small detector (800 read fewer plates); 800 with the tiny one (at 640 it lost two of 25
    # real photos of Ukrainian cars)
    det_long_side: int = Field(
        default=640, ge=160, le=4096, description="detection runs on the frame scaled to this long side"
    )
    det_max_long_side: int = Field(
        default=800,
        ge=160,
        le=4096,
        description="a frame larger than twice det_long_side is detected at half its long side, up to this",
    )
    det_thresh: float = Field(default=0.3, gt=0, lt=1, description="DB probability map binarisation")
    det_box_thresh: float = Field(default=0.5, gt=0, lt=1, description="minimum mean probability of a box")
    det_unclip_ratio: float = Field(default=1.6, gt=0, description="DB box expansion (area*ratio/perimeter)")
    det_max_candidates: int = Field(default=300, ge=1)
    # 0.3, the binarisation threshold: every region the map finds under the box threshold may get the
    # second look (ranked by score x height). Against 0.4: +10 and -1 of 3000 rendered plates over six
    # sets (five in 720p frames, one in 1080p), the same EU reads, no cost on the speed frames.
    det_weak_thresh: float = Field(
        default=0.3, gt=0, lt=1, description="regions scoring from this to the box threshold get a 2nd look"
    )
    max_weak_regions: int = Field(
        default=2, ge=0, le=16, description="weak regions re-detected enlarged per frame (0: none)"
    )
    # 2: on four analysis sets (1,300 rendered plates, each read in 720p and in 1080p frames), 18 more
    # reads and none lost; 4 read no more
    max_loose_boxes: int = Field(
        default=2,
        ge=0,
        le=16,
        description="boxes much larger than their text re-detected inside per frame (0: none)",
    )
    flood_share: float = Field(
        default=0.1,
        gt=0,
        le=1,
        description="a detected region covering this share of the frame is flooded: re-detected in tiles",
    )
    max_flood_tiles: int = Field(
        default=4, ge=0, le=16, description="tiles of flooded regions re-detected per frame (0: none)"
    )
    # a frame whose first look finds no plate is detected again at this times the size (0 or 1: never)
    finer_look_scale: float = Field(
        default=1.5,
        ge=0,
        le=3,
        description="a frame with no plate found is detected again at this times the detection size (0: off)",
    )
    # None: finer_look_scale times det_long_side (960 with the defaults, a 720p frame's finer look): a 1080p
    # frame's at 960 instead of 1200 read 4 and 1 more of two sets of 500 at a fifth less p95 (a 1440p
    # frame's map at 1280 flooded large surfaces around small plates); the EU photos and the real photos
    # of Ukrainian cars read the same plates. The tiny detector at 800 px keeps its 1200.
    finer_look_max_side: int | None = Field(
        default=None,
        ge=160,
        le=4096,
        description="largest long side of the finer look (None: finer_look_scale x det_long_side)",
    )
    rec_height: int = Field(default=48, description="input height of the recognizer")
    rec_batch: int = Field(default=8, ge=1, le=64)
    max_text_boxes: int = Field(
        default=24, ge=1, description="at most this many plate-shaped text boxes are read per frame"
    )
    min_confidence: float = Field(
        default=0.5, ge=0, le=1, description="plates read with a lower overall confidence are dropped"
    )
    top_k: int = Field(default=3, ge=1, le=10, description="alternatives kept per character position")
    max_candidates: int = Field(default=4, ge=0, le=20, description="next-best readings returned per plate")
    threads: int | None = Field(default=None, ge=1, description="onnxruntime intra-op threads (None: cores)")

    @property
    def finer_look_cap(self) -> int:
        """The largest long side the finer look detects at: ``finer_look_max_side``, or by default
        ``finer_look_scale`` times ``det_long_side`` (960 with the default detector)."""
        return self.finer_look_max_side or round(self.det_long_side * self.finer_look_scale)
