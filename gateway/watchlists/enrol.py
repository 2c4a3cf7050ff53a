"""Face enrolment: one photo -> exactly one good face -> template, stored photo, FaceIndex point.

Points go into the index only after every check passed, and are removed again if the database
transaction fails, so a failed upload leaves the list exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.config import GatewaySettings
from gateway.db.models import PersonEntry, PersonPhoto
from gateway.errors import RowError, Unavailable
from gateway.watchlists.csv_rows import row_error


@dataclass
class EnrolledFace:
    data: bytes
    sha256: str
    width: int
    height: int
    quality: float
    face_size_px: float
    embedding: list[float]


async def analyse_photo(
    recognizers: Any, settings: GatewaySettings, data: bytes, row: int
) -> EnrolledFace | RowError:
    """Check one photo through the face recognizer; a RowError says why it cannot be enrolled."""
    from gateway.clients import FrameImage, RecognizerRejected, RecognizerUnavailable

    if recognizers is None:
        raise Unavailable("The face recognizer is not running.", "Розпізнавач облич не працює.", 30)
    if len(data) > settings.limits.max_photo_bytes:
        limit = settings.limits.max_photo_bytes
        return row_error(
            row, "photo", "image_too_large_bytes", f"photo over {limit} bytes", f"фото понад {limit} байтів"
        )
    frame = FrameImage(data)
    try:
        faces = await recognizers.faces(frame, embeddings=True)
    except RecognizerRejected as exc:
        return row_error(row, "photo", exc.error, exc.detail, exc.detail_uk or exc.detail)
    except RecognizerUnavailable as exc:
        raise Unavailable(
            f"The face recognizer is unavailable ({exc.reason}); nothing was enrolled.",
            "Розпізнавач облич недоступний; нічого не внесено.",
            int(exc.retry_after_s or 10),
        ) from exc
    return _judge(faces, frame, data, settings, row)


def _judge(
    faces: list[Any], frame: Any, data: bytes, settings: GatewaySettings, row: int
) -> EnrolledFace | RowError:
    if not faces:
        return row_error(row, "photo", "no_face", "no face found", "обличчя не знайдено")
    if len(faces) > 1:
        return row_error(
            row,
            "photo",
            "several_faces",
            f"{len(faces)} faces found; exactly one is needed",
            f"знайдено облич: {len(faces)}; потрібне рівно одне",
        )
    face, gate = faces[0], settings.enrolment
    if face.quality.size_px < gate.min_face_px:
        return row_error(
            row,
            "photo",
            "face_too_small",
            f"face {face.quality.size_px:.0f} px wide; at least {gate.min_face_px:.0f} px",
            f"обличчя {face.quality.size_px:.0f} пікс.; потрібно щонайменше {gate.min_face_px:.0f} пікс.",
        )
    if face.quality.score < gate.min_quality:
        return row_error(
            row,
            "photo",
            "low_quality",
            f"face quality {face.quality.score:.2f} below {gate.min_quality:.2f} (blur, pose or light)",
            f"якість обличчя {face.quality.score:.2f} нижча за {gate.min_quality:.2f}",
        )
    if not face.embedding:
        return row_error(
            row, "photo", "no_embedding", "the recognizer gave no template", "шаблон не отримано"
        )
    h, w = frame.bgr().shape[:2]
    return EnrolledFace(
        data,
        hashlib.sha256(data).hexdigest(),
        int(w),
        int(h),
        float(face.quality.score),
        float(face.quality.size_px),
        [float(x) for x in face.embedding],
    )


def save_photo(settings: GatewaySettings, watchlist_id: int, face: EnrolledFace) -> str:
    """Write the photo under <photos_dir>/<watchlist>/ atomically; return its path relative to photos_dir."""
    rel = Path(str(watchlist_id)) / f"{uuid.uuid4().hex}.img"
    path = settings.photo_root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(face.data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return rel.as_posix()


def photo_row(entry: PersonEntry, face: EnrolledFace, rel_path: str) -> PersonPhoto:
    return PersonPhoto(
        entry=entry,
        watchlist_id=entry.watchlist_id,
        path=rel_path,
        sha256=face.sha256,
        width=face.width,
        height=face.height,
        quality=face.quality,
        face_size_px=face.face_size_px,
        point_id=str(uuid.uuid4()),
        embedding=face.embedding,
    )
