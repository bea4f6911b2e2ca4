"""The JSON API (`/api/v1`), as ../shared/CONTRACT.md promises it. Routes parse, call, render."""
from __future__ import annotations

import json
from typing import Any

from flask import Response, g, jsonify, request

from processes.definitions import diagrams
from processes.desk import tasks
from processes.dossier import dossiers
from processes.errors import Invalid, Malformed
from processes.submission import submission
from processes.submission.submission import Submission, Upload
from web.api import bp
from web.api.openapi import OPENAPI
from web.auth import require_token
from web.context import services
from web.i18n import gettext
from web.labels import legend


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)


@bp.get("/procedures")
def procedures() -> Response:
    return jsonify(dossiers.list_procedures(services()))


@bp.post("/dossiers")
@require_token
def submit() -> Any:
    body, uploads = _payload_and_uploads()
    cmd = Submission(procedure=_text(body, "procedure"), form=_object(body, "form"),
                     channel=body.get("channel"), agency=body.get("agency"), uploads=uploads)
    return jsonify(submission.submit_dossier(services(), g.username, cmd)), 201


@bp.get("/dossiers/<code>")
@require_token
def dossier(code: str) -> Response:
    view = dossiers.get_dossier(services(), g.username, code)
    return jsonify(view | {"status": gettext(view["status"])})


@bp.get("/dossiers/<code>/diagram.svg")
@require_token
def dossier_diagram(code: str) -> Response:
    """The dossier's diagram with its done, active and overdue steps marked (legend in ?lang)."""
    svg = diagrams.dossier_diagram(services(), g.username, code, legend())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.post("/dossiers/<code>/supplement")
@require_token
def supplement(code: str) -> Response:
    body, uploads = _payload_and_uploads()
    form = body.get("form") or {}
    if not isinstance(form, dict):
        raise Invalid("must_be_object", "form")
    return jsonify(submission.answer_supplement(services(), g.username, code, form, uploads))


@bp.get("/tasks")
@require_token
def task_list() -> Response:
    return jsonify(tasks.list_tasks(services(), g.username))


@bp.post("/tasks/<task_id>/complete")
@require_token
def complete(task_id: str) -> Response:
    body = json_body()
    return jsonify(tasks.complete_task(services(), g.username, task_id, body.get("data", {})))


# -- parsing helpers ------------------------------------------------------------------------------
def json_body() -> dict[str, Any]:
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Malformed("malformed_json") from None
    if not isinstance(body, dict):
        raise Malformed("must_be_object")
    return body


def _payload_and_uploads() -> tuple[dict[str, Any], list[Upload]]:
    if request.mimetype != "multipart/form-data":
        return json_body(), []
    try:
        body = json.loads(request.form.get("payload") or "{}")
    except ValueError:
        raise Malformed("malformed_json", "payload") from None
    if not isinstance(body, dict):
        raise Malformed("must_be_object", "payload")
    uploads = []
    for field_name, file in request.files.items(multi=True):
        if not field_name.startswith("documents."):
            raise Invalid("upload.field_name", field_name)
        uploads.append(Upload(field_name.split(".", 1)[1], file.filename or "", file.read()))
    return body, uploads


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must_be_text", key)
    return value


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key, {})
    if not isinstance(value, dict):
        raise Invalid("must_be_object", key)
    return value
