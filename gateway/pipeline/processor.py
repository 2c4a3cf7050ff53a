"""``FrameProcessor``: one posted frame from camera key to stored sightings and alerts.

Order of work: scope and idempotency checks, decode (limits first), both recognizers at once,
then under the camera's lock: pass grouping, matching, evidence files, one DB transaction.
Nothing is stored when no recognizer could run, so the camera's retry is processed afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.audit.log import AuditContext
from gateway.auth.keys import Principal
from gateway.cameras.service import get_enabled_camera
from gateway.clients import FrameImage
from gateway.context import AppContext
from gateway.db.events import Alert, Frame, new_id
from gateway.db.types import utcnow
from gateway.errors import Conflict, InvalidInput, ScopeDenied, Unavailable
from gateway.evidence import EvidenceFile, EvidenceStore
from gateway.matching import StaticText
from gateway.pipeline.context import CameraContext, load_context
from gateway.pipeline.crops import crop_jpeg
from gateway.pipeline.load import BusyMeter
from gateway.pipeline.match import drop_unmatched_letters, entries_at, match_faces, match_plates
from gateway.pipeline.persist import FramePlan, drop_expired_face_hits, evidence_names, persist
from gateway.pipeline.recognize import Recognition, recognize, skip_code
from gateway.pipeline.schemas import FrameResult
from recognizers.common.image import ImageLimits, decode_image

logger = logging.getLogger(__name__)

MAX_CLOCK_SKEW = timedelta(hours=1)
_HITS_DAYS = "VARTA_RETENTION__HITS_DAYS"


def check_capture_time(captured_at: datetime, now: datetime, hits_days: int) -> None:
    """A camera's capture time (frames, previews): not in the future (beyond the clock skew a camera may
    have), and not older than the longest Varta keeps anything a frame makes (its alerts, ``hits_days``):
    such a frame would be purged as it is stored."""
    if captured_at > now + MAX_CLOCK_SKEW:
        raise InvalidInput(
            "X-Capture-Time", "lies more than an hour in the future", "більш ніж на годину в майбутньому"
        )
    if captured_at < now - timedelta(days=hits_days):
        raise InvalidInput(
            "X-Capture-Time",
            f"lies more than {hits_days} days in the past: older than all Varta keeps ({_HITS_DAYS})",
            f"більш ніж {hits_days} днів у минулому: старіше за все, що зберігається ({_HITS_DAYS})",
        )


class GatewayBusy(Unavailable):
    code = "gateway_busy"


class Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._start = self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        t = time.perf_counter()
        self.laps[name] = round((t - self._t) * 1e3, 2)
        self._t = t

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": round((time.perf_counter() - self._start) * 1e3, 2)}


@dataclass(frozen=True)
class FrameSubmission:
    camera_id: str
    captured_at: datetime
    idempotency_key: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _duplicate(frame: Frame, sub: FrameSubmission) -> FrameResult:
    """The stored answer for a retry; 409 when the key came with another frame (never read, so a car on
    it would raise nothing if it were answered as the first one's duplicate)."""
    if frame.sha256 is not None and frame.sha256 != sub.sha256:
        raise Conflict(
            f"Idempotency-Key '{sub.idempotency_key}' was used for another frame of this camera "
            f"(frame {frame.id}); send a new frame with a new key.",
            f"Idempotency-Key '{sub.idempotency_key}' вже використано для іншого кадру цієї камери "
            f"(кадр {frame.id}); надсилайте новий кадр з новим ключем.",
        )
    return FrameResult.model_validate({**frame.result, "duplicate": True})


def _find_frame(session: Session, camera_id: str, key: str) -> Frame | None:
    return session.scalar(select(Frame).where(Frame.camera_id == camera_id, Frame.idempotency_key == key))


class FrameProcessor:
    """Service object behind ``POST /v1/frames``; one per app (it owns the pass grouper)."""

    def __init__(
        self,
        app: AppContext,
        grouper: Any,
        evidence: EvidenceStore | None = None,
        clock: Callable[[], datetime] = utcnow,
        max_in_flight: int | None = None,
        static_text: StaticText | None = None,
    ) -> None:
        self.app = app
        self.clock = clock
        bounds = app.settings.pipeline
        # a bounded queue: past this many frames in the works, answer 503 so the camera spools
        self.max_in_flight = max_in_flight or bounds.max_frames_in_flight
        self.face_alert_window = timedelta(seconds=bounds.face_alert_window_s)
        self.in_flight = 0
        self.grouper = grouper
        self.static_text = static_text or StaticText(
            bounds.static_text_min_frames, bounds.static_text_min_span_s, bounds.static_text_forget_s
        )
        self.evidence = evidence or EvidenceStore(app.settings.evidence_root)
        self.busy = BusyMeter()
        self._locks: dict[str, asyncio.Lock] = {}

    def _finer_look(self, ctx: CameraContext) -> bool:
        """Ask the plate recognizer for its finer look at a frame with no plate (``plates_finer_look``)?"""
        mode = self.app.settings.pipeline.plates_finer_look
        finer = mode == "on" or (mode == "when_idle" and self.busy.idle())
        if finer and ctx.plates_enabled:
            self.app.metrics.finer_looks.inc()
        return finer

    async def process(self, principal: Principal, sub: FrameSubmission) -> FrameResult:
        if self.in_flight >= self.max_in_flight:
            raise GatewayBusy(
                f"The gateway is busy ({self.in_flight} frames in the works); nothing stored. Retry later.",
                f"Шлюз перевантажений ({self.in_flight} кадрів в обробці); нічого не збережено.",
                retry_after=2,
            )
        self.in_flight += 1
        self.app.metrics.in_flight.inc()
        try:
            result = await self._process(principal, sub)
        finally:
            self.in_flight -= 1
            self.app.metrics.in_flight.dec()
        if not result.duplicate:
            skipped = {name: skip_code(reason) for name, reason in result.skip_reasons.items()}
            kinds = [a.kind for a in result.alerts if a.new]
            self.app.metrics.observe_frame(
                result.timings_ms,
                skipped,
                kinds,
                sub.camera_id,
                result.static_plates_ignored,
                result.letters_only_ignored,
            )
        return result

    async def _process(self, principal: Principal, sub: FrameSubmission) -> FrameResult:
        watch = Stopwatch()
        await anyio.to_thread.run_sync(self._check_scope, principal, sub)
        now = self.clock()
        check_capture_time(sub.captured_at, now, self.app.settings.retention.hits_days)
        ctx, stored = await anyio.to_thread.run_sync(self._prepare, sub, now)
        if stored is not None:
            return stored
        watch.lap("prepare")
        limits = ImageLimits(max_bytes=self.app.settings.limits.max_frame_bytes)
        array = await anyio.to_thread.run_sync(decode_image, sub.data, limits)
        image = FrameImage(sub.data, array)
        watch.lap("decode")
        recognition = await recognize(self.app.recognizers, image, ctx, self._finer_look(ctx))
        watch.lap("recognize")
        self.busy.record(watch.laps["recognize"] / 1000)
        watch.laps.update(recognition.timings_ms)  # plates, faces: each recognizer's own time
        lock = self._locks.setdefault(sub.camera_id, asyncio.Lock())
        async with lock:  # passes and alert dedup see a camera's frames one at a time
            watch.lap("wait_camera")
            result, plan = await anyio.to_thread.run_sync(
                self._commit, sub, ctx, recognition, image, now, watch
            )
        if plan is not None and plan.new_alerts:
            await anyio.to_thread.run_sync(self._audit_matches, principal, plan)
            watch.lap("audit")
        if not result.duplicate:
            result.timings_ms = watch.total()
        logger.debug("frame %s of %s: %s", result.frame_id, sub.camera_id, watch.laps)
        return result

    def _check_scope(self, principal: Principal, sub: FrameSubmission) -> None:
        if principal.role != "camera" or principal.camera_id != sub.camera_id:
            self.app.audit.record(
                principal,
                "frame.denied",
                f"camera:{sub.camera_id}",
                outcome="denied",
                detail="a camera key may post frames only for its own camera",
            )
            raise ScopeDenied(
                f"This key may not post frames for camera '{sub.camera_id}'.",
                f"Цей ключ не може надсилати кадри для камери '{sub.camera_id}'.",
            )

    def _prepare(self, sub: FrameSubmission, now: datetime) -> tuple[CameraContext, FrameResult | None]:
        with self.app.sessions() as session:
            camera = get_enabled_camera(session, sub.camera_id)
            found = _find_frame(session, sub.camera_id, sub.idempotency_key)
            if found is not None:
                return CameraContext(camera.id, True, False, False, None), _duplicate(found, sub)
            return load_context(session, camera, sub.captured_at, now), None

    def _commit(
        self,
        sub: FrameSubmission,
        ctx: CameraContext,
        rec: Recognition,
        image: FrameImage,
        now: datetime,
        watch: Stopwatch,
    ) -> tuple[FrameResult, FramePlan | None]:
        with self.app.sessions() as session:
            found = _find_frame(session, sub.camera_id, sub.idempotency_key)
            if found is not None:  # a concurrent retry got here first
                return _duplicate(found, sub), None
            plan = self._plan(session, sub, ctx, rec, now)
            watch.lap("match")
            self._write_evidence(plan, image)
            try:
                result = persist(session, plan, self.face_alert_window)
                session.commit()
                watch.lap("store")
            except IntegrityError:
                session.rollback()
                self.evidence.remove(list(plan.evidence.values()))
                found = _find_frame(session, sub.camera_id, sub.idempotency_key)
                if found is None:
                    raise
                return _duplicate(found, sub), None
            except BaseException:
                session.rollback()
                self.evidence.remove(list(plan.evidence.values()))
                raise
        return result, plan

    def _plan(
        self, session: Session, sub: FrameSubmission, ctx: CameraContext, rec: Recognition, now: datetime
    ) -> FramePlan:
        match = self.app.settings.match
        reads = rec.plates or []
        moving = [r for r in reads if not self.static_text.is_static(sub.camera_id, sub.captured_at, r)]
        kept = moving
        at = entries_at(sub.captured_at, now)
        if not self.app.settings.pipeline.keep_letters_only_reads:
            kept = drop_unmatched_letters(moving, ctx, self.app.plate_matcher, at)
        plates = match_plates(kept, ctx, self.grouper, self.app.plate_matcher, sub.captured_at, at)
        standing = max(sub.captured_at, now)  # a person entry must stand at capture and now
        faces = match_faces(
            rec.faces or [],
            ctx,
            self.app.face_index,
            match.face_threshold,
            match.face_top_k,
            settle=lambda found: drop_expired_face_hits(session, found, standing),
        )
        return FramePlan(
            frame_id=new_id(),
            camera_id=sub.camera_id,
            captured_at=sub.captured_at,
            received_at=now,
            idempotency_key=sub.idempotency_key,
            sha256=sub.sha256,
            ctx=ctx,
            plates=plates,
            faces=faces,
            skipped=rec.skipped,
            static_plates=len(reads) - len(moving),
            letters_only=len(moving) - len(kept),
        )

    def _write_evidence(self, plan: FramePlan, image: FrameImage) -> None:
        """Full frame and crops, only for frames with a sighting or a face hit; never unmatched faces."""
        names = evidence_names(plan)
        if not names:
            return
        bgr = image.bgr()
        files = [EvidenceFile("frame.jpg", image.data)]
        for name, i in names.items():
            box = plan.plates[i].read.bbox if name.startswith("plate") else plan.faces[i].face.bbox
            files.append(EvidenceFile(name, crop_jpeg(bgr, box)))
        plan.evidence = self.evidence.write(plan.camera_id, plan.captured_at, plan.frame_id, files)

    def _audit_matches(self, principal: Principal, plan: FramePlan) -> None:
        cases = ",".join(a.case_number for a in plan.ctx.authorisations)
        for alert in plan.new_alerts:
            audit_ctx = AuditContext("live face matching", cases) if alert.kind == "face" else None
            self.app.audit.record(
                principal,
                f"match.{alert.kind}",
                f"alert:{alert.id}",
                ctx=audit_ctx,
                watchlist_id=alert.watchlist_id,
                watchlist_version=alert.watchlist_version,
                result_count=1,
                detail=_match_detail(alert, plan),
            )


def _match_detail(alert: Alert, plan: FramePlan) -> str:
    base = f"camera={plan.camera_id} entry={alert.entry_id} rule={alert.rule}"
    if alert.kind == "face":
        auths = ",".join(str(a.id) for a in plan.ctx.authorisations)
        return f"{base} similarity={alert.similarity:.3f} authorisations={auths}"
    return f"{base} read={alert.read_text} distance={alert.distance}"
