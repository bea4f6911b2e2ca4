"""The JSON API (`/api/v1`), as ../shared/CONTRACT.md promises it. Routes parse, call, render."""
from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

from flask import Response, g, jsonify, request

from processes.definitions import diagrams
from processes.desk import counter, fees, result, tasks
from processes.dossier import dossiers
from processes.dossier.search import PER_PAGE, DossierQuery, search_dossiers
from processes.errors import Invalid, Malformed
from processes.inbox import inbox
from processes.submission import portal_dossiers, submission
from processes.submission.submission import Upload
from web import commands, gate, refusals
from web.api import bp
from web.api.openapi import OPENAPI
from web.auth import require_token
from web.context import services
from web.i18n import gettext
from web.labels import legend
from web.page_kit import client_ip


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)


@bp.get("/procedures")
def procedures() -> Response:
    return jsonify(dossiers.list_procedures(services()))


@bp.post("/dossiers")
@require_token
def submit() -> Any:
    """An applicant's submission; with `received_via` ("counter" | "post"), reception registers a
    dossier for someone without an account (`applicant`), and with `accept` accepts it at once."""
    body, uploads = _payload_and_uploads()
    if "received_via" in body:
        intake, accept, checklist = commands.desk_intake(body)
        registered = counter.register_at_desk(services(), g.username, commands.submission(body, uploads), intake,
                                              accept, checklist, idempotency_key())
        refusal = registered.pop("refusal", None)
        return jsonify(registered | {"status": gettext(registered["status"]),
                                     "acceptance_refusal": refusals.as_json(refusal)["error"] if refusal else None,
                                     "links": {"page": f"/officer/dossiers/{registered['code']}",
                                               "form_01": f"/api/v1/dossiers/{registered['code']}/forms/01.pdf"}}), 201
    created = submission.submit_dossier(services(), g.username, commands.submission(body, uploads),
                                        idempotency_key())
    return jsonify(created | {"status": gettext(created["status"])}), 201


@bp.get("/dossiers")
@require_token
def search() -> Response:
    """Officers search the dossiers of their agency (and those it was consulted on): `q` (code, identity
    number, name or phone, diacritics ignored), `status`, `procedure`, `from`, `to`, `page`, `per_page`."""
    args = request.args
    query = DossierQuery(q=args.get("q") or None, status=_int_arg("status"), procedure=args.get("procedure") or None,
                         received_from=_date_arg("from"), received_to=_date_arg("to"))
    found = search_dossiers(services(), g.username, query, _int_arg("page") or 1,
                            _int_arg("per_page") or PER_PAGE)
    return jsonify(found | {"items": [_iso_item(i) | {"status": gettext(i["status"])} for i in found["items"]]})


@bp.post("/dossiers/<code>/link")
@require_token
def link(code: str) -> Response:
    """An applicant links a counter or postal dossier to the own account: `{"phone": "..."}`."""
    phone = json_body().get("phone")
    if not isinstance(phone, str):
        raise Invalid("must_be_text", "phone")
    linked = portal_dossiers.link_dossier(services(), g.username, code, phone, client_ip())
    return jsonify(linked | {"status": gettext(linked["status"])})


@bp.post("/dossiers/<code>/draft-result")
@require_token
def draft_result(code: str) -> Any:
    """The specialist's draft result: multipart with the PDF as the file `draft`, or JSON
    `{"generate": true}` to build it from the procedure's template and the dossier's data."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("draft")
        if file is None or not file.filename:
            raise Invalid("draft.not_pdf", "draft")
        made = result.attach_draft(services(), g.username, code, Upload("draft", file.filename, file.read(),
                                                                         file.mimetype))
    else:
        if json_body().get("generate") is not True:
            raise Invalid("must_be_boolean", "generate")
        made = result.generate_draft(services(), g.username, code)
    return jsonify(made), 201


@bp.get("/inbox")
@require_token
def inbox_list() -> Response:
    """The caller's notifications, newest first: `?page=`, `?unread=1`."""
    found = inbox.inbox_page(services(), g.username, _int_arg("page") or 1, request.args.get("unread") == "1")
    return jsonify(found | {"items": [_iso_item(i) for i in found["items"]]})


@bp.post("/inbox/read")
@require_token
def inbox_read() -> Response:
    """Mark notifications read: `{"ids": [id, ...]}`, or `{"all": true}`."""
    body = json_body()
    if body.get("all") is True:
        ids = None
    else:
        ids = body.get("ids")
        if not isinstance(ids, list):
            raise Invalid("inbox.ids_invalid", "ids", max=inbox.MAX_IDS)
    return jsonify({"marked": inbox.mark_read(services(), g.username, ids),
                    "unread": inbox.unread_count(services(), g.username)})


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise Invalid("must_be_number", name) from None


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid("must_be_date", name) from None


def _iso_item(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in item.items()}


@bp.get("/dossiers/<code>")
@require_token
def dossier(code: str) -> Response:
    # ?reason=…: an administrator outside the dossier's agencies says why (break-glass, logged).
    view = dossiers.get_dossier(services(), g.username, code, request.args.get("reason"))
    return jsonify(view | {"status": gettext(view["status"])})


@bp.get("/dossiers/<code>/diagram.svg")
@require_token
def dossier_diagram(code: str) -> Response:
    """The dossier's diagram with its done, active and overdue steps marked (legend in ?lang)."""
    svg = diagrams.dossier_diagram(services(), g.username, code, legend())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.post("/dossiers/<code>/fees")
@require_token
def fees_paid(code: str) -> Response:
    """Reception records the catalogue's fees as paid at the counter (R7.2): `{"receipt_no": "..."}`."""
    receipt = json_body().get("receipt_no")
    if not isinstance(receipt, str):
        raise Invalid("must_be_text", "receipt_no")
    return jsonify(fees.mark_fee_paid(services(), g.username, code, receipt, idempotency_key()))


@bp.post("/dossiers/<code>/supplement")
@require_token
def supplement(code: str) -> Response:
    body, uploads = _payload_and_uploads()
    form = body.get("form") or {}
    if not isinstance(form, dict):
        raise Invalid("must_be_object", "form")
    replace = body.get("replace") or []
    if not isinstance(replace, list) or not all(isinstance(k, str) for k in replace):
        raise Invalid("must_be_text_list", "replace")
    answered = submission.answer_supplement(services(), g.username, code, form, uploads, replace)
    return jsonify(answered | {"status": gettext(answered["status"])})


@bp.get("/tasks")
@require_token
def task_list() -> Response:
    return jsonify(tasks.list_tasks(services(), g.username))


@bp.post("/tasks/<task_id>/complete")
@require_token
def complete(task_id: str) -> Response:
    """The same completion as the task page's: JSON `{"data", "checklist"?, "delivery"?}`, or multipart
    with that JSON as `payload` and the signed result of an online hand-over as the file `result`."""
    if request.mimetype == "multipart/form-data":
        body = _payload()
        unknown = [name for name in request.files if name != "result"]
        if unknown:
            raise Invalid("upload.result_field_name", unknown[0])
        file = request.files.get("result")
        result = Upload("result", file.filename or "", file.read()) if file and file.filename else None
    else:
        body, result = json_body(), None
    return jsonify(tasks.complete_task(services(), g.username, commands.completion(task_id, body, result),
                                       idempotency_key()))


# -- parsing helpers ------------------------------------------------------------------------------
def idempotency_key() -> str | None:
    """The `Idempotency-Key` header as sent (the use case checks and keeps it), or None."""
    return request.headers.get("Idempotency-Key")


def json_body() -> dict[str, Any]:
    """The request's JSON object, read through the input gate (web/gate.py) once."""
    if "json_body" in g:
        body = g.json_body
    else:
        raw = request.get_data(cache=True)
        body = gate.parse_json(raw) if raw else {}
        g.json_body = body
    if not isinstance(body, dict):
        raise Malformed("must_be_object")
    return body


def _payload() -> dict[str, Any]:
    """The JSON of a multipart request, sent as its `payload` field."""
    body = gate.parse_json(request.form.get("payload") or "{}", "payload")
    if not isinstance(body, dict):
        raise Malformed("must_be_object", "payload")
    return body


def _payload_and_uploads() -> tuple[dict[str, Any], list[Upload]]:
    if request.mimetype != "multipart/form-data":
        body = json_body()
        return body, inline_documents(body)
    body = _payload()
    uploads = []
    for field_name, file in request.files.items(multi=True):
        if not field_name.startswith("documents."):
            raise Invalid("upload.field_name", field_name)
        uploads.append(Upload(field_name.split(".", 1)[1], file.filename or "", file.read(), file.mimetype))
    return body, uploads


def inline_documents(body: dict[str, Any]) -> list[Upload]:
    """A JSON body may carry its papers inline, `"documents": {key: {"filename", "content_base64"}}`,
    so that a JSON-only client can attach the documents a procedure requires (multipart is the other
    way). The files are then checked by content like any upload."""
    documents = body.get("documents")
    if documents is None:
        return []
    if not isinstance(documents, dict):
        raise Invalid("must_be_object", "documents")
    uploads = []
    for key, doc in documents.items():
        name = f"documents.{key}"
        if not isinstance(doc, dict) or not isinstance(doc.get("filename"), str) \
                or not isinstance(doc.get("content_base64"), str):
            raise Invalid("upload.inline_document", name)
        try:
            content = base64.b64decode(doc["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise Invalid("upload.inline_document", name) from None
        uploads.append(Upload(str(key), doc["filename"], content))
    return uploads
