"""A community's gateway end to end: real frames, real models, real HTTP, one process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import cv2
import httpx
import numpy as np
import pytest

from gateway.bench import GatewayProcess, frame_headers

pytestmark = [pytest.mark.slow, pytest.mark.network]


def post(site: Any, cam: str, data: bytes, key: str, camera_key: str | None = None) -> httpx.Response:
    headers = frame_headers(cam, camera_key or site.keys[cam], key)
    return site.drv.http.post("/v1/frames", content=data, headers=headers)


def get(site: Any, path: str, who: str = "police", **params: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {site.keys[who]}", "X-Purpose": "test", "X-Case-Number": "T-1"}
    return site.drv.http.get(path, headers=headers, params=params)


def alerts(site: Any, who: str = "police", **params: Any) -> list[dict[str, Any]]:
    r = get(site, "/v1/alerts", who, **params)
    assert r.status_code == 200, r.text
    return list(r.json()["data"])


def raised_by(site: Any, frame: dict[str, Any], who: str = "police") -> list[dict[str, Any]]:
    """The alerts a frame raised, as the council or police read them: the camera's answer names none."""
    assert "alerts" not in frame and all("hits" not in p for p in frame["plates"]), frame
    assert all("matched" not in f for f in frame["faces"]), frame
    return [a for a in alerts(site, who) if a["frame_id"] == frame["frame_id"]]


def test_different_photo_of_enrolled_person_raises_exactly_one_alert(site: Any, lfw: Any) -> None:
    r = post(site, "cam-a", lfw("Colin_Powell", 10), "face-1")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [(a["kind"], a["entry_id"]) for a in raised_by(site, body)] == [("face", site.ids["colin"])]
    assert body["faces"] and "embedding" not in r.text
    face_alerts = alerts(site, kind="face")
    assert [a["entry_id"] for a in face_alerts] == [site.ids["colin"]]
    site.ids["face_alert"] = face_alerts[0]["id"]


def test_face_alert_shows_evidence_beside_enrolled_photo(site: Any) -> None:
    alert_id = site.ids["face_alert"]
    detail = get(site, f"/v1/alerts/{alert_id}").json()
    assert detail["entry"]["label"] == "Colin Powell" and detail["confirmations_required"] == 2
    links = detail["evidence"]
    assert links["frame_crop"] and links["frame"] and links["enrolled_photo"], links
    for file in ("crop.jpg", "frame.jpg", "enrolled.jpg"):
        r = get(site, f"/v1/alerts/{alert_id}/evidence/{file}")
        assert r.status_code == 200 and r.content[:2] == b"\xff\xd8", file
    assert get(site, f"/v1/alerts/{alert_id}", "council").status_code == 404  # police list: not theirs


def test_face_alert_needs_two_different_officers(site: Any) -> None:
    alert_id = site.ids["face_alert"]
    path = f"/v1/alerts/{alert_id}/reviews"

    def review(who: str, decision: str = "confirm", purpose: bool = True) -> httpx.Response:
        headers = {"Authorization": f"Bearer {site.keys[who]}"}
        if purpose:
            headers |= {"X-Purpose": "test", "X-Case-Number": "T-1"}
        return site.drv.http.post(path, headers=headers, json={"decision": decision})

    assert review("council").status_code in (403, 404)
    unstated = review("police", purpose=False)  # a police decision names its case, as its reads do
    assert unstated.status_code == 422 and unstated.json()["error"] == "purpose_required"
    first = review("police")
    assert first.status_code == 201 and first.json()["status"] == "new"
    assert review("police").status_code == 409  # the same officer cannot confirm twice
    second = review("police2")
    assert second.status_code == 201 and second.json()["status"] == "confirmed"


def test_not_this_vehicle_is_a_recorded_rejection(site: Any, ua: Any) -> None:
    r = post(site, "cam-b", ua.fuzzy_jpeg, "plate-reject")
    alert_id = raised_by(site, r.json(), "council")[0]["id"]
    path = f"/v1/alerts/{alert_id}/reviews"
    council = {"Authorization": f"Bearer {site.keys['council']}"}
    rejected = site.drv.http.post(path, headers=council, json={"decision": "reject", "note": "not this car"})
    assert rejected.status_code == 201 and rejected.json()["status"] == "rejected"
    assert rejected.json()["reviews"][0]["note"] == "not this car"
    again = site.drv.http.post(path, headers=council, json={"decision": "confirm"})
    assert again.status_code == 409


def test_no_authorisation_no_face_alert(site: Any, lfw: Any) -> None:
    r = post(site, "cam-b", lfw("Colin_Powell", 10), "face-b")
    body = r.json()
    assert r.status_code == 200 and raised_by(site, body) == []
    assert "face_matching" in body["skipped"] and len(body["faces"]) >= 1


def test_rendered_ukrainian_plate_raises_plate_alert(site: Any, ua: Any) -> None:
    r = post(site, "cam-b", ua.exact_jpeg, "plate-1")
    body = r.json()
    assert r.status_code == 200, r.text
    assert [(a["kind"], a["entry_id"], a["rule"]) for a in raised_by(site, body, "council")] == [
        ("plate", site.ids["exact"], "exact")
    ]
    site.ids["plate_frame"] = r.json()


def test_one_character_confusion_hits_through_fuzzy(site: Any, ua: Any) -> None:
    r = post(site, "cam-a", ua.fuzzy_jpeg, "plate-2")
    body = r.json()
    assert [p["text"] for p in body["plates"]] == [ua.fuzzy_text]
    raised = raised_by(site, body, "council")
    assert [(a["entry_id"], a["rule"]) for a in raised] == [(site.ids["fuzzy"], "fuzzy")], raised
    assert (raised[0]["read_text"], raised[0]["matched_text"]) == (ua.fuzzy_text, ua.fuzzy_entry)


def test_retried_frame_raises_nothing_new(site: Any, ua: Any) -> None:
    before = alerts(site, who="council")
    first = site.ids["plate_frame"]
    r = post(site, "cam-b", ua.exact_jpeg, "plate-1")
    assert r.status_code == 200 and r.json()["duplicate"] is True
    assert r.json()["frame_id"] == first["frame_id"] and r.json()["plates"] == first["plates"]
    assert alerts(site, who="council") == before


def _with_osd(image: np.ndarray) -> bytes:
    """The frame with a camera's burnt-in on-screen text: its clock, its maker's name and its own name."""
    out = image.copy()
    for text, org in (("EZVIZ", (1130, 690)), ("CAM 07", (1120, 640)), ("2026-11-24 08:00:00", (20, 40))):
        cv2.putText(out, text, org, cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 5, cv2.LINE_AA)
        cv2.putText(out, text, org, cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2, cv2.LINE_AA)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return buf.tobytes()


def test_burnt_in_camera_text_stops_being_stored(site: Any) -> None:
    """The real plate model reads the camera's burnt-in name "CAM 07" on every frame (any short text
    with a digit may be a foreign plate); after ten frames over two minutes at one place it is the
    camera's static text: no more reads, sightings or evidence for it, while a car's plate in the same
    frame is read. The maker's "EZVIZ" (letters only) is never stored: it matches no watchlist."""
    from recognizers.synth import render_plate

    key = site.drv.camera("cam-osd", faces=False)
    empty = _with_osd(np.full((720, 1280, 3), 110, np.uint8))
    plate = render_plate(13, layout="current", height_range=(50, 90))  # on no list; no other test's plate
    car = _with_osd(plate.image_bgr)
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    bodies = []
    for i in range(12):
        headers = frame_headers("cam-osd", key, f"osd-{i}", t0 + timedelta(seconds=15 * i))
        r = site.drv.http.post("/v1/frames", content=car if i == 11 else empty, headers=headers)
        assert r.status_code == 200, r.text
        bodies.append(r.json())
    assert [p["text"] for p in bodies[0]["plates"]] == ["CAM07"]  # the premise: the model reads it
    assert [b["letters_only_ignored"] for b in bodies] == [1] * 9 + [0] * 3  # EZVIZ, until static
    assert [b["static_plates_ignored"] for b in bodies] == [0] * 9 + [2] * 3
    assert [p["text"] for p in bodies[10]["plates"]] == []
    assert [p["text"] for p in bodies[11]["plates"]] == [plate.text]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 422, "empty_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + bytes(range(256)) * 8, 422, "corrupt_image"),
        ("huge", 413, "image_too_many_pixels"),
    ],
)
def test_bad_images_get_4xx_with_codes(
    site: Any, jpeg_claiming: Any, data: Any, status: int, code: str
) -> None:
    if data == "huge":
        data = jpeg_claiming(20_000, 10_000)  # 200 megapixels
    r = post(site, "cam-a", data, f"bad-{code}")
    assert r.status_code == status, r.text
    assert r.json()["error"] == code and r.json()["detail_uk"]


def test_camera_key_for_another_camera_is_403(site: Any, lfw: Any) -> None:
    r = post(site, "cam-a", lfw("Colin_Powell", 11), "other", camera_key=site.keys["cam-b"])
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


def test_sightings_search_needs_purpose_for_police_and_is_audited(site: Any, ua: Any) -> None:
    bare = site.drv.http.get(
        "/v1/sightings",
        params={"plate": ua.exact_text},
        headers={"Authorization": f"Bearer {site.keys['police']}"},
    )
    assert bare.status_code == 422 and bare.json()["error"] == "purpose_required"
    text = ua.exact_text
    spaced = f"{text[:2]} {text[2:6]} {text[6:]}"
    exact = get(site, "/v1/sightings", plate=spaced).json()
    wild = get(site, "/v1/sightings", plate=f"{text[:4]}??{text[6:]}").json()
    assert exact["count"] == 1 and wild["count"] == 1 and exact["data"][0]["plate_text"] == text
    admin = {"Authorization": f"Bearer {site.proc.admin_key}"}
    audit = site.drv.http.get("/v1/audit", headers=admin, params={"action": "sightings.search"})
    assert audit.status_code == 200, audit.text
    rows = audit.json()["data"]
    assert any(r["result_count"] == 1 and r["case_number"] == "T-1" for r in rows), rows


def test_unmatched_face_embedding_is_stored_nowhere(site: Any, lfw: Any) -> None:
    from recognizers.common.image import decode_image
    from recognizers.faces.recognizer import FaceRecognizer

    photo = lfw("Tony_Blair", 1)
    r = post(site, "cam-a", photo, "stranger")
    body = r.json()
    assert r.status_code == 200 and body["faces"] and raised_by(site, body) == []
    rec = FaceRecognizer()
    rec.load()
    vectors = [np.asarray(f.embedding, np.float32) for f in rec.analyze(decode_image(photo))]
    assert vectors
    blobs = [p.read_bytes() for p in site.proc.data_dir.rglob("*") if p.is_file() and p.suffix != ".log"]
    dump = site.dump()
    assert "Colin Powell" in dump  # the dump sees the database
    blobs.append(dump.encode())
    for v in vectors:
        needles = [v[:4].tobytes(), v[:4].astype(np.float64).tobytes(), repr(float(v[0]))[:10].encode()]
        for blob in blobs:
            assert not any(n in blob for n in needles)
    # no evidence at all for a frame with no sighting and no hit
    assert not list(site.proc.data_dir.rglob(f"*{body['frame_id']}*"))


def test_multipart_field_image_is_accepted(site: Any, ua: Any) -> None:
    headers = frame_headers("cam-b", site.keys["cam-b"], "multipart-1")
    del headers["Content-Type"]
    files = {"image": ("frame.jpg", ua.exact_jpeg, "image/jpeg")}
    r = site.drv.http.post("/v1/frames", headers=headers, files=files)
    assert r.status_code == 200, r.text
    assert [p["text"] for p in r.json()["plates"]] == [ua.exact_text]


def test_a_broken_multipart_frame_is_400_in_both_languages(site: Any) -> None:
    headers = frame_headers("cam-b", site.keys["cam-b"], "multipart-broken")
    headers["Content-Type"] = "multipart/form-data; boundary=xyz"
    r = site.drv.http.post("/v1/frames", headers=headers, content=b"garbage")
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_multipart" and "пошкоджені межі" in r.json()["detail_uk"]


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("Idempotency-Key", ""),
        ("Idempotency-Key", "x" * 129),
        ("X-Capture-Time", "yesterday"),
        ("X-Capture-Time", "2026-11-24T08:00:00"),
    ],  # no time zone
)
def test_bad_headers_are_422(site: Any, lfw: Any, header: str, value: str) -> None:
    headers = frame_headers("cam-a", site.keys["cam-a"], "hdr")
    headers[header] = value
    r = site.drv.http.post("/v1/frames", content=lfw("Colin_Powell", 12), headers=headers)
    assert r.status_code == 422, r.text
    assert r.json()["detail_uk"]


def test_unknown_or_missing_key_is_401(site: Any, lfw: Any) -> None:
    headers = frame_headers("cam-a", "vk_" + "x" * 40, "nokey")
    assert (
        site.drv.http.post("/v1/frames", content=lfw("Colin_Powell", 12), headers=headers).status_code == 401
    )
    del headers["Authorization"]
    assert (
        site.drv.http.post("/v1/frames", content=lfw("Colin_Powell", 12), headers=headers).status_code == 401
    )


def test_data_survives_restart(site: Any) -> None:
    before_alerts = alerts(site) + alerts(site, who="council")
    before_sightings = get(site, "/v1/sightings").json()
    site.proc.stop()
    site.proc = GatewayProcess(site.proc.data_dir, env=site.env).start()
    site.drv.http.close()
    site.drv.http = httpx.Client(base_url=site.proc.url, timeout=120)
    after = alerts(site) + alerts(site, who="council")
    assert [(a["id"], a["status"]) for a in after] == [(a["id"], a["status"]) for a in before_alerts]
    assert len(after) >= 2  # the face and plate alerts of this session
    assert get(site, "/v1/sightings").json()["count"] == before_sightings["count"] > 0
    assert site.count("frames") > 0 and site.count("alerts") == len(after)
