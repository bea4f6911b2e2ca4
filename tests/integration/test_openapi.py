"""The API's description (`GET /api/v1/openapi.json`) is a valid OpenAPI document that names every route
of /api/v1 with its methods, and describes the body of every answer: a new route cannot be forgotten."""
from __future__ import annotations

import re
from typing import Any

from openapi_spec_validator import validate

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _shape(path: str) -> str:
    """A path with its parameters unnamed: `/tasks/<task_id>/complete` and `/tasks/{id}/complete` alike."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def _served(app: Any) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return dict(response.get_json())


def test_the_description_is_a_valid_openapi_document(app: Any) -> None:
    document = _served(app)
    validate(document)  # raises, naming the place, when it is not
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearer"][
            "description"]}


def test_every_route_of_the_api_is_described_and_nothing_else(app: Any) -> None:
    document = _served(app)
    prefix = document["servers"][0]["url"]
    routes = {(_shape(rule.rule[len(prefix):]), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith(prefix + "/")
              for method in rule.methods & METHODS}
    described = {(_shape(path), method.upper()) for path, item in document["paths"].items()
                 for method in item if method.upper() in METHODS}
    assert sorted(routes - described) == [], "routes of /api/v1 missing from web/api/openapi.py"
    assert sorted(described - routes) == [], "described operations that no route serves"


def test_every_answer_has_its_body_described(app: Any) -> None:
    document = _served(app)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            responses = operation["responses"]
            assert operation.get("security") is not None, f"{where}: say whether it needs a token"
            assert {"400", "422"} <= set(responses), f"{where}: the input gate answers 400 and 422 anywhere"
            if operation["security"]:
                assert {"401", "403"} <= set(responses), f"{where}: a token can be missing or refused"
            for status, answer in responses.items():
                if status.startswith("3"):
                    assert "Location" in answer["headers"], f"{where} {status}"
                    continue
                assert answer.get("content"), f"{where} {status}: no body described"
                if not status.startswith("2"):
                    assert answer["content"] == {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}, f"{where} {status}: not the envelope"
                for media, body in answer["content"].items():
                    assert body.get("schema"), f"{where} {status} {media}: no schema"
                    if status.startswith("2") and media == "application/json":  # `answer=` in web/api/openapi.py
                        assert {"$ref", "properties", "items"} & set(body["schema"]), f"{where}: which fields?"
