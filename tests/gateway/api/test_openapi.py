"""The gateway's OpenAPI over real HTTP: an example for every route, every summary in Ukrainian too."""

from __future__ import annotations

from typing import Any

from gateway.api.summaries_uk import SUMMARIES_UK
from gateway.main import create_app
from shared.openapi_uk import missing_uk, operations


def _has_example(node: Any, schemas: dict[str, Any], seen: tuple[str, ...] = ()) -> bool:
    if isinstance(node, dict):
        if "example" in node or "examples" in node:
            return True
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return name not in seen and _has_example(schemas[name], schemas, (*seen, name))
        return any(_has_example(v, schemas, seen) for v in node.values())
    if isinstance(node, list):
        return any(_has_example(v, schemas, seen) for v in node)
    return False


def test_every_route_documents_an_example_and_a_ukrainian_summary(gateway: Any) -> None:
    with gateway.client() as c:
        spec = c.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "Шлюз «Варта»" in spec["info"]["description"]
    missing_examples = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op["x-summary-uk"] and op["summary"].endswith(" / " + op["x-summary-uk"]), (method, path)
            ok = [r for code, r in op["responses"].items() if code.startswith("2") and r.get("content")]
            if ok and not _has_example(ok, schemas):
                missing_examples.append(f"{method.upper()} {path} (answer)")
            body = op.get("requestBody", {}).get("content")
            if body and not _has_example(body, schemas):
                missing_examples.append(f"{method.upper()} {path} (body)")
    assert missing_examples == []
    assert len(operations(spec)) >= 40


def test_a_route_without_a_ukrainian_summary_is_caught(tmp_path: Any) -> None:
    from gateway.config import GatewaySettings

    app = create_app(GatewaySettings(environment="dev", data_dir=tmp_path, load_recognizers=False))
    assert missing_uk(app, SUMMARIES_UK) == []

    @app.get("/v1/new-thing", summary="A new thing")
    def new_thing() -> dict[str, str]:
        return {}

    assert missing_uk(app, SUMMARIES_UK) == ["A new thing"]
