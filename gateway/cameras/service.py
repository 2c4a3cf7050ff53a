"""Camera registry operations (flushed, not committed)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.cameras.schemas import CameraCreate, CameraUpdate
from gateway.db.models import Camera, watchlist_cameras
from gateway.errors import Conflict, NotFound, ScopeDenied


def get_camera(session: Session, camera_id: str) -> Camera:
    cam = session.get(Camera, camera_id)
    if cam is None:
        raise NotFound("camera", camera_id, "Камеру")
    return cam


def get_enabled_camera(session: Session, camera_id: str) -> Camera:
    """The camera a camera key posts for (frames, previews): refused while an admin has disabled it."""
    cam = get_camera(session, camera_id)
    if not cam.enabled:
        raise ScopeDenied(f"Camera '{camera_id}' is disabled.", f"Камеру '{camera_id}' вимкнено.")
    return cam


def get_camera_as(session: Session, camera_id: str, resident: bool) -> Camera:
    """The camera, as a resident may see it: a hidden or disabled camera answers 404 exactly like a
    missing one, so residents never learn that it exists."""
    cam = get_camera(session, camera_id)
    if resident and not (cam.resident_visible and cam.enabled):
        raise NotFound("camera", camera_id, "Камеру")
    return cam


def list_cameras(session: Session, resident: bool = False) -> list[Camera]:
    q = select(Camera).order_by(Camera.id)
    if resident:
        q = q.where(Camera.resident_visible.is_(True), Camera.enabled.is_(True))
    return list(session.scalars(q))


def create_camera(session: Session, data: CameraCreate) -> Camera:
    if session.get(Camera, data.id) is not None:
        raise Conflict(f"camera '{data.id}' already exists.", f"камера «{data.id}» вже існує.")
    cam = Camera(**data.model_dump())
    session.add(cam)
    session.flush()
    return cam


def update_camera(session: Session, camera_id: str, data: CameraUpdate) -> Camera:
    cam = get_camera(session, camera_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None and name not in ("lat", "lon", "roi"):
            continue
        setattr(cam, name, value)
    session.flush()
    return cam


def lists_only_on(session: Session, camera_id: str) -> list[int]:
    """Watchlists restricted to this camera alone. Deleting it would leave them with no camera, which
    means every camera: a list meant for one road would then match on all of them."""
    per_list = (
        select(watchlist_cameras.c.watchlist_id)
        .group_by(watchlist_cameras.c.watchlist_id)
        .having(func.count() == 1, func.max(watchlist_cameras.c.camera_id) == camera_id)
    )
    return sorted(session.scalars(per_list))


def delete_camera(session: Session, camera_id: str) -> None:
    cam = get_camera(session, camera_id)
    if ids := lists_only_on(session, camera_id):
        names = ", ".join(str(i) for i in ids)
        raise Conflict(
            f"camera '{camera_id}' is the only camera of the watchlists with ids {names}; without it "
            "they would apply to every camera. Change those lists' cameras first, or disable the camera.",
            f"камера «{camera_id}» — єдина камера списків розшуку з ідентифікаторами {names}; без неї "
            "ці списки діяли б на всіх камерах. Спершу змініть камери цих списків або вимкніть камеру.",
        )
    session.delete(cam)
    session.flush()
