"""The camera registry."""
