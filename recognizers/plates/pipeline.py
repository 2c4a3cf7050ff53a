"""PlateRecognizer: detect text on a downscaled frame, read crops at full resolution, keep plates."""

from __future__ import annotations

import itertools
import logging

import cv2
import numpy as np

from recognizers.models.registry import model_path
from recognizers.plates import refine
from recognizers.plates.assemble import (
    STRUCTURED_TIER,
    Line,
    Part,
    Reading,
    assemble,
    best_reading,
    clock_or_date,
    phone_number,
    settled,
    stacked,
    tier,
    with_finer_look,
)
from recognizers.plates.detector import (
    MAX_LINE_ASPECT,
    TextBox,
    TextDetector,
    aspect,
    box_height,
    box_width,
    detection_side,
    rect_area,
    squarish,
)
from recognizers.plates.reader import TextRead, TextReader, expand_box, upright_box
from recognizers.plates.settings import PlateSettings
from shared.plate_grammar import can_start
from shared.schemas import BBox, PlateCandidate, PlateRead, RegionInfo

log = logging.getLogger(__name__)

_MIN_TEXT_PX = 6.0  # full-resolution text height below which nothing is legible
_MIN_WEAK_PX = 4.0  # weak regions lower than this (frame px) are noise, not a small plate's text
_REREAD_PAD = (0.15, 0.08)  # a near-plate line is read again padded by x, y times its height on each side
_REREAD_STRETCH = 1.3  # ... and stretched this much sideways (unstretched: 4 of 500 rendered plates fewer)
#: ... or this much when its box is lower than _SMALL_LINE_PX (a small plate's crop is enlarged and blurred,
#: and its narrow characters run together: +12 of 3000 rendered plates over six sets against 1.3, and the
#: same EU reads; stretching every line so cost 15 ms a 720p frame, as large foreign plates are re-read too)
_SMALL_STRETCH = 1.8
_SMALL_LINE_PX = 48.0
_MAX_REREADS = 4  # lines read again, at most, per frame
_FILLS = 0.6  # a line re-detected at least this high in a squarish box is the box's one line
#: a box holds its text loosely when it reads fewer characters than this per unit of its width / height
#: (a plate's line, tight, reads 1.6-2.5: eight characters in a box 3.5-5 times as wide as high) ...
_LOOSE_DENSITY = 1.0
_LOOSE_CONF = 0.75  # ... or reads them with a mean confidence under this
#: a line whose text runs this many degrees from the horizontal is read again with upright sides
_UPRIGHT_DEG = (10.0, 60.0)
_UPRIGHT_PAD = (0.1, 0.0)  # ... its crop widened by this times its height on each side
_SURE_LEAD = 0.9  # a line's first two letters read at least this sure are kept when it is read again


class PlateRecognizer:
    """Finds and reads licence plates in BGR frames (satisfies PlateRecognizerProtocol)."""

    def __init__(self, settings: PlateSettings | None = None) -> None:
        self.settings = settings or PlateSettings()
        self.detector: TextDetector | None = None
        self.reader: TextReader | None = None

    @property
    def loaded(self) -> bool:
        return self.detector is not None and self.reader is not None

    def load(self) -> None:
        """Load both models (checksum-verified from the cache) and warm them up."""
        s = self.settings
        self.detector = TextDetector(
            model_path(s.det_model),
            long_side=s.det_long_side,
            thresh=s.det_thresh,
            box_thresh=s.det_box_thresh,
            unclip_ratio=s.det_unclip_ratio,
            max_candidates=s.det_max_candidates,
            threads=s.threads,
        )
        self.reader = TextReader(
            model_path(s.rec_model), height=s.rec_height, batch=s.rec_batch, top_k=s.top_k, threads=s.threads
        )
        self._warm_up()

    def _warm_up(self) -> None:
        frame = np.full((720, 1280, 3), 200, np.uint8)
        frame[300:340, 500:700] = 20
        self.recognize(frame)

    def recognize(
        self, image_bgr: np.ndarray, roi: BBox | None = None, finer_look: bool = True
    ) -> list[PlateRead]:
        """Every plate in the frame (inside ``roi`` when given), best first; boxes in frame pixels.

        ``finer_look``: when the first look finds no plate, detect again at ``finer_look_scale`` times
        the size (a photo's small plate). A camera's stream may leave it out: the plate of an approaching
        car grows from frame to frame, and most of a stream's frames hold none to find."""
        if self.detector is None or self.reader is None:
            raise RuntimeError("PlateRecognizer.load() must be called before recognize()")
        image_bgr = _as_bgr(image_bgr)
        if image_bgr.size == 0:
            return []
        region, (ox, oy) = _crop_roi(image_bgr, roi)
        if region.size == 0:
            return []
        s = self.settings
        offset = np.array([ox, oy], np.float32)
        side = detection_side(region.shape[0], region.shape[1], s.det_long_side, s.det_max_long_side)
        readings = self._pass(image_bgr, region, offset, side)
        # up to finer_look_max_side: larger maps (1280 px) flooded large surfaces around small plates
        finer_side = min(round(side * s.finer_look_scale), s.finer_look_cap)
        if finer_look and finer_side > side and not any(settled(r, s.min_confidence) for r in readings):
            # no plate at the frame's detection size: its text may be too small there (a real plate's
            # characters 10-12 px high on the map, seen at an angle, often leave no region at all)
            finer = self._pass(image_bgr, region, offset, finer_side)
            sure = [r for r in finer if settled(r, s.min_confidence)]
            readings = with_finer_look(readings, sure, s.max_candidates)
        h, w = image_bgr.shape[:2]
        return [_to_plate_read(r, w, h) for r in readings if r.confidence >= s.min_confidence]

    def _pass(
        self, image_bgr: np.ndarray, region: np.ndarray, offset: np.ndarray, side: int
    ) -> list[Reading]:
        """One look at ``region`` detected at long side ``side``: its readings, best first."""
        assert self.detector is not None
        s = self.settings
        weak_thresh = s.det_weak_thresh if s.max_weak_regions > 0 else None
        strong, weak = self.detector.detect_with_weak(region, side, weak_thresh)
        boxes = self._plate_shaped(strong + self._in_floods(region, strong + weak, side))
        points = [b.points for b in boxes]
        budget = [refine.MAX_REGIONS]
        split = [self._split(region, p, budget) for p in points if _squarish(p)]
        points += self._weak_lines(region, weak)  # already re-detected enlarged: lines, not split again
        inner = [line for found, _ in split for line in found]
        halves = [half for _, found in split for half in found]
        parts = [Part.WHOLE] * len(points) + [Part.INNER] * len(inner) + [Part.HALF] * len(halves)
        lines = self._read(image_bgr, [p + offset for p in points + inner + halves], parts)
        lines += self._look_inside(image_bgr, region, offset, lines)
        lines += self._top_lines(image_bgr, region, offset, lines, budget)
        self._read_upright(image_bgr, lines)
        self._read_again(image_bgr, lines)
        return assemble(lines, s.max_candidates)

    def _read(
        self, image_bgr: np.ndarray, points: list[np.ndarray], parts: list[Part] | None = None
    ) -> list[Line]:
        """Read boxes from the full-resolution frame (in one batch); ``parts`` says where each came from.
        A clock or a date burnt into the picture is no line of any plate (``clock_or_date``), nor is a
        telephone number painted on a van (``phone_number``)."""
        assert self.reader is not None
        if not points:
            return []
        reads = self.reader.read([self.reader.crop(image_bgr, p) for p in points])
        parts = parts or [Part.WHOLE] * len(points)
        lines = zip(points, reads, parts, strict=True)
        return [Line(p, r, part) for p, r, part in lines if r.text and not _not_plate_text(r)]

    def _weak_lines(self, region: np.ndarray, weak: list[TextBox]) -> list[np.ndarray]:
        """Lines re-detected, enlarged, inside the most plate-like regions scored under the threshold."""
        assert self.detector is not None
        shaped = [b for b in weak if b.height >= _MIN_WEAK_PX and aspect(b.points) <= MAX_LINE_ASPECT]
        shaped.sort(key=lambda b: -b.score * b.height)
        found: list[np.ndarray] = []
        for b in shaped[: self.settings.max_weak_regions]:
            found += refine.lines_in_weak(self.detector, region, b.points)
        return found

    def _in_floods(self, region: np.ndarray, boxes: list[TextBox], side: int) -> list[TextBox]:
        """Text found in tiles of the regions the map flooded (``refine.flooded``), largest first, within
        the frame's tile budget (``side``: the frame's detection size). The flooded box itself stays: a
        close-up plate can be that large; a box shaped like one line of text (``refine.text_line``) is
        such a line, and is not tiled."""
        assert self.detector is not None
        s = self.settings
        h, w = region.shape[:2]
        floods = [
            b.points
            for b in boxes
            if refine.flooded(b.points, w, h, s.flood_share) and not refine.text_line(b.points)
        ]
        floods.sort(key=lambda p: -rect_area(p))
        tiles = [t for p in floods for t in refine.flood_tiles(p, w, h)][: s.max_flood_tiles]
        if not tiles:
            return []
        return refine.lines_in_flood(self.detector, region, tiles, s.flood_share, side / max(h, w))

    def _split(
        self, region: np.ndarray, points: np.ndarray, budget: list[int]
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The lines of a squarish box re-detected at higher resolution, and its two halves unless two
        lines were found or one that fills the box (when one line half the box's height was found, the
        other may be too faint to detect)."""
        assert self.detector is not None
        if budget[0] > 0:
            budget[0] -= 1
            found = refine.lines_in_box(self.detector, region, points)
            return found, [] if len(found) >= 2 or _fills(found, points) else _halves(points)
        return [], _halves(points)

    def _look_inside(
        self, image: np.ndarray, region: np.ndarray, offset: np.ndarray, lines: list[Line]
    ) -> list[Line]:
        """Lines re-detected inside the boxes that hold their text loosely (``_loose``), loosest first.

        At the frame's detection scale the map around a small plate can spread over what surrounds it
        (a coloured panel, a bumper's edge): the box comes back two to five times the plate's height, its
        crop shrinks the plate's characters with it to the recognizer's height, and it reads as a stray
        character or two or a garbled line. Re-detected enlarged, as a squarish box is, the plate's own
        line comes back tight. Such a line stands alone only as a structured Ukrainian plate
        (``Part.INNER``)."""
        assert self.detector is not None
        found: list[np.ndarray] = []
        for ln in _loose_boxes(lines, self.settings.max_loose_boxes):
            inside = refine.lines_in_box(self.detector, region, ln.points - offset)
            found += [p + offset for p in inside]
        return self._read(image, found, [Part.INNER] * len(found))

    def _top_lines(
        self, image: np.ndarray, region: np.ndarray, offset: np.ndarray, lines: list[Line], budget: list[int]
    ) -> list[Line]:
        """Lines found above a line that reads like the bottom of a two-line plate with no top line yet."""
        assert self.detector is not None
        found: list[np.ndarray] = []
        for ln in lines:
            if not refine.bottom_line(ln.read.text) or len(found) >= 2 * refine.MAX_REGIONS:
                continue
            if any(stacked(other, ln) and refine.top_line(other.read.text) for other in lines):
                continue
            found.append(refine.box_above(ln.points))
            if ln.part is Part.WHOLE and budget[0] > 0:  # a part was re-detected already
                budget[0] -= 1
                found += [p + offset for p in refine.lines_above(self.detector, region, ln.points - offset)]
        return self._read(image, found)

    def _read_again(self, image: np.ndarray, lines: list[Line]) -> None:
        """Lines that read as a plate with a character missing or extra are read again from a crop a
        little wider (the detector's box often clips a thin I or 1 at either end) and stretched
        sideways (on a small, blurred plate two narrow characters such as "18" or "II" run together;
        more width gives the CTC decoder more steps to separate them), the more so the smaller the
        line. The new read replaces the old one only when all of it makes a structured Ukrainian
        plate."""
        assert self.reader is not None
        near = [ln for ln in lines if ln.part is not Part.HALF and _near_plate(ln)][:_MAX_REREADS]
        if not near:
            return
        wide = [expand_box(ln.points, *_REREAD_PAD) for ln in near]
        factors = [_SMALL_STRETCH if ln.height < _SMALL_LINE_PX else _REREAD_STRETCH for ln in near]
        crops = [_stretch(self.reader.crop(image, p), f) for p, f in zip(wide, factors, strict=True)]
        _take_whole_plates(near, wide, self.reader.read(crops))

    def _read_upright(self, image: np.ndarray, lines: list[Line]) -> None:
        """Lines slanted ``_UPRIGHT_DEG`` that read as no structured Ukrainian plate are read again from a
        crop whose sides stand upright in the image (``upright_box``: a plate seen from the side and
        above, its baseline slanted, its characters upright). The new read replaces the old one only
        when all of it makes a structured plate."""
        assert self.reader is not None
        slanted = [
            (ln, box)
            for ln in lines
            if ln.part is Part.WHOLE and (box := upright_box(ln.points, *_UPRIGHT_DEG)) is not None
        ]
        slanted = [(ln, box) for ln, box in slanted if not _structured(ln)][:_MAX_REREADS]
        if not slanted:
            return
        boxes = [expand_box(box, *_UPRIGHT_PAD) for _, box in slanted]
        reads = self.reader.read([self.reader.crop(image, b) for b in boxes])
        _take_whole_plates([ln for ln, _ in slanted], boxes, reads)

    def _plate_shaped(self, boxes: list[TextBox]) -> list[TextBox]:
        keep = [b for b in boxes if b.height >= _MIN_TEXT_PX and aspect(b.points) <= MAX_LINE_ASPECT]
        keep.sort(key=lambda b: -b.score * b.height)
        return keep[: self.settings.max_text_boxes]


def _take_whole_plates(lines: list[Line], boxes: list[np.ndarray], reads: list[TextRead]) -> None:
    """Each line's read of its new box replaces its old one only when all of it makes a structured
    Ukrainian plate: every character read is used (the new crop recovered a lost one, nothing dropped)."""
    for ln, pts, read in zip(lines, boxes, reads, strict=True):
        again = best_reading(read, pts, 1, 0) if read.text else None
        if again and tier(again.parsed) == STRUCTURED_TIER and len(again.parsed.text) == len(read.text):
            ln.read, ln.points = read, pts


def _not_plate_text(read: TextRead) -> bool:
    """Text that no plate carries, dropped as a line before anything is joined or re-read."""
    return clock_or_date(read) or phone_number(read)


def _loose_boxes(lines: list[Line], n: int) -> list[Line]:
    """Up to ``n`` lines whose boxes hold their text loosely (``_loose``) and read as no structured
    Ukrainian plate, loosest first (the plate check, the costly part, runs only until ``n`` are found)."""
    ranked = sorted((d, k) for k, ln in enumerate(lines) if (d := _loose(ln)) is not None)
    picked = (lines[k] for _, k in ranked if not _structured(lines[k]))
    return list(itertools.islice(picked, n))


def _loose(line: Line) -> float | None:
    """Characters read per unit of a whole box's width / height when the box may hold its text loosely:
    that is under ``_LOOSE_DENSITY``, or the characters were read unsure (a mean confidence under
    ``_LOOSE_CONF``). None for a box that holds its text tightly, is squarish (re-detected already) or is
    too low to hold a legible line."""
    if line.part is not Part.WHOLE or _squarish(line.points) or line.height < 2 * _MIN_TEXT_PX:
        return None
    density = len(line.read.text) * line.height / max(1.0, box_width(line.points))
    unsure = float(np.mean(line.read.char_conf)) < _LOOSE_CONF if line.read.char_conf else True
    return density if density < _LOOSE_DENSITY or unsure else None


def _structured(line: Line) -> bool:
    """Does a line's own read make a structured Ukrainian plate?"""
    r = best_reading(line.read, line.points, 1, 0)
    return r is not None and tier(r.parsed) == STRUCTURED_TIER


def _near_plate(line: Line) -> bool:
    """A read of 5-9 characters with a digit that does not make a structured plate as is, and is not
    the bottom line of a two-line plate."""
    text = line.read.text
    if not 5 <= len(text) <= 9 or not any(c.isdigit() for c in text) or refine.bottom_line(text):
        return False  # (a two-line plate's bottom line is whole as read)
    return not _foreign_start(line.read) and not _structured(line)


def _foreign_start(read: TextRead) -> bool:
    """Does a read begin with two letters, both read sure, that begin no structured Ukrainian plate
    (``RK 755 AJ``, a Slovak plate)? Read again, it could become one only if a sure letter changed."""
    head, conf = read.text[:2], read.char_conf[:2]
    return len(head) == 2 and head.isalpha() and min(conf) >= _SURE_LEAD and not can_start(head)


def _stretch(crop: np.ndarray, factor: float) -> np.ndarray:
    """The crop widened by ``factor`` at the same height."""
    return cv2.resize(crop, (round(crop.shape[1] * factor), crop.shape[0]), interpolation=cv2.INTER_CUBIC)


def _squarish(points: np.ndarray) -> bool:
    """A box that may hold both lines of a two-line plate merged by the detector, each legible."""
    return box_height(points) >= 2 * _MIN_TEXT_PX and squarish(points)


def _fills(found: list[np.ndarray], box: np.ndarray) -> bool:
    """One line re-detected as high as most of the box: a single line, not two lines merged."""
    return len(found) == 1 and box_height(found[0]) >= _FILLS * box_height(box)


def _halves(points: np.ndarray) -> list[np.ndarray]:
    """Top and bottom halves of a (tl, tr, br, bl) box, read as two lines."""
    tl, tr, br, bl = points
    ml, mr = (tl + bl) / 2, (tr + br) / 2
    return [np.stack([tl, tr, mr, ml]), np.stack([ml, mr, br, bl])]


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return np.repeat(image[:, :, None], 3, axis=2)
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected a BGR image HxWx3, got shape {image.shape}")
    return image


def _crop_roi(image: np.ndarray, roi: BBox | None) -> tuple[np.ndarray, tuple[int, int]]:
    if roi is None:
        return image, (0, 0)
    h, w = image.shape[:2]
    x0, y0 = min(roi.x, w), min(roi.y, h)
    x1, y1 = min(roi.x + roi.w, w), min(roi.y + roi.h, h)
    return image[y0:y1, x0:x1], (x0, y0)


def _to_plate_read(r: Reading, w: int, h: int) -> PlateRead:
    pts = r.points
    x0 = int(max(0, np.floor(pts[:, 0].min())))
    y0 = int(max(0, np.floor(pts[:, 1].min())))
    x1 = int(min(w, np.ceil(pts[:, 0].max())))
    y1 = int(min(h, np.ceil(pts[:, 1].max())))
    region = r.parsed.region
    info = RegionInfo(code=region.code, name_uk=region.name_uk, name_en=region.name_en) if region else None
    return PlateRead(
        text=r.parsed.text,
        raw_text=r.raw,
        format=str(r.parsed.format),
        region=info,
        confidence=round(min(1.0, max(0.0, r.confidence)), 4),
        char_confidences=[round(min(1.0, max(0.0, c)), 4) for c in r.char_conf],
        candidates=[PlateCandidate(text=t, confidence=c) for t, c in r.candidates],
        bbox=BBox(x=x0, y=y0, w=max(0, x1 - x0), h=max(0, y1 - y0)),
        lines=r.lines,
    )
