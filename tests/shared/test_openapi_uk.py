"""shared.openapi_uk: summaries shown in both languages; a missing translation is found."""

from __future__ import annotations

from fastapi import FastAPI

from recognizers.service.main import SUMMARIES_UK as RECOGNIZER_UK
from recognizers.service.main import create_app as create_recognizer_app
from shared.openapi_uk import bilingual_openapi, missing_uk, operations


def test_summaries_are_shown_in_both_languages_and_missing_ones_are_listed() -> None:
    app = FastAPI(title="t", description="English.")

    @app.get("/a", summary="Read a thing")
    def a() -> dict[str, str]:
        return {}

    @app.post("/b", summary="Write a thing")
    def b() -> dict[str, str]:
        return {}

    table = {"Read a thing": "Прочитати річ"}
    assert missing_uk(app, table) == ["Write a thing"]
    bilingual_openapi(app, table, "Українською.")
    spec = app.openapi()  # what /openapi.json serves (over HTTP in the gateway and service tests)
    assert spec["info"]["description"] == "English.\n\nУкраїнською."
    read = spec["paths"]["/a"]["get"]
    assert read["summary"] == "Read a thing / Прочитати річ" and read["x-summary-uk"] == "Прочитати річ"
    assert spec["paths"]["/b"]["post"]["summary"] == "Write a thing"  # untranslated stays as it was
    assert len(operations(spec)) == 2


def test_both_recognizer_services_have_every_summary_in_ukrainian() -> None:
    for kind in ("plates", "faces"):
        assert missing_uk(create_recognizer_app(kind), RECOGNIZER_UK) == [], kind
