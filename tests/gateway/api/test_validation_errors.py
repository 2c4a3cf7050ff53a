"""A request the API cannot take is refused with the field named, in English and in Ukrainian."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx


def test_missing_and_wrong_fields_are_named_in_both_languages(gateway: Any) -> None:
    council = gateway.key("council", "council")
    with gateway.client(council) as c:
        missing = c.post("/v1/watchlists", json={"name": "no kind"})
        wrong = c.post("/v1/watchlists", json={"name": "cars", "kind": "cars"})
        paging = c.get("/v1/alerts", params={"limit": "many"})
    assert missing.status_code == 422
    body = missing.json()
    assert body["error"] == "validation_error" and body["field"] == "kind"
    assert body["detail"] == "kind: required field is missing"
    assert body["detail_uk"] == "kind: обов'язкове поле відсутнє"
    assert wrong.status_code == 422 and wrong.json()["detail_uk"].startswith("kind: має бути одним із:")
    assert paging.status_code == 422 and paging.json()["detail_uk"] == "limit: має бути цілим числом"
    for r in (missing, wrong, paging):
        assert "Input should" not in r.json()["detail_uk"] and "Field required" not in r.json()["detail_uk"]


#: a word of Latin letters standing on its own (not a code-like token such as ud800 or 08:00)
_LATIN_WORD = re.compile(r"(?<![\w'])[A-Za-z]{2,}(?![\w'])")
#: a quoted code-like token, e.g. 'x,y,w,h' (not an apostrophe inside a Ukrainian word: невід'ємний)
_QUOTED_TOKEN = re.compile(r"'[^'\s]+'")


def english_in(detail_uk: str, field: str) -> list[str]:
    """Latin-letter words of a Ukrainian message, besides the field name it starts with."""
    rest = _QUOTED_TOKEN.sub("", detail_uk.removeprefix(f"{field}: "))
    return _LATIN_WORD.findall(rest)


def test_english_in_finds_english_words_only() -> None:
    assert english_in("roi: недійсне значення (expected four non-negative integers 'x,y,w,h')", "roi")
    assert not english_in(
        "roi: має бути чотирма невід'ємними цілими числами 'x,y,w,h' з додатними w і h", "roi"
    )
    assert not english_in("daily_start: має бути часом доби, ГГ:ХХ (напр. 08:00+02:00)", "daily_start")


def _auth_body(**over: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "legal_basis": "court ruling 1/2/3",
        "purpose": "missing child",
        "case_number": "uk-1",
        "camera_ids": ["uk-words"],
        "starts_at": now.isoformat(),
        "expires_at": (now + timedelta(days=1)).isoformat(),
        "daily_end": "18:00",
    } | over


LONE_SURROGATE = b'{"name": "\\ud800"}'  # JSON's escape of a UTF-16 half that is no character


def test_validation_errors_are_worded_in_ukrainian_only(gateway: Any) -> None:
    """Inputs whose Ukrainian message once kept pydantic's or a validator's English in brackets."""
    answers: list[tuple[str, httpx.Response]] = []
    json_headers = {"Content-Type": "application/json"}
    with gateway.client(gateway.admin_key) as c:
        assert c.post("/v1/cameras", json={"id": "uk-words", "name": "x"}).status_code in (201, 409)
        for roi in ("1,2,3", "0,0,0,0", "a,b,c,d", "1,2,3,4,5", "-1,0,10,10"):
            answers.append(("roi", c.post("/v1/cameras", json={"id": "uk-roi", "name": "x", "roi": roi})))
            answers.append(("roi", c.patch("/v1/cameras/uk-words", json={"roi": roi})))
        answers.append(
            ("name", c.patch("/v1/cameras/uk-words", content=LONE_SURROGATE, headers=json_headers))
        )
        posted = b'{"id": "uk-lone", "name": "\\ud800"}'
        answers.append(("name", c.post("/v1/cameras", content=posted, headers=json_headers)))
    with gateway.client(gateway.key("council", "council")) as c:
        wl = c.post("/v1/watchlists", json={"kind": "plates", "name": "uk words"}).json()["id"]
        path = f"/v1/watchlists/{wl}"
        answers.append(("name", c.patch(path, content=LONE_SURROGATE, headers=json_headers)))
    with gateway.client(gateway.key("police", "police")) as c:
        for start in ("25:00", "abc", "08:00:60", "08:00+25:00", True):
            answers.append(("daily_start", c.post("/v1/authorisations", json=_auth_body(daily_start=start))))
    for field, r in answers:
        assert r.status_code == 422, (r.request.url, r.text)
        err = r.json()
        assert err["field"] == field, err
        assert err["detail_uk"].startswith(f"{field}: ") and not english_in(err["detail_uk"], field), err
        assert "недійсне значення" not in err["detail_uk"], err  # the general wording: a type not covered


def test_a_lone_surrogate_in_any_text_field_is_422_and_nothing_is_stored(gateway: Any) -> None:
    """``"\\ud800"`` is valid JSON but no character: fields the JSON parser lets it into (a list of
    organisations, a key's organisation) met it only at the database, which could not encode it."""
    bodies = [
        ("/v1/watchlists", '{"kind":"plates","name":"surrogate","shared_with":["\\ud800"]}'),
        ("/v1/keys", '{"role":"council","organisation":"\\ud800"}'),
    ]
    with gateway.client(gateway.admin_key) as c:
        before = c.get("/v1/watchlists").json()["count"]
        for path, body in bodies:
            r = c.post(path, content=body.encode(), headers={"content-type": "application/json"})
            assert r.status_code == 422, r.text
            err = r.json()
            assert err["error"] == "validation_error" and "surrogate" in err["detail"], err
            assert "сурогат" in err["detail_uk"]
        assert c.get("/v1/watchlists").json()["count"] == before
        assert c.get("/v1/keys/me").status_code == 200  # the connection and the server are fine
