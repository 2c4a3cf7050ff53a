"""Face matching under an entry camera's conditions, for ``varta bench recognizers``.

Each LFW-5 pair's first photo stands for the enrolled watchlist photo (as uploaded, clear); the second
is degraded as a camera at a village entrance would see the person: greyscale (a camera's night mode),
infrared-like, dark, small, heavily compressed, motion-blurred, then found and embedded by the
recognizer with its default settings, so its quality gate decides, as in service, whether a face is
embedded at all. The figure is the share of same-person pairs that match at the gateway's default
threshold, and of different-person pairs that match (false matches), with the probe photos that gave
no embedding (no face found, or below the quality gate: a non-match).

Every degradation is a pure function of the image and a seed, so runs are repeatable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import cv2
import numpy as np

from recognizers.synth.render import jpeg_roundtrip

# The gateway's default face threshold (gateway.config.MatchSettings.face_threshold); a test keeps
# them equal without making the recognizers depend on the gateway.
GATEWAY_THRESHOLD = 0.40

Degrade = Callable[[np.ndarray, int], np.ndarray]


def clear(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """The photo as it is: the baseline the other conditions are read against."""
    return image


def greyscale(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """A colour camera's night mode: luminance only, in three equal channels."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


def infrared(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Under infrared light: greyscale, skin bright and flat (gamma 0.6), sensor noise."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
    out = 255.0 * grey**0.6 + np.random.default_rng(seed).normal(0.0, 5.0, grey.shape)
    return cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_GRAY2BGR)  # one sensor channel


def dark(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Dusk without infrared: about a third of the light (gamma 2.2, x0.35) and sensor noise."""
    x = (image.astype(np.float32) / 255.0) ** 2.2 * 0.35 * 255.0
    x += np.random.default_rng(seed).normal(0.0, 6.0, x.shape)
    return np.clip(x, 0, 255).astype(np.uint8)


def small(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """Seen from afar: shrunk to a fifth (an LFW face about 20-25 px wide) and enlarged back."""
    h, w = image.shape[:2]
    tiny = cv2.resize(image, (max(1, w // 5), max(1, h // 5)), interpolation=cv2.INTER_AREA)
    return cv2.resize(tiny, (w, h), interpolation=cv2.INTER_LINEAR)


def jpeg20(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """A starved stream: JPEG at quality 20."""
    return jpeg_roundtrip(image, 20)


def motion_blur(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """A person walking across the view at a slow shutter: 9-px horizontal motion blur."""
    kernel = np.zeros((9, 9), np.float32)
    kernel[4, :] = 1.0 / 9.0
    return cv2.filter2D(image, -1, kernel)


CONDITIONS: Mapping[str, Degrade] = {
    "clear": clear,
    "greyscale": greyscale,
    "infrared": infrared,
    "dark": dark,
    "small": small,
    "jpeg_q20": jpeg20,
    "motion_blur_9px": motion_blur,
}


def matched_shares(
    enrolled: Mapping[str, np.ndarray | None],
    probes: Mapping[str, np.ndarray | None],
    pairs: Sequence[Mapping[str, str]],
    threshold: float = GATEWAY_THRESHOLD,
) -> dict[str, float | int]:
    """Shares of same-person and of different-person pairs whose cosine similarity reaches
    ``threshold`` (enrolled ``file_a`` against probe ``file_b``); a missing face never matches."""
    same_hits = same_n = diff_hits = diff_n = 0
    for p in pairs:
        a, b = enrolled.get(p["file_a"]), probes.get(p["file_b"])
        hit = a is not None and b is not None and float(np.dot(a, b)) >= threshold
        if p["same"] == "1":
            same_n, same_hits = same_n + 1, same_hits + hit
        else:
            diff_n, diff_hits = diff_n + 1, diff_hits + hit
    return {
        "same_matched": round(same_hits / same_n, 4) if same_n else 0.0,
        "different_matched": round(diff_hits / diff_n, 4) if diff_n else 0.0,
        "photos_without_embedding": sum(v is None for v in probes.values()),
    }


def figures(
    embed: Callable[[np.ndarray], np.ndarray | None],
    read: Callable[[str], np.ndarray],
    files: Sequence[str],
    pairs: Sequence[Mapping[str, str]],
    enrolled: Mapping[str, np.ndarray | None],
) -> dict[str, object]:
    """Per condition, ``matched_shares`` of the pairs with every probe photo degraded that way."""
    out: dict[str, object] = {"threshold": GATEWAY_THRESHOLD}
    for name, degrade in CONDITIONS.items():
        probes = {f: embed(degrade(read(f), i)) for i, f in enumerate(files)}
        out[name] = matched_shares(enrolled, probes, pairs)
    return out
