"""Bulk plate CSV: encodings, formulas, dates, row numbers, and all-or-nothing leaving the list unchanged."""

from __future__ import annotations

from typing import Any

import pytest

GOOD = "plate,reason,valid_until,notes\nАА 1234 ВВ,викрадено,2099-12-31,\nKA12??XX,witness,,partial\n"


@pytest.fixture
def plates_list(gateway: Any) -> tuple[Any, str, int]:
    key = gateway.key("council", "council")
    with gateway.client(key) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": "csv"}).json()
    return gateway, key, wl["id"]


def _upload(gw: Any, key: str, wid: int, data: bytes, mode: str = "all_or_nothing") -> Any:
    with gw.client(key) as c:
        return c.post(
            f"/v1/watchlists/{wid}/plates/bulk", params={"mode": mode}, files={"file": ("p.csv", data)}
        )


def _state(gw: Any, key: str, wid: int) -> tuple[int, int]:
    with gw.client(key) as c:
        wl = c.get(f"/v1/watchlists/{wid}").json()
    return wl["entry_count"], wl["version"]


def test_good_csv_with_and_without_bom(plates_list: Any) -> None:
    gw, key, wid = plates_list
    r = _upload(gw, key, wid, GOOD.encode("utf-8-sig"))
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 2 and r.json()["rejected"] == [] and r.json()["watchlist_version"] == 2
    r = _upload(gw, key, wid, b"plate\nBC0001AA\n")
    assert r.json()["accepted"] == 1
    assert _state(gw, key, wid) == (3, 3)


def test_cp1251_is_refused_with_a_clear_error(plates_list: Any) -> None:
    gw, key, wid = plates_list
    r = _upload(gw, key, wid, GOOD.encode("cp1251"))
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "upload_rejected" and "UTF-8" in body["detail"] and "UTF-8" in body["detail_uk"]
    assert _state(gw, key, wid) == (0, 1)
    assert _upload(gw, key, wid, GOOD.encode("utf-16")).json()["detail"].startswith("The CSV file is UTF-16")


def test_bad_rows_are_reported_by_number_and_all_or_nothing_changes_nothing(plates_list: Any) -> None:
    gw, key, wid = plates_list
    csv = (
        b"plate,reason,valid_until,notes\n"
        b"AA1111BB,ok,,\n"  # row 2
        b'=HYPERLINK("x"),bad,,\n'  # row 3
        b"AA2222BB,@SUM(A1),,\n"  # row 4
        b"AA3333BB,ok,31/12/2030,\n"  # row 5
        b"AA4444BB,ok,2001-01-01,\n"  # row 6
        b"AA1111BB,dup,,\n"  # row 7
        b"AA5555BB,ok,,-cmd\n"  # row 8
    )
    r = _upload(gw, key, wid, csv)
    assert r.status_code == 422
    rows = {e["row"]: e for e in r.json()["rows"]}
    assert set(rows) == {3, 4, 5, 6, 7, 8}
    assert rows[3]["error"] == "formula" and rows[3]["field"] == "plate"
    assert rows[4]["error"] == "formula" and rows[4]["field"] == "reason"
    assert rows[5]["error"] == "bad_date" and rows[5]["field"] == "valid_until"
    assert rows[6]["error"] == "expired"
    assert rows[7]["error"] == "duplicate"
    assert rows[8]["field"] == "notes"
    assert all(e["detail_uk"] for e in rows.values())
    assert _state(gw, key, wid) == (0, 1)
    assert not gw.ctx.plate_matcher.match("AA1111BB", watchlist_ids={str(wid)})

    r = _upload(gw, key, wid, csv, mode="keep_valid")
    assert r.status_code == 200 and r.json()["accepted"] == 1 and len(r.json()["rejected"]) == 6
    assert _state(gw, key, wid) == (1, 2)
    assert gw.ctx.plate_matcher.match("AA1111BB", watchlist_ids={str(wid)})


def test_bad_header_and_oversize(plates_list: Any) -> None:
    gw, key, wid = plates_list
    r = _upload(gw, key, wid, b"number,reason\nAA1111BB,x\n")
    assert r.status_code == 422 and "plate" in r.json()["detail"]
    big = b"plate\n" + b"AA1234BB\n" * (gw.settings.limits.max_csv_bytes // 9 + 10)
    r = _upload(gw, key, wid, big)
    assert r.status_code == 413 and r.json()["error"] == "payload_too_large"
    assert _state(gw, key, wid) == (0, 1)


def test_csv_into_a_persons_list_is_refused(gateway: Any) -> None:
    key = gateway.key("council", "council")
    with gateway.client(key) as c:
        wl = c.post("/v1/watchlists", json={"kind": "persons", "name": "p"}).json()
    r = _upload(gateway, key, wl["id"], GOOD.encode())
    assert r.status_code == 422 and "persons list" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "ctype", "needle_uk"),
    [
        (b"garbage", "multipart/form-data; boundary=xyz", "пошкоджені межі"),
        (b"--xyz\r\n", "multipart/form-data", "немає межі"),
    ],
)
def test_a_broken_upload_form_is_400_in_both_languages_and_changes_nothing(
    plates_list: Any, body: bytes, ctype: str, needle_uk: str
) -> None:
    gw, key, wid = plates_list
    before = _state(gw, key, wid)
    with gw.client(key) as c:
        r = c.post(f"/v1/watchlists/{wid}/plates/bulk", content=body, headers={"content-type": ctype})
    assert r.status_code == 400, r.text
    err = r.json()
    assert (err["error"], needle_uk in err["detail_uk"]) == ("bad_multipart", True), err
    assert _state(gw, key, wid) == before


def test_a_date_beyond_the_calendar_is_a_row_error_and_keep_valid_adds_the_rest(plates_list: Any) -> None:
    gw, key, wid = plates_list
    csv = (
        b"plate,reason,valid_until,notes\n"
        b"AA1111BB,ok,,\n"  # row 2
        b"AA2222BB,far,9999-12-31,\n"  # row 3: the day after would be year 10000
        b"AA3333BB,far,9999-12-31T23:00:00-05:00,\n"  # row 4: year 10000 in UTC
    )
    r = _upload(gw, key, wid, csv)
    assert r.status_code == 422, r.text
    rows = {e["row"]: e for e in r.json()["rows"]}
    assert set(rows) == {3, 4}
    assert all(e["error"] == "bad_date" and e["field"] == "valid_until" for e in rows.values())
    assert all("9999" in e["detail"] and "9999" in e["detail_uk"] for e in rows.values())
    assert _state(gw, key, wid) == (0, 1)

    r = _upload(gw, key, wid, csv, mode="keep_valid")
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1 and [e["row"] for e in r.json()["rejected"]] == [3, 4]
    assert _state(gw, key, wid) == (1, 2)


@pytest.mark.parametrize("mode", ["all_or_nothing", "keep_valid"])
def test_a_cell_too_long_for_the_csv_reader_rejects_the_upload(plates_list: Any, mode: str) -> None:
    gw, key, wid = plates_list
    csv = b'plate,reason,valid_until,notes\nAA1111BB,ok,,\nAA2222BB,ok,,"' + b"x" * 200_000 + b'"\n'
    assert len(csv) < gw.settings.limits.max_csv_bytes
    r = _upload(gw, key, wid, csv, mode=mode)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "upload_rejected"
    assert "131072" in body["detail"] and "131072" in body["detail_uk"] and "line 3" in body["detail"]
    assert _state(gw, key, wid) == (0, 1)


def _entries(gw: Any, key: str, wid: int) -> dict[str, dict[str, Any]]:
    with gw.client(key) as c:
        plates = c.get(f"/v1/watchlists/{wid}/entries").json()["plates"]
    return {p["pattern"]: p for p in plates}


UNCLOSED = b'plate,reason\nQQ0001QQ,"abc\nQQ0002QQ,x\nQQ0003QQ,y\n'


@pytest.mark.parametrize("mode", ["all_or_nothing", "keep_valid"])
def test_an_unclosed_quote_rejects_the_upload_naming_its_line(plates_list: Any, mode: str) -> None:
    gw, key, wid = plates_list
    r = _upload(gw, key, wid, UNCLOSED, mode=mode)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "upload_rejected"
    assert "line 2" in body["detail"] and "never closed" in body["detail"], body
    assert "рядку 2" in body["detail_uk"] and "не закриті" in body["detail_uk"], body
    assert _state(gw, key, wid) == (0, 1)


def test_text_after_a_closing_quote_rejects_the_upload_naming_its_line(plates_list: Any) -> None:
    gw, key, wid = plates_list
    r = _upload(gw, key, wid, b'plate,reason\nQQ0001QQ,"abc\nQQ0002QQ,"x\nQQ0003QQ,y\n', mode="keep_valid")
    assert r.status_code == 422, r.text
    body = r.json()
    assert (
        body["error"] == "upload_rejected" and "line 3" in body["detail"] and "рядку 3" in body["detail_uk"]
    )
    assert _state(gw, key, wid) == (0, 1)


def test_a_closed_multi_line_quoted_reason_is_kept(plates_list: Any) -> None:
    gw, key, wid = plates_list
    csv = b'plate,reason\r\nQQ0001QQ,"seen twice:\r\nat the ""school""\r\n"\r\nQQ0002QQ,x\r\n'
    r = _upload(gw, key, wid, csv)
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 2
    entries = _entries(gw, key, wid)
    assert entries["QQ0001QQ"]["reason"] == 'seen twice:\r\nat the "school"'
    assert entries["QQ0002QQ"]["reason"] == "x"


@pytest.mark.parametrize(
    ("value", "needle", "needle_uk"),
    [
        ("2030-01-01T00:00:00", "time zone", "часовий пояс"),
        ("2030-01-01T00:00", "time zone", "часовий пояс"),
        ("2030W011T1", "date and time", "датою й часом"),
        ("20300101Z0", "date and time", "датою й часом"),
        ("2030-W01-1", "date and time", "датою й часом"),
    ],
)
def test_a_date_time_without_a_zone_or_not_iso_is_a_row_error(
    plates_list: Any, value: str, needle: str, needle_uk: str
) -> None:
    gw, key, wid = plates_list
    csv = f"plate,valid_until\nQQ0012QQ,\nQQ0013QQ,{value}\n".encode()
    r = _upload(gw, key, wid, csv)
    assert r.status_code == 422, r.text
    [err] = r.json()["rows"]
    assert (err["row"], err["field"], err["error"]) == (3, "valid_until", "bad_date")
    assert needle in err["detail"] and value in err["detail"], err
    assert needle_uk in err["detail_uk"] and value in err["detail_uk"], err
    assert _state(gw, key, wid) == (0, 1)

    r = _upload(gw, key, wid, csv, mode="keep_valid")
    assert r.status_code == 200, r.text
    assert r.json()["accepted"] == 1 and [e["row"] for e in r.json()["rejected"]] == [3]
    assert set(_entries(gw, key, wid)) == {"QQ0012QQ"}


def test_a_date_or_a_date_time_with_a_zone_is_kept_in_utc(plates_list: Any) -> None:
    gw, key, wid = plates_list
    csv = (
        b"plate,valid_until\n"
        b"QQ0021QQ,2030-01-01\n"  # a date: valid through that day (UTC)
        b"QQ0022QQ,2030-01-01T00:00:00+02:00\n"
        b"QQ0023QQ,2030-01-01T00:00:00Z\n"
    )
    r = _upload(gw, key, wid, csv)
    assert r.status_code == 200, r.text
    until = {p: e["valid_until"] for p, e in _entries(gw, key, wid).items()}
    assert {p: u.replace("+00:00", "Z") for p, u in until.items()} == {
        "QQ0021QQ": "2030-01-02T00:00:00Z",
        "QQ0022QQ": "2029-12-31T22:00:00Z",
        "QQ0023QQ": "2030-01-01T00:00:00Z",
    }


@pytest.mark.parametrize(
    "files",
    [
        [("file", ("a.csv", GOOD.encode())), ("file", ("b.csv", b"plate\nBB0000BB\n"))],
        [("file", ("a.csv", GOOD.encode())), ("other", ("b.csv", b"plate\nBB0000BB\n"))],
    ],
    ids=["two under file", "one more under another name"],
)
def test_a_form_with_more_than_one_file_is_refused_and_changes_nothing(plates_list: Any, files: Any) -> None:
    """FastAPI keeps the last of two parts named ``file`` and ignores a file under another name: which
    one the sender meant, nothing says."""
    gw, key, wid = plates_list
    before = _state(gw, key, wid)
    with gw.client(key) as c:
        r = c.post(f"/v1/watchlists/{wid}/plates/bulk", files=files)
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["error"] == "upload_rejected" and "рівно один файл" in err["detail_uk"], err
    assert "exactly one file" in err["detail"] and "(2 " not in err["detail"]
    assert _state(gw, key, wid) == before
