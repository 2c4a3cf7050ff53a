"""Example answers shown in the OpenAPI docs."""

from __future__ import annotations

from typing import Any

PLATES_EXAMPLE: dict[str, Any] = {
    "plates": [
        {
            "text": "AA1234BB",
            "raw_text": "AA 1234 BB",
            "format": "current",
            "region": {"code": "AA", "name_uk": "м. Київ", "name_en": "Kyiv City"},
            "confidence": 0.97,
            "char_confidences": [0.99, 0.99, 0.98, 0.99, 0.97, 0.99, 0.96, 0.98],
            "candidates": [{"text": "AA1234B8", "confidence": 0.41}],
            "bbox": {"x": 612, "y": 488, "w": 154, "h": 34},
            "lines": 1,
        }
    ],
    "image_width": 1280,
    "image_height": 720,
    "timings_ms": {"read": 0.4, "queue": 0.1, "decode": 4.2, "infer": 61.5, "total": 66.8},
}

FACES_EXAMPLE: dict[str, Any] = {
    "faces": [
        {
            "bbox": {"x": 880, "y": 310, "w": 96, "h": 118},
            "landmarks": [[905.1, 355.2], [950.3, 354.8], [928.0, 380.6], [909.9, 404.1], [946.2, 403.7]],
            "det_score": 0.93,
            "quality": {
                "score": 0.81,
                "size_px": 96.0,
                "sharpness": 142.7,
                "yaw_deg": 3.1,
                "pitch_deg": -4.0,
                "roll_deg": 0.6,
            },
            "embedding": [0.043, -0.118, 0.071],
        }
    ],
    "image_width": 1920,
    "image_height": 1080,
    "model_pack": "yunet-sface",
    "embedding_dim": 128,
    "timings_ms": {"read": 0.6, "queue": 0.1, "decode": 9.8, "infer": 38.2, "total": 49.0},
}
