"""Crop text boxes from the full-resolution frame and read them with a PP-OCR CTC recognizer.

The recognizer's dictionary (thousands of characters) is folded onto what a plate can carry: the 36
characters ``0-9 A-Z`` (upper/lower/full-width forms of one letter count as that letter), a separator
class (space, dash, dot) and "anything else" (an emblem, a flag, a Chinese character). Glyphs that stand
for several plate characters keep them: the model reads the "II" of a plate as the Roman numeral Ⅱ, a
"12" as ⑫. A bare vertical bar (``|``, lower-case ``l``) is an I: plate fonts draw no lower case, and
their L has a foot. Greedy CTC decoding runs on these folded classes, so a plate's emblem never turns into
a letter; every emitted character carries its confidence and the top-k alternatives at the same position.
"""

from __future__ import annotations

import logging
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from recognizers.common.ort import create_session

log = logging.getLogger(__name__)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SEPARATORS = " -.·•_—–"
_BLANK = 0
_SEP = len(ALPHABET) + 1
_OTHER = len(ALPHABET) + 2
_MIN_RATIO = 3.0  # narrowest recognizer input, as width / height


@dataclass
class TextRead:
    """What the recognizer read in one crop."""

    text: str  # characters of ALPHABET only
    raw: str  # with separators (space) where the model saw a gap, a separator or a non-plate symbol
    char_conf: list[float]
    alternatives: list[list[tuple[str, float]]]  # per character, best first, the read character included
    char_x: list[float] = field(default_factory=list)  # character centre, 0..1 of the crop width
    marks: str = ""  # colons and slashes read between characters: a clock's or a date's, never a plate's

    @property
    def confidence(self) -> float:
        return float(min(self.char_conf)) if self.char_conf else 0.0


def load_dictionary(session_meta: dict[str, str], dict_file: Path | None = None) -> list[str]:
    """Character list of the model: its ONNX metadata key ``character``, else a text file."""
    if "character" in session_meta:
        chars = session_meta["character"].splitlines()
    elif dict_file is not None:
        chars = dict_file.read_text(encoding="utf-8").splitlines()
    else:
        raise ValueError("recognition model has no 'character' metadata and no dictionary file was given")
    return ["<blank>", *chars, " "]


_MARKS = ":/"  # kept in TextRead.marks: a clock's colon, a date's slash (and their full-width forms)
_BARS = "|ǀl"  # a plain vertical stroke: on a plate, an I
_MAX_MULTI = 4


def fold(ch: str) -> str:
    """The plate characters a dictionary glyph stands for ("" if none): "a" -> "A", "Ⅱ" -> "II"."""
    if ch in _BARS:
        return "I"
    folded = unicodedata.normalize("NFKC", ch).upper()
    if 1 <= len(folded) <= _MAX_MULTI and all(c in ALPHABET for c in folded):
        return folded
    return ""


def fold_table(chars: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Model class indices that map to a plate class, and the plate class of each (1..36 or _SEP)."""
    idx, group = [], []
    for i, ch in enumerate(chars):
        if i == _BLANK:
            continue
        folded = fold(ch)
        if len(folded) == 1:
            idx.append(i)
            group.append(ALPHABET.index(folded) + 1)
        elif ch in _SEPARATORS:
            idx.append(i)
            group.append(_SEP)
    return np.asarray(idx, np.int64), np.asarray(group, np.int64)


def mark_table(chars: list[str]) -> tuple[np.ndarray, str]:
    """Model class indices of the glyphs kept as marks (``_MARKS``, any width), and the mark of each."""
    pairs = [(i, m) for i, ch in enumerate(chars) if (m := unicodedata.normalize("NFKC", ch)) in _MARKS]
    return np.asarray([i for i, _ in pairs], np.int64), "".join(m for _, m in pairs)


def multi_table(chars: list[str]) -> tuple[np.ndarray, list[str]]:
    """Model class indices of glyphs that stand for several plate characters, and those characters."""
    pairs = [(i, f) for i, ch in enumerate(chars) if i != _BLANK and len(f := fold(ch)) > 1]
    return np.asarray([i for i, _ in pairs], np.int64), [f for _, f in pairs]


class TextReader:
    """PP-OCR recognition model plus crop extraction and folded CTC decoding."""

    def __init__(
        self,
        model: Path,
        height: int = 48,
        batch: int = 8,
        top_k: int = 3,
        threads: int | None = None,
        dict_file: Path | None = None,
    ) -> None:
        self.session = create_session(model, threads)
        self.input_name = self.session.get_inputs()[0].name
        self.height = height
        self.batch = batch
        self.top_k = top_k
        chars = load_dictionary(self.session.get_modelmeta().custom_metadata_map, dict_file)
        self._idx, group = fold_table(chars)
        self._fold = np.zeros((len(self._idx), _SEP), np.float32)
        self._fold[np.arange(len(self._idx)), group - 1] = 1.0
        self._multi_idx, self._multi = multi_table(chars)
        self._mark_idx, self._marks = mark_table(chars)

    def crop(
        self, image_bgr: np.ndarray, points: np.ndarray, pad: tuple[float, float] = (0.0, 0.0)
    ) -> np.ndarray:
        """Perspective-rectified crop of a 4-point box, resized to the recognizer height.

        ``pad`` widens the box by (x, y) times its height on each side before cropping.
        """
        points = expand_box(points, *pad)
        tl, tr, br, bl = points.astype(np.float32)
        w = max(1.0, float(np.linalg.norm(tr - tl)), float(np.linalg.norm(br - bl)))
        h = max(1.0, float(np.linalg.norm(bl - tl)), float(np.linalg.norm(br - tr)))
        out_h = self.height
        out_w = max(8, round(w * out_h / h))
        if h <= out_h:  # enlarging: one warp straight to the target size
            dst = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
            m = cv2.getPerspectiveTransform(points.astype(np.float32), dst)
            return cv2.warpPerspective(
                image_bgr, m, (out_w, out_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
            )
        iw, ih = round(w), round(h)
        dst = np.array([[0, 0], [iw, 0], [iw, ih], [0, ih]], np.float32)
        m = cv2.getPerspectiveTransform(points.astype(np.float32), dst)
        native = cv2.warpPerspective(
            image_bgr, m, (iw, ih), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
        )
        return cv2.resize(native, (out_w, out_h), interpolation=cv2.INTER_AREA)

    def read(self, crops: list[np.ndarray]) -> list[TextRead]:
        """Read crops (BGR, already at the recognizer height); order is preserved."""
        results: list[TextRead | None] = [None] * len(crops)
        for chunk in self._batches(crops):
            tensor, widths = self._batch_tensor([crops[i] for i in chunk])
            probs = self.session.run(None, {self.input_name: tensor})[0]
            for j, i in enumerate(chunk):
                results[i] = self.decode(probs[j], widths[j])
        return [r for r in results if r is not None]

    def _batches(self, crops: list[np.ndarray]) -> list[list[int]]:
        """Crops grouped by width (at most ``batch`` each, widest at most 1.5x the narrowest): padding
        a short plate to the width of a long sign line would cost more than a separate run."""
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1])
        batches: list[list[int]] = []
        for i in order:
            last = batches[-1] if batches else None
            narrowest = max(crops[last[0]].shape[1], self.height * _MIN_RATIO) if last else 0
            if last and len(last) < self.batch and crops[i].shape[1] <= 1.5 * narrowest:
                last.append(i)
            else:
                batches.append([i])
        return batches

    def _batch_tensor(self, crops: list[np.ndarray]) -> tuple[np.ndarray, list[float]]:
        width = max(max(c.shape[1] for c in crops), round(self.height * _MIN_RATIO))
        width = -(-width // 8) * 8
        tensor = np.zeros((len(crops), 3, self.height, width), np.float32)
        widths = []
        for k, c in enumerate(crops):
            tensor[k, :, :, : c.shape[1]] = c.transpose(2, 0, 1).astype(np.float32) * (2 / 255.0) - 1.0
            widths.append(c.shape[1] / width)
        return tensor, widths

    def decode(self, probs: np.ndarray, used_width: float = 1.0) -> TextRead:
        """Greedy CTC over folded classes: blank, 36 characters, separator, other, then the glyphs
        that stand for several characters (each emits all of them)."""
        folded = probs[:, self._idx] @ self._fold  # (T, 37): 36 characters + separator
        multi = probs[:, self._multi_idx]  # (T, M)
        other = np.clip(1.0 - probs[:, _BLANK] - folded.sum(axis=1) - multi.sum(axis=1), 0.0, 1.0)
        classes = np.concatenate([probs[:, :1], folded, other[:, None], multi], axis=1)  # (T, 39 + M)
        best = classes.argmax(axis=1)
        steps = len(best)
        text: list[str] = []
        raw: list[str] = []
        conf: list[float] = []
        alts: list[list[tuple[str, float]]] = []
        xs: list[float] = []
        marks: list[str] = []
        t = 0
        while t < steps:
            cls = int(best[t])
            end = t
            while end + 1 < steps and best[end + 1] == cls:
                end += 1
            if cls in (_SEP, _OTHER):
                if raw and raw[-1] != " ":
                    raw.append(" ")
                if text and len(self._mark_idx):
                    p = probs[t : end + 1, self._mark_idx].max(axis=0)
                    if p.max() >= 0.5:  # the model read a colon or slash here, not a gap or an emblem
                        marks.append(self._marks[int(p.argmax())])
            elif cls != _BLANK:
                peak = t + int(np.argmax(classes[t : end + 1, cls]))
                glyphs = ALPHABET[cls - 1] if cls < _OTHER else self._multi[cls - _OTHER - 1]
                centre = ((t + end + 1) / 2) / steps / max(used_width, 1e-6)
                for ch in glyphs:
                    text.append(ch)
                    raw.append(ch)
                    conf.append(float(classes[peak, cls]))
                    alts.append(self._alternatives(classes[peak]) if len(glyphs) == 1 else [(ch, conf[-1])])
                    xs.append(centre)
            t = end + 1
        return TextRead("".join(text), "".join(raw).strip(), conf, alts, xs, "".join(marks))

    def _alternatives(self, row: np.ndarray) -> list[tuple[str, float]]:
        chars = row[1 : len(ALPHABET) + 1]
        top = np.argsort(-chars)[: self.top_k]
        return [(ALPHABET[i], float(chars[i])) for i in top]


def upright_box(points: np.ndarray, min_deg: float, max_deg: float) -> np.ndarray | None:
    """The (tl, tr, br, bl) box of a line whose text runs at ``min_deg``-``max_deg`` degrees from the
    horizontal, with its left and right sides upright in the image instead of square to the text: a
    plate seen from the side and above slants its baseline while its characters' strokes stay upright,
    and a crop square to the baseline leans every character. The same centre, width along the text and
    height; None for a line closer to level or steeper."""
    tl, tr, br, bl = points.astype(np.float64)
    along = (tr - tl) + (br - bl)
    along /= max(float(np.linalg.norm(along)), 1e-6)
    slant = abs(math.degrees(math.atan2(along[1], along[0])))
    if not min_deg <= slant <= max_deg:
        return None
    down = np.array([0.0, 1.0 if ((bl - tl) + (br - tr))[1] >= 0 else -1.0])
    half_w = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 4
    half_h = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 4
    c, a, b = points.mean(axis=0), along * half_w, down * half_h
    return np.stack([c - a - b, c + a - b, c + a + b, c - a + b]).astype(np.float32)


def expand_box(points: np.ndarray, pad_x: float, pad_y: float) -> np.ndarray:
    """Grow a (tl, tr, br, bl) box along its own axes by pad times its height on each side."""
    if pad_x == 0 and pad_y == 0:
        return points
    tl, tr, br, bl = points.astype(np.float32)
    ux = (tr - tl) + (br - bl)
    uy = (bl - tl) + (br - tr)
    h = float(np.linalg.norm(uy)) / 2
    ux = ux / max(float(np.linalg.norm(ux)), 1e-6)
    uy = uy / max(float(np.linalg.norm(uy)), 1e-6)
    dx, dy = ux * pad_x * h, uy * pad_y * h
    return np.stack([tl - dx - dy, tr + dx - dy, br + dx + dy, bl - dx + dy]).astype(np.float32)
