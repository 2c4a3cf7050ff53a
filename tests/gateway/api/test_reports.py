"""Resident reports over real HTTP: upload, who sees what, the file, status, refusals, limits, audit."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from media_helpers import jpeg_frame, lying_webm, mjpeg_movie, opencv_clip

FORM = {"description": "Сміття біля зупинки / rubbish by the bus stop"}


def jpeg(size: int = 64, noise: bool = False) -> bytes:
    rng = np.random.default_rng(7)
    img = (
        rng.integers(0, 255, (size, size, 3), dtype=np.uint8)
        if noise
        else np.zeros((size, size, 3), np.uint8)
    )
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def new_key(gw: Any, role: str, org: str | None = None) -> str:
    """A fresh key (not the fixture's cached one), so each test has its own resident."""
    with gw.client(gw.admin_key) as c:
        r = c.post(
            "/v1/keys", json={"role": role, "organisation": org, "name": f"{role} {uuid.uuid4().hex[:6]}"}
        )
        assert r.status_code == 201, r.text
        return str(r.json()["key"])


def camera(gw: Any, visible: bool, enabled: bool = True) -> str:
    cam_id = f"rep-{uuid.uuid4().hex[:8]}"
    with gw.client(gw.admin_key) as c:
        body = {"id": cam_id, "name": "Cam", "resident_visible": visible, "enabled": enabled}
        r = c.post("/v1/cameras", json=body)
        assert r.status_code == 201, r.text
    return cam_id


def send(gw: Any, key: str, data: bytes, name: str = "p.jpg", ctype: str = "image/jpeg", **form: str) -> Any:
    with gw.client(key) as c:
        return c.post("/v1/reports", data=FORM | form, files={"file": (name, data, ctype)})


def test_photo_and_video_reach_only_their_recipients(gateway: Any, tmp_path: Path) -> None:
    resident, other = new_key(gateway, "resident"), new_key(gateway, "resident")
    council, police = gateway.key("council", "council"), gateway.key("police", "police")
    cam = camera(gateway, visible=True)
    photo = jpeg()
    observed = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    r = send(gateway, resident, photo, camera_id=cam, observed_at=observed)
    assert r.status_code == 201, r.text
    rep = r.json()
    assert (rep["status"], rep["kind"], rep["content_type"], rep["addressed_to"]) == (
        "new",
        "photo",
        "image/jpeg",
        "council",
    )
    assert rep["size_bytes"] == len(photo) and rep["sha256"] == hashlib.sha256(photo).hexdigest()
    assert rep["camera_id"] == cam and rep["description"] == FORM["description"]
    stored = list(gateway.settings.reports_root.rglob(f"{rep['id']}.jpg"))
    now = datetime.now(UTC)
    assert len(stored) == 1 and stored[0].parent.relative_to(gateway.settings.reports_root) == Path(
        f"{now:%Y}/{now:%m}"
    )

    clip = opencv_clip(tmp_path / "clip.mp4")
    v = send(gateway, resident, clip, "clip.mp4", "video/mp4", addressed_to="police")
    assert v.status_code == 201, v.text
    vid = v.json()
    assert (vid["kind"], vid["content_type"], vid["addressed_to"]) == ("video", "video/mp4", "police")

    with gateway.client(council) as c:
        ids = {x["id"] for x in c.get("/v1/reports", params={"limit": 500}).json()["data"]}
        assert rep["id"] in ids and vid["id"] not in ids
        assert c.get(f"/v1/reports/{vid['id']}").status_code == 404
        assert c.get(f"/v1/reports/{rep['id']}").json()["sha256"] == rep["sha256"]
        f = c.get(f"/v1/reports/{rep['id']}/file")
        assert f.status_code == 200 and f.content == photo and f.headers["content-type"] == "image/jpeg"
    with gateway.client(police) as c:
        ids = {x["id"] for x in c.get("/v1/reports", params={"limit": 500}).json()["data"]}
        assert vid["id"] in ids and rep["id"] not in ids
        assert c.get(f"/v1/reports/{rep['id']}/file").status_code == 404
        f = c.get(f"/v1/reports/{vid['id']}/file")
        assert f.content == clip and f.headers["content-type"] == "video/mp4"
    with gateway.client(resident) as c:
        page = c.get("/v1/reports").json()
        assert [x["id"] for x in page["data"]] == [vid["id"], rep["id"]] and page["total"] == 2
        assert c.get(f"/v1/reports/{rep['id']}/file").content == photo
    with gateway.client(other) as c:
        assert c.get("/v1/reports").json()["data"] == []
        r404 = c.get(f"/v1/reports/{rep['id']}")
        assert r404.status_code == 404 and r404.json()["detail_uk"]
        assert c.get(f"/v1/reports/{rep['id']}/file").status_code == 404
    for role in ("admin", "auditor"):
        key = gateway.admin_key if role == "admin" else gateway.key("auditor")
        with gateway.client(key) as c:
            assert c.get("/v1/reports").status_code == 403
            assert c.get(f"/v1/reports/{rep['id']}").status_code == 403
    with gateway.client(council) as c:  # only residents send; the refusal names the action and role
        r403 = c.post("/v1/reports", data=FORM, files={"file": ("p.jpg", photo)})
        assert r403.status_code == 403 and r403.json()["detail"] == "Send a report needs the role resident."
        uk = "Для дії «надсилати повідомлення» потрібна роль «resident» (мешканець)."
        assert r403.json()["detail_uk"] == uk


def test_status_change_by_the_recipient(gateway: Any) -> None:
    resident = new_key(gateway, "resident")
    rep = send(gateway, resident, jpeg()).json()
    with gateway.client(gateway.key("police", "police")) as c:  # not addressed to police
        assert c.post(f"/v1/reports/{rep['id']}/status", json={"status": "closed"}).status_code == 404
    with gateway.client(resident) as c:
        assert c.post(f"/v1/reports/{rep['id']}/status", json={"status": "closed"}).status_code == 403
    with gateway.client(gateway.key("council", "council")) as c:
        r = c.post(f"/v1/reports/{rep['id']}/status", json={"status": "in_review", "note": "Передано"})
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["status_note"]) == ("in_review", "Передано")
        assert r.json()["reviewed_at"] and r.json()["reviewed_by_key_id"]
        assert c.post(f"/v1/reports/{rep['id']}/status", json={"status": "new"}).status_code == 422
        closed = c.get("/v1/reports", params={"status": "in_review", "limit": 500}).json()["data"]
        assert rep["id"] in {x["id"] for x in closed}
    with gateway.client(resident) as c:
        assert c.get(f"/v1/reports/{rep['id']}").json()["status"] == "in_review"


def test_bad_inputs_are_refused_in_both_languages(gateway: Any, tmp_path: Path) -> None:
    resident = new_key(gateway, "resident")
    clip = opencv_clip(tmp_path / "clip.mp4")
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    cases = [
        (send(gateway, resident, b""), 400, "empty_upload"),
        (send(gateway, resident, b"hello, this is text\n" * 10, "notes.jpg"), 415, "unsupported_media_type"),
        (send(gateway, resident, jpeg()[:200]), 422, "corrupt_image"),
        (send(gateway, resident, clip[: len(clip) // 2], "c.mp4", "video/mp4"), 422, "unreadable_media"),
        (send(gateway, resident, jpeg(), camera_id=camera(gateway, visible=False)), 404, "not_found"),
        (send(gateway, resident, jpeg(), camera_id=camera(gateway, True, enabled=False)), 404, "not_found"),
        (send(gateway, resident, jpeg(), camera_id="no-such-camera"), 404, "not_found"),
        (send(gateway, resident, jpeg(), observed_at=future), 422, "validation_error"),
        (send(gateway, resident, jpeg(), observed_at="2026-01-01T10:00:00"), 422, "validation_error"),
        (send(gateway, resident, jpeg(), addressed_to="mayor"), 422, "validation_error"),
        (send(gateway, resident, jpeg(), description=" "), 422, "validation_error"),
    ]
    with gateway.client(resident) as c:
        no_text = c.post("/v1/reports", files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    cases.append((no_text, 422, "validation_error"))
    for i, (r, status, code) in enumerate(cases):
        body = r.json()
        assert (r.status_code, body["error"]) == (status, code), (i, r.text)
        assert body["detail"] and body["detail_uk"], i
    assert "description" in no_text.json()["detail"]
    hidden = cases[4][0].json()
    assert "resident_visible" not in hidden["detail"] and "camera" in hidden["detail"]
    with gateway.client(resident) as c:
        assert c.get("/v1/reports").json()["total"] == 0  # nothing half-written
    # a PNG sent as "image/jpeg" is stored as what it is
    _ok, png = cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))
    r = send(gateway, resident, png.tobytes(), "x.jpg", "image/jpeg")
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"


def test_uploads_and_downloads_are_audited(gateway: Any) -> None:
    resident = new_key(gateway, "resident")
    rep = send(gateway, resident, jpeg()).json()
    send(gateway, resident, b"")
    with gateway.client(gateway.key("council", "council")) as c:
        c.get("/v1/reports")
        c.get(f"/v1/reports/{rep['id']}/file")
    with gateway.client(gateway.key("auditor")) as c:
        rows = c.get("/v1/audit", params={"action": "report*", "limit": 1000}).json()["data"]
    mine = [(r["action"], r["role"], r["target"], r["outcome"]) for r in rows]
    target = f"report:{rep['id']}"
    assert ("report.create", "resident", target, "ok") in mine
    assert ("report.file", "council", target, "ok") in mine
    assert any(r["action"] == "reports.list" and r["role"] == "council" for r in rows)
    rejected = [r for r in rows if r["action"] == "report.create" and r["outcome"] == "rejected"]
    assert rejected and rejected[-1]["detail"] == "empty_upload"


@pytest.fixture(scope="module")
def small(backend: str, harness: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A private gateway with tiny report limits (no recognizers: reports never use them)."""
    data_dir = tmp_path_factory.mktemp(f"reports-{backend}")
    limits = {
        "max_report_photo_bytes": 2048,
        "max_report_video_bytes": 65536,
        "max_report_video_s": 0.5,
        "max_reports_per_day": 2,
        "max_report_decode_bytes": 512 * 1024 * 1024,  # less than a lying 16000x16000 frame needs
        # so that the cap on any request body (the largest of these) is small too
        **dict.fromkeys(
            ("max_frame_bytes", "max_photo_bytes", "max_csv_bytes", "max_zip_bytes", "max_preview_bytes"),
            65536,
        ),
    }
    with harness.database(backend, data_dir) as url:
        settings = harness.make_settings(data_dir, url, limits=limits, load_recognizers=False)
        with harness.start_gateway(settings) as gw:
            yield gw


def test_size_length_and_daily_limits(small: Any, tmp_path: Path) -> None:
    resident = new_key(small, "resident")
    big = jpeg(64, noise=True)
    assert len(big) > 2048
    r = send(small, resident, big)
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large") and "2048" in r.json()["detail"]
    r = send(small, resident, b"\xff\xd8\xff" + b"\0" * 70_000)  # larger than even the read cap
    assert r.status_code == 413 and r.json()["detail_uk"]
    r = send(small, resident, opencv_clip(tmp_path / "one-second.mp4"), "v.mp4", "video/mp4")
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large") and "1.0 s" in r.json()["detail"]
    assert len(list(small.settings.reports_root.rglob("*.*"))) == 0

    small_photo = jpeg(16)
    assert [send(small, resident, small_photo).status_code for _ in range(2)] == [201, 201]
    r = send(small, resident, small_photo)
    assert (r.status_code, r.json()["error"]) == (429, "too_many_requests")
    assert 86_000 < int(r.headers["Retry-After"]) <= 86_400 and r.json()["detail_uk"]
    assert send(small, new_key(small, "resident"), small_photo).status_code == 201  # the cap is per key


def test_simultaneous_uploads_cannot_pass_a_full_daily_cap(small: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    resident = new_key(small, "resident")
    photo = jpeg(16)
    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = sorted(pool.map(lambda _: send(small, resident, photo).status_code, range(6)))
    assert codes == [201, 201, 429, 429, 429, 429]


@pytest.mark.parametrize(
    ("name", "fourcc", "ctype"),
    [("clip.webm", "VP80", "video/webm"), ("clip.mov", "mp4v", "video/quicktime")],
)
def test_webm_and_quicktime_videos_are_taken(
    gateway: Any, tmp_path: Path, name: str, fourcc: str, ctype: str
) -> None:
    resident = new_key(gateway, "resident")
    clip = opencv_clip(tmp_path / name, fourcc=fourcc)
    r = send(gateway, resident, clip, name, "application/octet-stream")  # the bytes decide, not the header
    assert r.status_code == 201, r.text
    assert (r.json()["kind"], r.json()["content_type"]) == ("video", ctype)


def test_a_video_container_we_do_not_take_is_refused(gateway: Any, tmp_path: Path) -> None:
    clip = opencv_clip(tmp_path / "clip.avi", fourcc="MJPG")
    r = send(gateway, new_key(gateway, "resident"), clip, "clip.mp4", "video/mp4")  # named .mp4, is AVI
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type" and r.json()["detail_uk"]


def audit_rows(gw: Any, action: str) -> list[tuple[str, str, str, str]]:
    with gw.client(gw.key("auditor")) as c:
        rows = c.get("/v1/audit", params={"action": action, "limit": 1000}).json()["data"]
    return [(r["action"], r["role"], r["target"], r["outcome"]) for r in rows]


def test_refused_reads_of_reports_are_audited(small: Any) -> None:
    """Someone else's report or no report at all: 404 to the caller, a denied/not_found audit row."""
    resident, other = new_key(small, "resident"), new_key(small, "resident")
    rep = send(small, resident, jpeg(16)).json()
    target, missing = f"report:{rep['id']}", uuid.uuid4().hex
    with small.client(other) as c:
        assert c.get(f"/v1/reports/{rep['id']}").status_code == 404
        assert c.get(f"/v1/reports/{rep['id']}/file").status_code == 404
        assert c.get(f"/v1/reports/{missing}").status_code == 404
    with small.client(small.key("police", "police")) as c:  # addressed to the council
        assert c.post(f"/v1/reports/{rep['id']}/status", json={"status": "closed"}).status_code == 404
    rows = audit_rows(small, "report*")
    assert ("report.view", "resident", target, "denied") in rows
    assert ("report.file", "resident", target, "denied") in rows
    assert ("report.view", "resident", f"report:{missing}", "not_found") in rows
    assert ("report.status", "police", target, "denied") in rows
    with small.client(resident) as c:
        assert c.get(f"/v1/reports/{rep['id']}").json()["status"] == "new"


def test_a_key_over_its_daily_cap_gets_no_file_decoded(small: Any, tmp_path: Path) -> None:
    """The cap is checked before the photo or video is opened: 429, not the file's own verdict."""
    resident = new_key(small, "resident")
    assert [send(small, resident, jpeg(16)).status_code for _ in range(2)] == [201, 201]
    clip = opencv_clip(tmp_path / "clip.mp4")
    r = send(small, resident, clip[: len(clip) // 2], "c.mp4", "video/mp4")  # would be unreadable_media
    assert (r.status_code, r.json()["error"]) == (429, "too_many_requests") and r.json()["detail_uk"]


def test_nul_characters_are_refused_not_a_server_error(small: Any) -> None:
    """PostgreSQL cannot hold NUL in text: in a report's fields, a report id or a camera id, it is a
    bilingual 4xx on either database, never a 500."""
    resident, council = new_key(small, "resident"), small.key("council", "council")
    rep = send(small, resident, jpeg(16)).json()
    answers = [
        send(small, resident, jpeg(16), description="a\x00b"),
        send(small, resident, jpeg(16), camera_id="cam\x00"),
    ]
    with small.client(resident) as c:
        answers += [c.get("/v1/reports/a%00b"), c.get("/v1/reports/a%00b/file")]
        answers.append(c.get("/v1/cameras/cam%00/preview"))
    with small.client(council) as c:
        answers.append(c.post(f"/v1/reports/{rep['id']}/status", json={"status": "closed", "note": "a\x00b"}))
    for i, r in enumerate(answers):
        assert r.status_code < 500, (i, r.text)
        assert r.status_code < 300 or r.json()["detail_uk"], (i, r.text)


def test_an_upload_over_the_cap_is_refused_before_its_form_is_read(small: Any) -> None:
    """The body is capped before FastAPI parses the form (Starlette spools a file part to disk at any
    size, and the key is checked only after the form is read): even without a key the answer is 413."""
    mib = 1 << 20  # the small gateway's largest upload limit is 64 KiB
    huge = b"\xff\xd8\xff" + b"\0" * (4 * mib)
    with small.client("vk_not-a-key") as c:
        r = c.post("/v1/reports", data=FORM, files={"file": ("p.jpg", huge, "image/jpeg")})
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large"), r.text
    limit = str(small.settings.limits.max_request_bytes)
    assert limit in r.json()["detail"] and limit in r.json()["detail_uk"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'--B\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n\r\n'
        for _ in range(8):
            yield b"\0" * mib
        yield b"\r\n--B--\r\n"

    headers = {"Content-Type": "multipart/form-data; boundary=B"}
    with small.client(new_key(small, "resident")) as c:
        r = c.post("/v1/reports", content=chunks(), headers=headers)
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large") and r.json()["detail_uk"]


def test_a_file_that_cannot_be_written_leaves_nothing_behind(
    small: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full while the file is written: 503 saying so, no report, no temporary file in the store."""
    import gateway.evidence.store as store_module

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    resident = new_key(small, "resident")
    before = {p for p in small.settings.reports_root.rglob("*") if p.is_file()}
    monkeypatch.setattr(store_module.os, "fsync", disk_full)
    r = send(small, resident, jpeg(16))
    monkeypatch.undo()
    assert (r.status_code, r.json()["error"]) == (503, "unavailable") and r.json()["detail_uk"]
    assert "try again" in r.json()["detail"] and r.headers["Retry-After"]
    assert {p for p in small.settings.reports_root.rglob("*") if p.is_file()} == before
    with small.client(resident) as c:
        assert c.get("/v1/reports").json()["total"] == 0


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg to build the clip")
def test_a_video_too_large_in_pixels_is_refused_from_its_header(gateway: Any, tmp_path: Path) -> None:
    """9000x6000 (54 MP) declared by the stream: 413 before a frame is decoded. The frame's data is
    wiped, so only the header can tell (a frame decoded first would answer 'no first frame')."""
    path = tmp_path / "big.mov"
    args = ["-f", "lavfi", "-i", "color=black:s=9000x6000", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "31"]
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *args, str(path)], check=True)
    data = bytearray(path.read_bytes())
    start, end = data.find(b"\xff\xd8\xff"), data.find(b"moov") - 4
    assert 0 < start < end
    data[start:end] = bytes(end - start)
    r = send(gateway, new_key(gateway, "resident"), bytes(data), "big.mov", "video/quicktime")
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large"), r.text
    assert "9000x6000" in r.json()["detail"] and "9000x6000" in r.json()["detail_uk"]


def test_a_video_whose_last_frame_is_shown_at_600_s_is_refused(gateway: Any) -> None:
    """Ten frames a tenth of a second apart, the headers saying one second, the last frame's
    composition offset showing it at 600 s: frame count / rate reads 1 s, the sample table 600 s."""
    clip = mjpeg_movie(
        [jpeg_frame(16, 16)] * 10, width=16, height=16, ctts=[(9, 0), (1, 5990)], brand=b"isom"
    )
    resident = new_key(gateway, "resident")
    r = send(gateway, resident, clip, "clip.mp4", "video/mp4")
    assert (r.status_code, r.json()["error"]) == (413, "payload_too_large"), r.text
    assert "600.0 s" in r.json()["detail"] and "120 s" in r.json()["detail"]
    assert "600.0 с" in r.json()["detail_uk"]
    honest = mjpeg_movie([jpeg_frame(16, 16)] * 10, width=16, height=16, brand=b"isom")
    taken = send(gateway, resident, honest, "clip.mp4", "video/mp4")
    assert taken.status_code == 201, taken.text
    with gateway.client(resident) as c:
        assert c.get("/v1/reports").json()["total"] == 1


def test_a_broken_box_structure_is_refused_in_both_languages(gateway: Any) -> None:
    """A sample table claiming four billion entries: 422 naming the box, not a 500 or a long loop."""
    data = bytearray(mjpeg_movie([jpeg_frame(16, 16)] * 10, width=16, height=16, brand=b"isom"))
    stts = data.index(b"stts") + 8  # after the name, the version and the flags
    data[stts : stts + 4] = b"\xff\xff\xff\xff"
    r = send(gateway, new_key(gateway, "resident"), bytes(data), "clip.mp4", "video/mp4")
    assert (r.status_code, r.json()["error"]) == (422, "unreadable_media"), r.text
    assert "container is malformed: the stts box is too short" in r.json()["detail"]
    assert "контейнер пошкоджено" in r.json()["detail_uk"]


def test_a_frame_larger_than_its_video_declares_is_refused_by_the_capped_decoder(
    small: Any, tmp_path: Path
) -> None:
    """A 600-byte WebM whose first frame is 16000x16000: its decoder, capped at 512 MiB of address
    space, cannot hold the frame; the answer says so and nothing is stored."""
    resident = new_key(small, "resident")
    r = send(small, resident, lying_webm(tmp_path / "clip.webm"), "clip.webm", "video/webm")
    assert (r.status_code, r.json()["error"]) == (422, "unreadable_media"), r.text
    assert "more memory than the decoder may use" in r.json()["detail"]
    assert "пам'яті" in r.json()["detail_uk"]
    with small.client(resident) as c:
        assert c.get("/v1/reports").json()["total"] == 0


def test_a_file_sent_as_a_text_field_is_named_in_both_languages(gateway: Any) -> None:
    resident = new_key(gateway, "resident")
    with gateway.client(resident) as c:
        r = c.post("/v1/reports", data=FORM | {"file": "not a file"}, files={"other": ("x.txt", b"x")})
    assert r.status_code == 422, r.text
    body = r.json()
    assert "file" in body["detail"] and "UploadFile" not in body["detail_uk"]
    assert "файлом" in body["detail_uk"]


def test_a_form_with_two_files_is_refused_and_nothing_is_kept(gateway: Any) -> None:
    """Which of two files the resident meant, nothing says (FastAPI would keep the last)."""
    resident = new_key(gateway, "resident")
    with gateway.client(resident) as c:
        files = [("file", ("a.jpg", jpeg(), "image/jpeg")), ("file", ("b.jpg", jpeg(32), "image/jpeg"))]
        r = c.post("/v1/reports", data=FORM, files=files)
        assert r.status_code == 422, r.text
        assert "exactly one file" in r.json()["detail"] and "рівно один файл" in r.json()["detail_uk"]
        assert c.get("/v1/reports").json()["count"] == 0
        assert send(gateway, resident, jpeg()).status_code == 201  # one file is taken
