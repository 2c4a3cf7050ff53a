"""Renderer of realistic Ukrainian plates in scenes, for tests and the benchmark."""

from recognizers.synth.render import SynthPlate, iter_dataset, render_dataset, render_plate

__all__ = ["SynthPlate", "iter_dataset", "render_dataset", "render_plate"]
