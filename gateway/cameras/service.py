"""Camera registry operations (flushed, not committed)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.cameras.schemas import CameraCreate, CameraUpdate
from gateway.db.models import Camera, Watchlist, watchlist_cameras
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
    """Delete a camera, unless it is the only camera of a watchlist (``lists_only_on``), also when two
    requests delete a list's last two cameras at once, or one creates a list on the camera the other
    deletes: the camera and its lists are locked first (PostgreSQL: the other request waits, then finds
    what changed), and its lists are looked at again after the delete (SQLite: the second writer waits
    for the first to commit, then finds a list left with no camera; the caller's rollback undoes it)."""
    cam = session.get(Camera, camera_id, with_for_update=True)
    if cam is None:
        raise NotFound("camera", camera_id, "Камеру")
    on_camera = select(watchlist_cameras.c.watchlist_id).where(watchlist_cameras.c.camera_id == camera_id)
    lists = list(session.scalars(select(Watchlist.id).where(Watchlist.id.in_(on_camera)).with_for_update()))
    if ids := lists_only_on(session, camera_id):
        raise _only_camera(camera_id, ids)
    session.delete(cam)
    session.flush()
    with_cameras = select(watchlist_cameras.c.watchlist_id).where(watchlist_cameras.c.watchlist_id.in_(lists))
    if left_without := sorted(set(lists) - set(session.scalars(with_cameras))):
        raise _only_camera(camera_id, left_without)


def _only_camera(camera_id: str, ids: list[int]) -> Conflict:
    names = ", ".join(str(i) for i in ids)
    return Conflict(
        f"camera '{camera_id}' is the only camera of the watchlists with ids {names}; without it "
        "they would apply to every camera. Change those lists' cameras first, or disable the camera.",
        f"камера «{camera_id}» — єдина камера списків розшуку з ідентифікаторами {names}; без неї "
        "ці списки діяли б на всіх камерах. Спершу змініть камери цих списків або вимкніть камеру.",
    )
