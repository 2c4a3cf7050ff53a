"""A request the API cannot take is refused with the field named, in English and in Ukrainian."""

from __future__ import annotations

from typing import Any


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
