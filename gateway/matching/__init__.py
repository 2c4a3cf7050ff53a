"""Plate matching against watchlists, grouping of plate reads into vehicle passes, and telling a
camera's static text (its burnt-in name, a sign) from plates."""

from gateway.matching.passes import PassGrouper, PassUpdate
from gateway.matching.plates import PlateEntryRef, PlateHit, PlateMatcher
from gateway.matching.static_text import StaticText

__all__ = ["PassGrouper", "PassUpdate", "PlateEntryRef", "PlateHit", "PlateMatcher", "StaticText"]
