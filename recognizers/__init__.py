"""Plate and face recognizers: libraries and their own HTTP services."""
