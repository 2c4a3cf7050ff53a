"""Benchmarks of the recognizers and their peers (``varta bench recognizers``)."""
