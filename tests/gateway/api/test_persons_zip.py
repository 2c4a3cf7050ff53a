"""Person enrolment over real HTTP with the real face recognizer on LFW photos; hostile ZIPs refused."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

pytestmark = pytest.mark.slow


def photo(lfw: Path, person: str, n: int) -> bytes:
    return (lfw / person / f"{person}_{n:04d}.jpg").read_bytes()


def make_zip(files: dict[str, bytes], manifest: str | None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        if manifest is not None:
            zf.writestr("manifest.csv", manifest.encode("utf-8"))
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def persons(gateway: Any) -> tuple[Any, str, int]:
    key = gateway.key("police", "police")
    with gateway.client(key) as c:
        wl = c.post(
            "/v1/watchlists", json={"kind": "persons", "name": "missing", "face_threshold": 0.5}
        ).json()
    return gateway, key, wl["id"]


def upload(gw: Any, key: str, wid: int, data: bytes, mode: str = "all_or_nothing") -> Any:
    with gw.client(key) as c:
        return c.post(
            f"/v1/watchlists/{wid}/persons/bulk", params={"mode": mode}, files={"file": ("p.zip", data)}
        )


def state(gw: Any, key: str, wid: int) -> tuple[int, int, int]:
    with gw.client(key, **{"X-Purpose": "test", "X-Case-Number": "1"}) as c:
        wl = c.get(f"/v1/watchlists/{wid}").json()
        photos = sum(len(p["photos"]) for p in c.get(f"/v1/watchlists/{wid}/entries").json()["persons"])
    return wl["entry_count"], photos, wl["version"]


def index_points(gw: Any, wid: int) -> int:
    vec = np.ones(gw.ctx.face_index.dim, np.float32)
    return len(gw.ctx.face_index.search(vec, [str(wid)], k=100))


def test_zip_enrolment_end_to_end(persons: Any, lfw_dir: Path) -> None:
    gw, key, wid = persons
    files = {
        "img/powell1.jpg": photo(lfw_dir, "Colin_Powell", 1),
        "img/powell2.jpg": photo(lfw_dir, "Colin_Powell", 2),
        "blair.jpg": photo(lfw_dir, "Tony_Blair", 2),
    }
    manifest = (
        "label,reason,valid_until,photo\n"
        "Powell,test,2099-01-01,img/powell1.jpg\n"
        "Powell,test,,./img/powell2.jpg\n"
        "Blair,x,,blair.jpg\n"
    )
    r = upload(gw, key, wid, make_zip(files, manifest))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 3 and r.json()["watchlist_version"] == 2
    assert state(gw, key, wid) == (2, 3, 2)
    assert index_points(gw, wid) == 3
    # a different photo of Powell finds Powell's entry first
    with gw.client(key, **{"X-Purpose": "test", "X-Case-Number": "1"}) as c:
        entries = {p["label"]: p for p in c.get(f"/v1/watchlists/{wid}/entries").json()["persons"]}
        first_photo = entries["Powell"]["photos"][0]
        img = c.get(f"/v1/watchlists/{wid}/persons/{entries['Powell']['id']}/photos/{first_photo['id']}")
        assert img.status_code == 200 and img.content == files["img/powell1.jpg"]
    probe = cv2.imdecode(np.frombuffer(photo(lfw_dir, "Colin_Powell", 5), np.uint8), cv2.IMREAD_COLOR)
    faces = gw.ctx.recognizers._faces.analyze(probe)
    hits = gw.ctx.face_index.search(np.asarray(faces[0].embedding, np.float32), [str(wid)], k=3)
    assert hits[0].entry_id == str(entries["Powell"]["id"]) and hits[0].score > 0.5


def test_bad_rows_all_or_nothing_leaves_list_and_index_unchanged(persons: Any, lfw_dir: Path) -> None:
    gw, key, wid = persons
    blank = cv2.imencode(".jpg", np.full((300, 300, 3), 128, np.uint8))[1].tobytes()
    files = {
        "a.jpg": photo(lfw_dir, "George_W_Bush", 1),
        "blank.jpg": blank,
        "notes.txt": b"not an image at all",
        "two.jpg": photo(lfw_dir, "Tony_Blair", 1),  # a second face in the background
        "small.jpg": photo(lfw_dir, "George_W_Bush", 4),  # face 56 px wide, below the 60 px minimum
    }
    manifest = (
        "label,reason,valid_until,photo\n"
        "Bush,ok,,a.jpg\n"  # row 2: good
        "Nobody,no face,,blank.jpg\n"  # row 3
        "Text,not image,,notes.txt\n"  # row 4
        "Ghost,missing,,ghost.jpg\n"  # row 5
        "=cmd,formula,,a.jpg\n"  # row 6
        "Late,bad date,tomorrow,a.jpg\n"  # row 7
        "Blair,two faces,,two.jpg\n"  # row 8
        "Small,small face,,small.jpg\n"  # row 9
    )
    r = upload(gw, key, wid, make_zip(files, manifest))
    assert r.status_code == 422, r.text
    rows = {e["row"]: e["error"] for e in r.json()["rows"]}
    assert rows == {
        3: "no_face",
        4: "unsupported_image_type",
        5: "missing_photo",
        6: "formula",
        7: "bad_date",
        8: "several_faces",
        9: "face_too_small",
    }
    assert state(gw, key, wid) == (0, 0, 1)
    assert index_points(gw, wid) == 0
    assert (
        not list((gw.settings.photo_root / str(wid)).glob("*"))
        if (gw.settings.photo_root / str(wid)).exists()
        else True
    )

    r = upload(gw, key, wid, make_zip(files, manifest), mode="keep_valid")
    assert r.status_code == 200 and r.json()["accepted"] == 1 and len(r.json()["rejected"]) == 7
    assert state(gw, key, wid) == (1, 1, 2)
    assert index_points(gw, wid) == 1


def test_a_date_beyond_the_calendar_is_a_row_error_and_keep_valid_enrols_the_rest(
    persons: Any, lfw_dir: Path
) -> None:
    gw, key, wid = persons
    files = {"a.jpg": photo(lfw_dir, "George_W_Bush", 1)}
    manifest = (
        "label,reason,valid_until,photo\n"
        "Bush,ok,,a.jpg\n"  # row 2: good
        "Far,x,9999-12-31,a.jpg\n"  # row 3: the day after would be year 10000
        "Zone,x,9999-12-31T23:00:00-05:00,a.jpg\n"  # row 4: year 10000 in UTC
    )
    r = upload(gw, key, wid, make_zip(files, manifest))
    assert r.status_code == 422, r.text
    assert {e["row"]: (e["field"], e["error"]) for e in r.json()["rows"]} == {
        3: ("valid_until", "bad_date"),
        4: ("valid_until", "bad_date"),
    }
    assert state(gw, key, wid) == (0, 0, 1)

    r = upload(gw, key, wid, make_zip(files, manifest), mode="keep_valid")
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1 and [e["row"] for e in r.json()["rejected"]] == [3, 4]
    assert state(gw, key, wid) == (1, 1, 2)


def test_a_label_two_entries_share_is_refused_per_row(persons: Any, lfw_dir: Path) -> None:
    """Two people may share a name; a ZIP row naming it cannot say whose photo it is."""
    gw, key, wid = persons
    with gw.client(key) as c:
        twins = [
            c.post(f"/v1/watchlists/{wid}/persons", json={"label": "Іван Петренко"}).json() for _ in "ab"
        ]
        single = c.post(f"/v1/watchlists/{wid}/persons", json={"label": "Bush"}).json()
    files = {"a.jpg": photo(lfw_dir, "George_W_Bush", 1), "b.jpg": photo(lfw_dir, "Colin_Powell", 1)}
    manifest = "label,photo\nBush,a.jpg\nІван Петренко,b.jpg\n"
    before = state(gw, key, wid)
    r = upload(gw, key, wid, make_zip(files, manifest))
    assert r.status_code == 422, r.text
    (err,) = r.json()["rows"]
    assert (err["row"], err["field"], err["error"]) == (3, "label", "ambiguous_label")
    ids = f"{twins[0]['id']}, {twins[1]['id']}"
    assert ids in err["detail"] and ids in err["detail_uk"] and "/photos" in err["detail"]
    assert state(gw, key, wid) == before

    r = upload(gw, key, wid, make_zip(files, manifest), mode="keep_valid")
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    with gw.client(key, **{"X-Purpose": "test", "X-Case-Number": "1"}) as c:
        entries = {p["id"]: p for p in c.get(f"/v1/watchlists/{wid}/entries").json()["persons"]}
    assert len(entries[single["id"]]["photos"]) == 1  # the one entry labelled Bush got the photo
    assert all(not entries[t["id"]]["photos"] for t in twins)
    assert index_points(gw, wid) == 1


def test_an_unreadable_photo_is_a_row_error_and_keep_valid_enrols_the_rest(
    persons: Any, lfw_dir: Path
) -> None:
    gw, key, wid = persons
    files = {
        "a.jpg": photo(lfw_dir, "George_W_Bush", 1),
        "crc.jpg": photo(lfw_dir, "Tony_Blair", 2),
        "d64.jpg": photo(lfw_dir, "Colin_Powell", 1),
    }
    manifest = (
        "label,reason,valid_until,photo\n"
        "Bush,ok,,a.jpg\n"  # row 2: good
        "Blair,bad crc,,crc.jpg\n"  # row 3
        "Powell,deflate64,,d64.jpg\n"  # row 4
    )
    archive = broken(broken(stored(files, manifest), "crc.jpg"), "d64.jpg", method=9)
    r = upload(gw, key, wid, archive)
    assert r.status_code == 422, r.text
    rows = {e["row"]: e for e in r.json()["rows"]}
    assert {n: (e["field"], e["error"]) for n, e in rows.items()} == {
        3: ("photo", "corrupt_member"),
        4: ("photo", "corrupt_member"),
    }
    assert all(e["detail_uk"] for e in rows.values())
    assert state(gw, key, wid) == (0, 0, 1)

    r = upload(gw, key, wid, archive, mode="keep_valid")
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1 and [e["row"] for e in r.json()["rejected"]] == [3, 4]
    assert state(gw, key, wid) == (1, 1, 2)


def _with_member(name: str, data: bytes, *, symlink: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.csv", f"label,reason,valid_until,photo\nX,,,{name}\n")
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if symlink:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, data)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("archive", "needle"),
    [
        (lambda: _with_member("../../etc/evil.jpg", b"x"), "unsafe path"),
        (lambda: _with_member("/abs/evil.jpg", b"x"), "unsafe path"),
        (lambda: _with_member("link.jpg", b"/etc/passwd", symlink=True), "symbolic link"),
        (lambda: _with_member("bomb.jpg", b"\0" * (50 * 1024 * 1024)), "ZIP bomb"),
        (lambda: b"PK\x03\x04 this is not really a zip", "not a readable ZIP"),
        (lambda: needs_version(make_zip({"a.jpg": b"x"}, ONE_ROW), 99), "not a readable ZIP"),
        (lambda: make_zip({"a.jpg": b"x"}, None), "manifest.csv"),
    ],
    ids=["dotdot", "absolute", "symlink", "bomb", "broken", "version-9.9", "no-manifest"],
)
def test_hostile_or_broken_zips_are_refused_before_extraction(
    persons: Any, archive: Any, needle: str
) -> None:
    gw, key, wid = persons
    r = upload(gw, key, wid, archive())
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "upload_rejected" and needle in r.json()["detail"] and r.json()["detail_uk"]
    assert state(gw, key, wid) == (0, 0, 1)


def _audited_refusals(gw: Any, wid: int) -> list[dict[str, Any]]:
    with gw.client(gw.key("auditor")) as c:
        rows = c.get("/v1/audit", params={"action": "watchlist.persons.upload", "limit": 1000}).json()
    return [r for r in rows["data"] if r["target"] == f"watchlist:{wid}" and r["outcome"] == "rejected"]


LONG_CELL = 'label,reason,valid_until,photo\nX,"' + "x" * 200_000 + '",,a.jpg\n'
ONE_ROW = "label,reason,valid_until,photo\nX,,,a.jpg\n"


def stored(files: dict[str, bytes], manifest: str) -> bytes:
    return make_zip(files, manifest, zipfile.ZIP_STORED)


def broken(archive: bytes, name: str, *, method: int | None = None) -> bytes:
    """The stored ``archive`` with member ``name`` given compression ``method`` in both its headers,
    or (no method) one byte of its data flipped, so that its CRC no longer matches."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local, central = zf.getinfo(name).header_offset, zf.start_dir  # type: ignore[attr-defined]
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        sizes = struct.unpack_from("<HHH", data, central + 28)
        central += 46 + sum(sizes)
    if method is None:
        start = local + 30 + sum(struct.unpack_from("<HH", data, local + 26))
        data[start] ^= 0xFF
    else:
        struct.pack_into("<H", data, local + 8, method)
        struct.pack_into("<H", data, central + 10, method)
    return bytes(data)


def needs_version(archive: bytes, version: int) -> bytes:
    """``archive`` with every member saying it needs ZIP version ``version`` / 10 to extract."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        central = zf.start_dir  # type: ignore[attr-defined]
    while data[central : central + 4] == b"PK\x01\x02":
        data[central + 6] = version
        central += 46 + sum(struct.unpack_from("<HHH", data, central + 28))
    return bytes(data)


def shifted(archive: bytes, by: int) -> bytes:
    """``archive`` whose end record puts the central directory ``by`` bytes later than it is, so
    that the members' offsets fall before the start of the file."""
    data = bytearray(archive)
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<L", data, end + 16, struct.unpack_from("<L", data, end + 16)[0] + by)
    return bytes(data)


@pytest.mark.parametrize(
    ("archive", "needle", "needle_uk"),
    [
        (
            lambda: stored({"a.jpg": b"x"}, LONG_CELL),
            "longer than 131072",
            "довшу за 131072",
        ),
        (lambda: broken(stored({"a.jpg": b"x"}, ONE_ROW), "manifest.csv"), "Bad CRC-32", "не читається"),
        (
            lambda: broken(stored({"a.jpg": b"x"}, ONE_ROW), "manifest.csv", method=9),
            "deflate64",
            "не читається",
        ),
        (lambda: shifted(stored({"a.jpg": b"x"}, ONE_ROW), 1000), "negative seek", "не читається"),
    ],
    ids=["long-cell", "bad-crc", "deflate64", "before-the-start"],
)
def test_an_unreadable_manifest_is_refused_audited_and_changes_nothing(
    persons: Any, archive: Any, needle: str, needle_uk: str
) -> None:
    gw, key, wid = persons
    r = upload(gw, key, wid, archive(), mode="keep_valid")
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "upload_rejected" and needle in body["detail"] and needle_uk in body["detail_uk"]
    assert "manifest.csv" in body["detail"] and "manifest.csv" in body["detail_uk"]
    assert state(gw, key, wid) == (0, 0, 1)
    assert [needle in a["detail"] for a in _audited_refusals(gw, wid)] == [True]


def test_single_photo_enrolment_and_rejection(persons: Any, lfw_dir: Path) -> None:
    gw, key, wid = persons
    with gw.client(key) as c:
        entry = c.post(f"/v1/watchlists/{wid}/persons", json={"label": "Schroeder"}).json()
        base = f"/v1/watchlists/{wid}/persons/{entry['id']}/photos"
        r = c.post(base, files={"file": ("s.jpg", photo(lfw_dir, "Gerhard_Schroeder", 1), "image/jpeg")})
        assert r.status_code == 201, r.text
        assert len(r.json()["photos"]) == 1 and r.json()["photos"][0]["face_size_px"] > 40
        group = np.hstack(
            [
                cv2.imdecode(np.frombuffer(photo(lfw_dir, p, 1), np.uint8), 1)
                for p in ("Tony_Blair", "Colin_Powell")
            ]
        )
        r = c.post(base, files={"file": ("two.jpg", cv2.imencode(".jpg", group)[1].tobytes(), "image/jpeg")})
        assert r.status_code == 422 and r.json()["rows"][0]["error"] == "several_faces"
        r = c.post(base, files={"file": ("x.jpg", b"", "image/jpeg")})
        assert r.status_code == 422 and r.json()["rows"][0]["error"] == "empty_image"
        for text in (r.json()["detail"], r.json()["detail_uk"]):  # the recognizer's own full stop kept once
            assert text.endswith(".") and ".." not in text, text
        assert (
            c.post(f"/v1/watchlists/{wid}/persons/999999/photos", files={"file": ("s.jpg", b"x")}).status_code
            == 404
        )
        photo_id = r_id = c.get(f"/v1/watchlists/{wid}").json()  # version after one enrolment
        assert photo_id["version"] == 3
        pid = c.post(base, files={"file": ("s2.jpg", photo(lfw_dir, "Gerhard_Schroeder", 2))}).json()[
            "photos"
        ][-1]["id"]
        assert c.delete(f"{base}/{pid}").status_code == 204
        assert c.delete(f"{base}/{pid}").status_code == 404
        del r_id
    assert index_points(gw, wid) == 1


def test_a_zip_sent_to_a_plates_list_is_refused_and_audited(gateway: Any, lfw_dir: Path) -> None:
    key = gateway.key("police", "police")
    with gateway.client(key) as c:
        wid = c.post("/v1/watchlists", json={"kind": "plates", "name": "not for photos"}).json()["id"]
    data = make_zip({"a.jpg": photo(lfw_dir, "Tony_Blair", 1)}, "label,photo\nBlair,a.jpg\n")
    r = upload(gateway, key, wid, data)
    assert r.status_code == 422 and "plates list" in r.json()["detail"], r.text
    rows = _audited_refusals(gateway, wid)
    assert [(row["action"], row["outcome"]) for row in rows] == [("watchlist.persons.upload", "rejected")]


@pytest.mark.parametrize("mode", ["all_or_nothing", "keep_valid"])
def test_an_unclosed_quote_in_the_manifest_is_refused_naming_its_line(
    persons: Any, lfw_dir: Path, mode: str
) -> None:
    gw, key, wid = persons
    files = {"a.jpg": photo(lfw_dir, "George_W_Bush", 1), "b.jpg": photo(lfw_dir, "Tony_Blair", 2)}
    manifest = 'label,reason,valid_until,photo\nBush,"abc,,a.jpg\nBlair,,,b.jpg\n'
    r = upload(gw, key, wid, make_zip(files, manifest), mode=mode)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "upload_rejected" and "manifest.csv" in body["detail"], body
    assert "line 2" in body["detail"] and "never closed" in body["detail"], body
    assert "рядку 2" in body["detail_uk"] and "manifest.csv" in body["detail_uk"], body
    assert state(gw, key, wid) == (0, 0, 1)
    assert index_points(gw, wid) == 0
