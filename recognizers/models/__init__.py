"""Model registry: every weight file Varta uses, pinned by SHA-256, with ordered sources."""

from recognizers.models.registry import REGISTRY, ModelMissingError, ModelSpec, model_path

__all__ = ["REGISTRY", "ModelMissingError", "ModelSpec", "model_path"]
