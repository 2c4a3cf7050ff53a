"""Licence-plate recognizer: PP-OCR DB detection + CTC recognition on onnxruntime, Ukrainian grammar."""

from recognizers.plates.pipeline import PlateRecognizer
from recognizers.plates.settings import PlateSettings

__all__ = ["PlateRecognizer", "PlateSettings"]
