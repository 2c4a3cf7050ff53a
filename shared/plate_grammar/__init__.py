"""Ukrainian licence-plate grammar: normalise, parse, correct, compare.

Pure Python, no I/O. See ``formats.PlateFormat`` for the formats recognised.
"""

from .correct import correct, prior_applies
from .distance import CONFUSABLE, plate_distance
from .formats import (
    ParsedPlate,
    PlateFormat,
    can_start,
    format_display,
    is_plausible,
    parse,
    same_plate_star_patterns,
    same_plate_texts,
)
from .normalize import PLATE_LETTERS, normalize
from .regions import REGIONS, REGIONS_1995, Region

__all__ = [
    "CONFUSABLE",
    "PLATE_LETTERS",
    "REGIONS",
    "REGIONS_1995",
    "ParsedPlate",
    "PlateFormat",
    "Region",
    "can_start",
    "correct",
    "format_display",
    "is_plausible",
    "normalize",
    "parse",
    "plate_distance",
    "prior_applies",
    "same_plate_star_patterns",
    "same_plate_texts",
]
