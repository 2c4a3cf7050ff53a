"""Bilingual OpenAPI: every operation's summary shown in English and Ukrainian.

Routes keep their English summary in code; each service keeps one table of Ukrainian summaries keyed by
the English text. ``bilingual_openapi`` makes the app's schema show ``English / Українською`` and adds
``x-summary-uk``; an operation without a Ukrainian summary is a programming error the tests catch
(``missing_uk``), never a silently English-only page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def operations(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every operation object of an OpenAPI schema."""
    return [op for item in schema.get("paths", {}).values() for m, op in item.items() if m in HTTP_METHODS]


def missing_uk(app: FastAPI, table: Mapping[str, str]) -> list[str]:
    """English summaries of the app's operations that have no Ukrainian one."""
    plain = get_openapi(title=app.title, version=app.version, routes=app.routes)
    return sorted({op.get("summary", "") for op in operations(plain) if op.get("summary", "") not in table})


def bilingual_openapi(app: FastAPI, table: Mapping[str, str], description_uk: str = "") -> None:
    """Serve the app's OpenAPI schema with bilingual summaries (built once, on first request)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description + (f"\n\n{description_uk}" if description_uk else ""),
                routes=app.routes,
            )
            for op in operations(schema):
                uk = table.get(op.get("summary", ""))
                if uk:
                    op["summary"] = f"{op['summary']} / {uk}"
                    op["x-summary-uk"] = uk
            app.openapi_schema = schema
        return app.openapi_schema

    setattr(app, "openapi", build)  # noqa: B010 (FastAPI's documented way to customise the schema)
