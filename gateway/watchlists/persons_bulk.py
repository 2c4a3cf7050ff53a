"""Enrolling persons: single photos, or a ZIP of photos plus ``manifest.csv``.

Manifest columns: label,reason,valid_until,photo (photo = path inside the ZIP). A row extends the entry
of the list that has its label, or creates one; a label that several entries share (two people may have
one name) is refused for that row, since the ZIP cannot say which of them the photo shows.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.auth.keys import Principal
from gateway.context import AppContext
from gateway.db.models import PersonEntry, PersonPhoto
from gateway.db.types import utcnow
from gateway.errors import Conflict, InvalidInput, RowError, Unavailable, UploadRejected
from gateway.watchlists.access import get_editable
from gateway.watchlists.csv_rows import (
    decode_utf8,
    formula_cell,
    parse_valid_until,
    read_rows,
    row_error,
    too_many_cells,
)
from gateway.watchlists.enrol import EnrolledFace, analyse_photo, photo_row, save_photo
from gateway.watchlists.live import face_points
from gateway.watchlists.schemas import UploadMode
from gateway.watchlists.service import bump, get_person_entry, remove_photo_files
from gateway.watchlists.zip_safety import MEMBER_ERRORS, open_checked, read_member, safe_name, unreadable

MANIFEST = "manifest.csv"
COLUMNS = ("label", "photo"), ("reason", "valid_until")


@dataclass
class ManifestRow:
    row: int
    label: str
    reason: str
    valid_until: datetime | None
    photo: bytes
    face: EnrolledFace | None = None


def _sentence(text: str) -> str:
    """``text`` ending in one full stop (a recognizer's detail may end in one already)."""
    return text.rstrip(" .") + "."


def _persons_list(session: Session, principal: Principal, watchlist_id: int) -> None:
    wl = get_editable(session, principal, watchlist_id)
    if wl.kind != "persons":
        raise InvalidInput(
            "watchlist", "this is a plates list; upload a CSV", "це список номерів; завантажте CSV"
        )


def shared_labels(session: Session, watchlist_id: int) -> dict[str, list[int]]:
    """Labels that more than one entry of the list has, with those entries' ids."""
    ids: dict[str, list[int]] = {}
    rows = session.execute(
        select(PersonEntry.label, PersonEntry.id)
        .where(PersonEntry.watchlist_id == watchlist_id)
        .order_by(PersonEntry.id)
    )
    for label, entry_id in rows:
        ids.setdefault(label, []).append(entry_id)
    return {label: found for label, found in ids.items() if len(found) > 1}


def _ambiguous(row: int, label: str, ids: list[int], watchlist_id: int) -> RowError:
    listed = ", ".join(map(str, ids))
    path = f"POST /v1/watchlists/{watchlist_id}/persons/{{entry_id}}/photos"
    return row_error(
        row,
        "label",
        "ambiguous_label",
        f"entries {listed} of this list are all labelled {label!r}; add the photo to one of them with {path}",
        f"мітку {label!r} мають записи {listed} цього списку; додайте фото до одного з них через {path}",
    )


def _check_row(
    row: int, cells: dict[str, str], zf: zipfile.ZipFile, members: dict[str, Any], cap: int
) -> ManifestRow | RowError:
    bad = formula_cell(cells, row, ("label", "reason", "valid_until", "photo"))
    if bad:
        return bad
    label = cells["label"].strip()
    if not label or len(label) > 200:
        return row_error(
            row, "label", "bad_label", "label is empty or over 200 characters", "мітка порожня або задовга"
        )
    until = parse_valid_until(cells.get("valid_until", ""), row, utcnow())
    if isinstance(until, RowError):
        return until
    name = safe_name(cells["photo"].strip()) or cells["photo"].strip()
    info = members.get(name)
    if info is None:
        return row_error(
            row, "photo", "missing_photo", f"{name!r} is not in the ZIP", f"{name!r} немає в ZIP"
        )
    try:
        data = read_member(zf, info, cap)
    except MEMBER_ERRORS as exc:
        return row_error(row, "photo", "corrupt_member", *unreadable(name, info, exc))
    if data is None:
        return row_error(
            row,
            "photo",
            "image_too_large_bytes",
            f"{name!r} over {cap} bytes",
            f"{name!r} понад {cap} байтів",
        )
    return ManifestRow(row, label, cells.get("reason", "").strip()[:500], until, data)


def _manifest_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    try:
        raw = read_member(zf, info, cap)
    except MEMBER_ERRORS as exc:
        detail, detail_uk = unreadable(MANIFEST, info, exc)
        raise UploadRejected(f"{detail}.", f"{detail_uk}.") from None
    if raw is None:
        raise UploadRejected("manifest.csv is too large.", "manifest.csv завеликий.")
    return raw


def read_zip(
    ctx: AppContext, principal: Principal, watchlist_id: int, data: bytes
) -> tuple[list[ManifestRow], list[RowError]]:
    """Vet the list, the archive and the manifest; read each listed photo (capped)."""
    with ctx.sessions() as session:
        _persons_list(session, principal, watchlist_id)
        shared = shared_labels(session, watchlist_id)
    limits = ctx.settings.limits
    zf, members = open_checked(data, limits)
    with zf:
        info = members.get(MANIFEST)
        if info is None:
            raise UploadRejected(
                "The ZIP has no manifest.csv at its top level.", "У ZIP немає manifest.csv у корені."
            )
        text = decode_utf8(_manifest_bytes(zf, info, limits.max_csv_bytes), MANIFEST)
        good: list[ManifestRow] = []
        rejected: list[RowError] = []
        for row, cells in read_rows(text, *COLUMNS, max_rows=limits.max_zip_members, what=MANIFEST):
            result = (
                too_many_cells(row)
                if cells is None
                else _check_row(row, cells, zf, members, limits.max_photo_bytes)
            )
            if isinstance(result, ManifestRow) and result.label in shared:
                result = _ambiguous(row, result.label, shared[result.label], watchlist_id)
            (rejected if isinstance(result, RowError) else good).append(result)  # type: ignore[arg-type]
    return good, rejected


def commit_with_faces(ctx: AppContext, session: Session, photos: list[PersonPhoto], files: list[str]) -> None:
    """Index points go in only now; if the commit fails they, the files and the rows all go."""
    if ctx.face_index is None:
        remove_photo_files(ctx.settings, files)
        raise Unavailable("The face index is not open.", "Індекс облич не відкрито.", 30)
    session.add_all(photos)
    session.flush()
    points = face_points(photos)
    added = False
    try:
        ctx.face_index.upsert(points)
        added = True
        ctx.face_index.flush()
        session.commit()
    except BaseException:
        session.rollback()
        if added:
            ctx.face_index.delete([p.point_id for p in photos])
        remove_photo_files(ctx.settings, files)
        raise


def store_rows(
    ctx: AppContext, principal: Principal, watchlist_id: int, rows: list[ManifestRow]
) -> tuple[int, int]:
    """Create (or extend, by label) entries with their photos in one transaction; return (photos, version)."""
    with ctx.watchlist_lock, ctx.sessions() as session:
        wl = get_editable(session, principal, watchlist_id)
        by_label = {
            e.label: e for e in session.scalars(select(PersonEntry).where(PersonEntry.watchlist_id == wl.id))
        }
        shared = shared_labels(session, wl.id).keys() & {r.label for r in rows}
        if shared:  # an entry with one of these labels was added while the photos were analysed
            raise Conflict(
                f"Entries labelled {sorted(shared)} were added to this list during the upload; "
                "nothing was enrolled. Upload the ZIP again.",
                f"Під час завантаження до списку додано записи з мітками {sorted(shared)}; "
                "нічого не внесено. Завантажте ZIP ще раз.",
            )
        photos, files = [], []
        try:
            for r in rows:
                entry = by_label.get(r.label)
                if entry is None:
                    entry = PersonEntry(
                        watchlist_id=wl.id,
                        label=r.label,
                        reason=r.reason,
                        valid_until=r.valid_until,
                        created_by=principal.key_id,
                    )
                    session.add(entry)
                    by_label[r.label] = entry
                assert r.face is not None
                files.append(save_photo(ctx.settings, wl.id, r.face))
                photos.append(photo_row(entry, r.face, files[-1]))
            bump(wl)
        except BaseException:
            remove_photo_files(ctx.settings, files)
            raise
        commit_with_faces(ctx, session, photos, files)
        return len(photos), wl.version


async def enrol_rows(ctx: AppContext, rows: list[ManifestRow]) -> list[RowError]:
    rejected = []
    for r in rows:
        result = await analyse_photo(ctx.recognizers, ctx.settings, r.photo, r.row)
        if isinstance(result, RowError):
            rejected.append(result)
        else:
            r.face = result
    return rejected


async def import_persons_zip(
    ctx: AppContext, principal: Principal, watchlist_id: int, data: bytes, mode: UploadMode
) -> tuple[int, list[RowError], int]:
    """(photos enrolled, rejected rows, new version). Nothing changes unless the upload is accepted."""
    good, rejected = await anyio.to_thread.run_sync(read_zip, ctx, principal, watchlist_id, data)
    rejected += await enrol_rows(ctx, good)
    rejected.sort(key=lambda e: e.row)
    valid = [r for r in good if r.face is not None]
    if rejected and mode == "all_or_nothing":
        raise UploadRejected(
            f"{len(rejected)} row(s) rejected; nothing was enrolled (mode=all_or_nothing).",
            f"Відхилено рядків: {len(rejected)}; нічого не внесено (mode=all_or_nothing).",
            rejected,
        )
    if not valid:
        raise UploadRejected(
            "No valid rows; nothing was enrolled.", "Немає правильних рядків; нічого не внесено.", rejected
        )
    count, version = await anyio.to_thread.run_sync(store_rows, ctx, principal, watchlist_id, valid)
    return count, rejected, version


async def add_single_photo(
    ctx: AppContext, principal: Principal, watchlist_id: int, entry_id: int, data: bytes
) -> tuple[PersonPhoto, int]:
    def check() -> None:
        with ctx.sessions() as session:
            _persons_list(session, principal, watchlist_id)
            get_person_entry(session, get_editable(session, principal, watchlist_id), entry_id)

    await anyio.to_thread.run_sync(check)
    face = await analyse_photo(ctx.recognizers, ctx.settings, data, 1)
    if isinstance(face, RowError):
        raise UploadRejected(
            f"The photo cannot be enrolled: {_sentence(face.detail)}",
            f"Фото не внесено: {_sentence(face.detail_uk)}",
            [face],
        )

    def store() -> tuple[PersonPhoto, int]:
        with ctx.watchlist_lock, ctx.sessions() as session:
            wl = get_editable(session, principal, watchlist_id)
            entry = get_person_entry(session, wl, entry_id)
            rel = save_photo(ctx.settings, wl.id, face)
            photo = photo_row(entry, face, rel)
            bump(wl)
            commit_with_faces(ctx, session, [photo], [rel])
            return photo, wl.version

    return await anyio.to_thread.run_sync(store)
