"""Plate matching against watchlists and grouping of plate reads into vehicle passes."""

from gateway.matching.passes import PassGrouper, PassUpdate
from gateway.matching.plates import PlateEntryRef, PlateHit, PlateMatcher

__all__ = ["PassGrouper", "PassUpdate", "PlateEntryRef", "PlateHit", "PlateMatcher"]
