"""The API description served at /api/v1/openapi.json (OpenAPI 3.0.3): every operation of /api/v1 with
its parameters (types and bounds), its request body, and the JSON Schema of every answer, the success and
the error envelope of web/errors.py alike. tests/fuzz/test_schemathesis.py holds the app to it.

One entry per operation, made by `_op` (summary, success status, the error statuses it adds):
- `answer=` the success body: a schema (`_ref("Dossier")`), or `media=` the type(s) of a file (PDF, SVG);
- `body=` the name of the request body's schema under components (JSON; `multipart=True` also multipart);
- `params=` query and header parameters (`_query(...)`), `keyed=True` for the Idempotency-Key header;
- every operation also answers 400 and 422 (the input gate, web/gate.py, reads every query parameter and
  text), an authenticated one 401 and 403 (an account that must still change its initial password), one
  with a body 413. A new route under /api/v1 needs its entry here (tests/integration/test_openapi.py)."""
from __future__ import annotations

import copy
from typing import Any

MAX_ID = 2**31 - 1  # a row id (web/gate.py: an INTEGER column); a larger one is simply not found (404)


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema | {"nullable": True}


_TEXT = {"type": "string"}
_INSTANT = {"type": "string", "format": "date-time"}
_DAY = {"type": "string", "format": "date"}
_ANY_OBJECT = {"type": "object", "additionalProperties": True}
_BINARY = {"type": "string", "format": "binary"}
_ERROR = {"description": "refused: the error envelope (`code` is stable, `message` in the caller's language)",
          "content": _json(_ref("Error"))}
_REASONS = {400: "the request cannot be read: malformed JSON, invalid Unicode or a control character in a "
                 "text, JSON too deep or too large (web/gate.py), a bad Idempotency-Key",
            401: "no valid bearer token (missing, forged, expired, revoked, or the account is locked)",
            403: "the caller lacks the right, or the account must first change its initial password",
            404: "not found, or not the caller's to see",
            409: "the state changed or forbids it now",
            413: "the request body is larger than the upload limits",
            422: "a rule refused the input (one reason per field); a text too long, a date or an integer "
                 "out of range anywhere in the request (web/gate.py)"}


def _op(summary: str, ok: str = "200", *errors: int, body: str | None = None, auth: bool = True,
        answer: dict[str, Any] | None = None, media: str | tuple[str, ...] = "application/json",
        params: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (), keyed: bool = False,
        multipart: bool = False, redirect: bool = False) -> dict[str, Any]:
    """One operation: its summary, parameters, request body and every answer with its body."""
    statuses = {400, 422, *errors} | ({401, 403} if auth else set()) | ({413} if body else set())
    if redirect:
        success: dict[str, Any] = {"description": "moved for good: `Location` names the new URL (query kept)",
                                   "headers": {"Location": {"schema": _TEXT, "description": "the new URL"}}}
    elif media == "application/json":
        success = {"description": "OK", "content": _json(answer if answer is not None else _ANY_OBJECT)}
    else:
        success = {"description": "OK", "content": {m: {"schema": _BINARY} for m in (
            (media,) if isinstance(media, str) else media)}}
    op: dict[str, Any] = {"summary": summary,
                          "parameters": [{"$ref": "#/components/parameters/lang"}, *params,
                                         *([_IDEMPOTENCY] if keyed else [])],
                          "responses": {ok: success, **{str(s): _ERROR | {"description": _REASONS.get(s, "refused")}
                                                        for s in sorted(statuses)}}}
    op["security"] = [{"bearer": []}] if auth else []
    if redirect:
        op["deprecated"] = True
    if body:
        content = _json(_ref(body))
        if multipart:
            content["multipart/form-data"] = {"schema": _ref(f"{body}Multipart")}
        op["requestBody"] = {"required": True, "content": content}
    return op


def _path(name: str, schema: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema} | (
        {"description": description} if description else {})


def _query(name: str, schema: dict[str, Any], description: str = "", required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema} | (
        {"description": description} if description else {})


_CODE = _path("code", {"type": "string", "minLength": 1, "maxLength": 40},
              "the dossier's code, e.g. 000.00.22.H34-260302-0001")
_IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
                "description": "a repeat with the same key and request returns the first answer and does nothing "
                               "again; the same key with another request is 422 idempotency.key_reused; a key "
                               "not of this form is 400 idempotency.key_invalid"}


def _keyed(op: dict[str, Any]) -> dict[str, Any]:
    """Kept for entries written before `_op(..., keyed=True)`: adds the Idempotency-Key header."""
    return op | {"parameters": [*op.get("parameters", []), _IDEMPOTENCY]}


# -- the bodies -------------------------------------------------------------------------------------
_FORM_FIELD = {"type": "object", "required": ["id", "label", "type", "required", "options"], "properties": {
    "id": _TEXT, "label": _TEXT, "required": {"type": "boolean"},
    "type": {"type": "string", "description": "string, text, long, date, boolean, enum, email, phone…"},
    "options": {"type": "array", "items": {"type": "object", "required": ["id", "label"],
                                           "properties": {"id": _TEXT, "label": _TEXT}}},
    "pattern": {"type": "string", "description": "a regular expression the value must match"},
    "example": {"description": "a value the field accepts (the catalogue's fields)"}}, "additionalProperties": True,
    "description": "a field of a form, as the catalogue or the diagram declares it (a sidecar may add keys)"}

_SCHEMAS: dict[str, Any] = {
    # -- the error envelope (web/errors.py, web/refusals.py) ------------------------------------------
    "Error": {"type": "object", "required": ["error"], "additionalProperties": False, "properties": {
        "error": {"type": "object", "required": ["code", "message"], "additionalProperties": False,
                  "properties": {
            "code": {"type": "string", "minLength": 1,
                     "description": "a stable code, e.g. desk.refusal_reason_required (web/refusals.py)"},
            "message": {"type": "string", "description": "one sentence in the caller's language (?lang=en)"},
            "field": {"type": "string", "description": "the input the first reason is about"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"},
                       "description": "each bad input with what is wrong with it"},
            "reasons": {"type": "array", "items": _ref("Reason"), "minItems": 1},
            "params": {"type": "object", "description": "the plain values of the first reason (e.g. minutes)",
                       "additionalProperties": {"nullable": True, "oneOf": [
                           {"type": "string"}, {"type": "number"}, {"type": "boolean"}]}}}}}},
    "Reason": {"type": "object", "required": ["code", "field", "message"], "additionalProperties": False,
               "properties": {"code": {"type": "string", "minLength": 1}, "field": _nullable(_TEXT),
                              "message": _TEXT}},
    # -- requests ---------------------------------------------------------------------------------------
    "Submission": {"type": "object", "required": ["procedure", "form", "declaration"], "properties": {
        "procedure": {"type": "string", "maxLength": 40, "description": "the procedure's code"},
        "form": {"type": "object", "additionalProperties": True,
                 "description": "the catalogue form's values by field id (GET /procedures)"},
        "postal_address": {"type": "string", "maxLength": 500, "description": "where the result goes when "
                           "`channel` is post (then required: 422 submission.postal_address_required)"},
        "channel": {"type": "string", "enum": ["counter", "post", "online"], "description":
                    "how the result is handed over (default counter); a level-3 procedure hands it "
                    "over at the desk only: post or online is refused (422 submission.channel_desk_only)"},
        "agency": {"type": "string", "description": "e-code of the handling agency"},
        "declaration": {"type": "boolean", "enum": [True], "description":
                        "the applicant declares the information true and answers for it; required "
                        "(422 dossier.declaration_required otherwise)"},
        "documents": {"type": "object", "description": "the papers inline, by document key (multipart is "
                      "the other way); refused as upload.inline_document when not this shape or not base64",
                      "additionalProperties": {"type": "object", "required": ["filename", "content_base64"],
                                               "properties": {"filename": {"type": "string", "maxLength": 255},
                                                              "content_base64": {"type": "string"}}}}},
        "description": "Every required document of the catalogue is attached (multipart "
                       "documents.<key>, or inline), else 422 submission.document_required naming it."},
    "SubmissionMultipart": {"type": "object", "required": ["payload"], "properties": {
        "payload": {"type": "string", "description": "the Submission as JSON"}},
        "additionalProperties": _BINARY, "description": "files as documents.<key> (PDF, JPEG or PNG)"},
    "Supplement": {"type": "object", "properties": {
        "form": {"type": "object", "additionalProperties": True, "description": "fields to correct"},
        "replace": {"type": "array", "items": {"type": "string"}, "description": "document keys whose earlier "
                    "files the new ones replace (kept as older versions); the others are added beside them. "
                    "Only the documents the request named are taken (422 supplement.document_not_requested)"},
        "documents": {"type": "object", "additionalProperties": {"type": "object"},
                      "description": "papers inline, as in a submission"}}},
    "SupplementMultipart": {"type": "object", "properties": {
        "payload": {"type": "string", "description": "the Supplement as JSON"}},
        "additionalProperties": _BINARY, "description": "files as documents.<key>"},
    "Completion": {"type": "object", "required": ["data"], "properties": {
        "data": {"type": "object", "additionalProperties": True, "description": "the task form's values; a "
                 "refuse or return decision needs its reasons in the form's note (422 desk.refusal_reason_required)"},
        "checklist": {"type": "object", "additionalProperties": {"type": "boolean"}, "description":
                      "intake: document key -> checked present and valid; accepting needs every "
                      "required document (422 desk.checklist_required, desk.document_not_checked)"},
        "delivery": _ref("Delivery")}},
    "CompletionMultipart": {"type": "object", "required": ["payload"], "properties": {
        "payload": {"type": "string", "description": "the Completion as JSON"},
        "result": _BINARY | {"description": "the signed result (PDF) of an online hand-over"}}},
    "Delivery": {"type": "object", "description": "the hand-over of the result, by the applicant's "
                 "channel: at the desk identity checked, originals compared and signed (422 "
                 "desk.identity_not_checked, desk.originals_not_compared…); by post a tracking number; "
                 "online the signed PDF as the multipart file `result`. Refused while a fee is "
                 "unpaid (422 desk.fee_unpaid) unless fee_waiver_reason says why it is waived.",
                 "properties": {
        "recipient_name": {"type": "string"}, "identity_document": {"type": "string"},
        "identity_checked": {"type": "boolean"}, "originals_compared": {"type": "boolean"},
        "applicant_signed": {"type": "boolean"}, "tracking_number": {"type": "string"},
        "fee_waiver_reason": {"type": "string", "maxLength": 500}}},
    "FeePaid": {"type": "object", "required": ["receipt_no"], "properties": {
        "receipt_no": {"type": "string", "minLength": 1, "maxLength": 60}}},
    "CalendarOverride": {"type": "object", "required": ["day", "kind"], "properties": {
        "day": {"type": "string", "format": "date", "description": "2000-01-01 to 2100-12-31"},
        "kind": {"type": "string", "enum": ["day_off", "working_day"]},
        "note": {"type": "string", "maxLength": 300}}},
    "Apology": {"type": "object", "required": ["new_due", "reason"], "properties": {
        "new_due": {"type": "string", "format": "date-time", "description": "with its UTC offset, in the future"},
        "reason": {"type": "string", "minLength": 1, "maxLength": 2000}}},
    # -- answers ------------------------------------------------------------------------------------------
    "Procedure": {"type": "object", "description": "a procedure of the public catalogue", "required": [
        "code", "name", "level", "agency", "processing_time", "fees", "documents", "form", "featured"],
        "properties": {
        "code": _TEXT, "name": _TEXT, "name_en": _nullable(_TEXT),
        "level": {"type": "integer", "minimum": 1, "maximum": 4, "description": "online service level"},
        "sector": _TEXT, "field": _TEXT, "agency_level": _TEXT,
        "agency": _nullable(_TEXT | {"description": "e-code of the handling agency, when tied to one"}),
        "agency_name": _nullable(_TEXT),
        "consulted_agencies": {"type": "array", "items": _TEXT},
        "processing_time": {"type": "object", "required": ["working_days", "same_day"], "properties": {
            "working_days": {"type": "number"}, "same_day": {"type": "boolean"}}},
        "fees": {"type": "array", "items": _ANY_OBJECT},
        "documents": {"type": "array", "items": {"type": "object", "required": ["key", "name", "required"],
                                                 "properties": {"key": _TEXT, "name": _TEXT,
                                                                "required": {"type": "boolean"}}}},
        "form": {"type": "array", "items": _FORM_FIELD},
        "result": {"nullable": True, "description": "what the applicant receives"},
        "legal_basis": {"type": "array", "items": {}}, "applicants": {"nullable": True},
        "conditions": {"type": "array", "items": {}}, "steps": {"type": "array", "items": {}},
        "channels": {"type": "array", "items": {}},
        "published_at": _nullable(_INSTANT), "featured": {"type": "boolean"}}},
    "DossierState": {"type": "object", "required": ["code", "status", "status_code"], "properties": {
        "code": _TEXT, "status": {"type": "string", "description": "the status's name, in the caller's language"},
        "status_code": {"type": "integer", "minimum": 1, "maximum": 10}}},
    "Dossier": {"type": "object", "required": [
        "code", "procedure", "status", "status_code", "received_at", "accepted_at", "due_at", "finished_at",
        "open_tasks", "history"], "properties": {
        "code": _TEXT, "procedure": _TEXT, "procedure_name": _TEXT, "status": _TEXT,
        "status_code": {"type": "integer", "minimum": 1, "maximum": 10},
        "received_at": _INSTANT, "accepted_at": _nullable(_INSTANT), "due_at": _nullable(_INSTANT),
        "finished_at": _nullable(_INSTANT), "delivered_at": _nullable(_INSTANT),
        "result_channel": {"type": "string", "enum": ["counter", "post", "online"]},
        "late": {"type": "boolean"}, "supplement_count": {"type": "integer", "minimum": 0},
        "paused_at": _nullable(_INSTANT | {"description": "waiting for the applicant: the clock is stopped"}),
        "refund_flagged": {"type": "boolean"},
        "open_tasks": {"type": "array", "items": {"type": "object", "required": ["id", "name", "title", "role"],
                                                  "properties": {
            "id": _TEXT, "name": _TEXT, "title": _TEXT, "role": _TEXT, "due_at": _nullable(_INSTANT),
            "overdue_at": _nullable(_INSTANT)}}},
        "history": {"type": "array", "items": {"type": "object", "required": ["at", "kind", "actor"],
                                               "properties": {
            "at": _INSTANT, "kind": _TEXT, "actor": _TEXT, "task": _nullable(_TEXT), "title": _nullable(_TEXT)}}},
        "notices": {"type": "array", "items": {"type": "object", "required": ["at", "title", "body"],
                                               "properties": {
            "at": _INSTANT, "form": _nullable(_TEXT | {"description": "the national form number"}),
            "title": _TEXT, "body": _TEXT}}},
        "documents": {"type": "array", "description": "each stored file with its signature check (docs/signatures.md)",
                      "items": {"type": "object", "properties": {
                          "id": {"type": "integer"}, "key": _TEXT, "filename": _TEXT, "is_result": {"type": "boolean"},
                          "signature": {"type": "object", "additionalProperties": True}}}},
        "result_attachment_id": _nullable({"type": "integer"}),
        "fees_due": {"type": "integer", "minimum": 0}, "fees_paid": {"type": "integer", "minimum": 0},
        "fee_receipt_no": _nullable(_TEXT), "fee_method": _nullable(
            {"type": "string", "enum": ["counter", "online", "transfer"]}),
        "fee_refunded": {"type": "boolean"},
        "online_payment": {"type": "boolean", "description": "it may be paid online now (docs/payments.md)"}}},
    "Task": {"type": "object", "required": ["id", "dossier", "name", "title", "role", "agency", "step", "due_at",
                                            "form"], "properties": {
        "id": _TEXT, "dossier": _TEXT, "name": _TEXT, "title": _TEXT, "role": _TEXT,
        "agency": {"type": "integer", "description": "the id of the caller's agency"},
        "step": {"type": "string", "enum": ["intake", "review", "approval", "coordination", "delivery", "desk"]},
        "due_at": _nullable(_INSTANT), "form": {"type": "array", "items": _FORM_FIELD},
        "checklist": {"type": "array", "description": "intake: the catalogue's documents", "items": {
            "type": "object", "required": ["key", "name", "required", "uploaded"], "properties": {
                "key": _TEXT, "name": _TEXT, "required": {"type": "boolean"}, "uploaded": {"type": "boolean"}}}},
        "result_channel": {"type": "string", "enum": ["counter", "post", "online"]},
        "fee_due_vnd": {"type": "integer", "minimum": 0, "description": "delivery: 0 when paid or free"}}},
    "FeePayment": {"type": "object", "required": ["code", "amount_vnd", "receipt_no", "paid_at"], "properties": {
        "code": _TEXT, "amount_vnd": {"type": "integer", "minimum": 0}, "receipt_no": _TEXT, "paid_at": _INSTANT}},
    "CalendarEntry": {"type": "object", "required": ["day", "kind", "note", "without_entry", "changes_calendar"],
                      "properties": {
        "day": _DAY, "kind": {"type": "string", "enum": ["day_off", "working_day"]}, "note": _TEXT,
        "without_entry": {"type": "string", "enum": ["day_off", "working_day"],
                          "description": "what weekends and the holiday package say"},
        "changes_calendar": {"type": "boolean"}}},
    "Token": {"type": "object", "required": ["id", "label", "created_at", "last_used_at", "expires_at"],
              "properties": {
        "id": {"type": "integer"}, "label": _TEXT, "created_at": _INSTANT, "last_used_at": _nullable(_INSTANT),
        "expires_at": _nullable(_INSTANT),
        "current": {"type": "boolean", "description": "the token of this request (in the list)"}}},
    "OpenApi": {"type": "object", "required": ["openapi", "info", "paths"], "additionalProperties": True},
}

_FORM_NO = _path("form_no", {"type": "string", "enum": ["01", "02", "03", "04", "05"]})
_TASK_ID = _path("id", {"type": "string", "minLength": 1, "maxLength": 36}, "the task's id (GET /tasks)")
_LIST = {"type": "array", "items": {}}


def _list(name: str) -> dict[str, Any]:
    return _LIST | {"items": _ref(name)}


_PATHS: dict[str, Any] = {
    "/openapi.json": {"get": _op("This description", auth=False, answer=_ref("OpenApi"))},
    "/procedures": {"get": _op("The public catalogue: featured services first, then by code", auth=False,
                               answer=_list("Procedure"))},
    "/dossiers": {"post": _op("Submit a dossier (JSON, or multipart with payload + documents.<key>)",
                              "201", 403, 404, body="Submission", multipart=True, keyed=True,
                              answer=_ref("DossierState"))},
    "/dossiers/{code}": {"parameters": [_CODE], "get": _op("One dossier", "200", 404, answer=_ref("Dossier"))},
    "/dossiers/{code}/diagram.svg": {"parameters": [_CODE], "get": _op(
        "The dossier's diagram (image/svg+xml), its done, active and overdue steps marked; ?lang=en for an "
        "English legend; 422 diagram_unavailable when the diagram has no layout", "200", 404,
        media="image/svg+xml")},
    "/dossiers/{code}/supplement": {"parameters": [_CODE], "post": _op(
        "Answer a supplement request", "200", 403, 404, 409, body="Supplement", multipart=True,
        answer=_ref("DossierState"))},
    "/dossiers/{code}/fees": {"parameters": [_CODE], "post": _op(
        "Reception records the catalogue's fees as paid at the counter, with the receipt number; 409 "
        "when already paid", "200", 404, 409, body="FeePaid", keyed=True, answer=_ref("FeePayment"))},
    "/tasks": {"get": _op("The caller's open user tasks, each with its desk step; intake tasks list the "
                          "checklist, delivery tasks the result channel and the fee still due",
                          answer=_list("Task"))},
    "/tasks/{id}/complete": {"parameters": [_TASK_ID], "post": _op(
        "Complete a user task: the same use case and rules as the task page and `motcua tasks complete` "
        "(JSON, or multipart with payload + the file result for an online hand-over); returns the dossier's "
        "new state", "200", 404, 409, body="Completion", multipart=True, keyed=True, answer=_ref("Dossier"))},
    "/dossiers/{code}/forms/{form_no}.pdf": {"parameters": [_CODE, _FORM_NO], "get": _op(
        "A printable one-stop form of the dossier, numbered as Circular 01/2018/TT-VPCP numbers them "
        "(application/pdf, A5): 01 receipt and appointment, 02 supplement request, 03 refusal, 04 apology "
        "and new date, 05 process-control sheet; 404 where it does not apply", "200", 404,
        media="application/pdf")},
    "/dossiers/{code}/forms/06.pdf": {"parameters": [_CODE], "get": _op(
        "Former number of the process-control sheet: 308 to forms/05.pdf", "308", auth=False, redirect=True)},
    "/dossiers/{code}/forms/07.pdf": {"parameters": [_CODE], "get": _op(
        "Former number of the register: 308 to /api/v1/forms/06.pdf", "308", auth=False, redirect=True)},
    "/register.pdf": {"get": _op("Former URL of the register: 308 to /api/v1/forms/06.pdf", "308", auth=False,
                                 redirect=True)},
    "/dossiers/{code}/documents/{id}": {
        "parameters": [_CODE, _path("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID})],
        "get": _op("A document of the dossier, its SHA-256 verified; 409 document_damaged when it no longer "
                   "matches (never served, audited); served as what it is (PDF, JPEG, PNG)", "200", 404, 409,
                   media=("application/pdf", "image/jpeg", "image/png", "application/octet-stream"))},
    "/forms/06.pdf": {"get": _op(
        "Form 06: the register of dossiers of the caller's agency for a period of at most 366 days "
        "(application/pdf, A4)", "200", media="application/pdf",
        params=[_query(n, _DAY, "YYYY-MM-DD", required=True) for n in ("from", "to")])},
    "/calendar/overrides": {
        "get": _op("The administrators' extra days off and make-up working days, each with what the calendar "
                   "says without it", answer=_list("CalendarEntry"),
                   params=[_query("year", {"type": "integer", "minimum": 2000, "maximum": 2100})]),
        "post": _op("Add a day off or a make-up working day; 409 when the date is already listed (a date "
                    "is never both), 422 for a bad date (2000–2100) or kind", "201", 409,
                    body="CalendarOverride", answer=_ref("CalendarEntry"))},
    "/calendar/overrides/{day}": {"parameters": [_path("day", _DAY, "2000-01-01 to 2100-12-31")],
                                  "delete": _op("Remove the entry of a date; returns it", "200", 404,
                                                answer=_ref("CalendarEntry"))},
    "/dossiers/{code}/apology": {"parameters": [_CODE], "post": _op(
        "A leader's apology-and-new-date letter (form 04) for a late dossier: moves the appointment; 409 "
        "when the dossier is not late or is finished", "200", 404, 409, body="Apology", answer=_ref("Dossier"))},
    "/tokens": {"get": _op("The caller's working API tokens, newest first", answer=_list("Token"))},
    "/tokens/{id}": {"parameters": [_path("id", {"type": "integer", "minimum": 1, "maximum": MAX_ID})],
                     "delete": _op("Revoke one of the caller's tokens; returns it (404 token.not_found for "
                                   "another account's, an unknown or an already revoked one)", "200", 404,
                                   answer=_ref("Token"))},
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "MotCua API", "version": "1",
             "description": "One-stop-shop dossiers of the province: catalogue, submission, tracking, tasks. "
                            "Every answer is described, errors as the envelope `Error`."},
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description":
                                       "an API token `ID.SECRET` (`motcua token USERNAME` or /account/tokens)"}},
        "parameters": {"lang": {"name": "lang", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": ["vi", "en"]},
                                "description": "the language of messages and status names (default vi)"}},
        "schemas": _SCHEMAS,
    },
    "paths": _PATHS,
}


# == The operations of the rooms built beside this description (issues 12–17), in their own words ==========
def _body(op: dict[str, Any], schema: str) -> dict[str, Any]:
    op["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return op


def _file(op: dict[str, Any], mimetype: str) -> dict[str, Any]:
    op["responses"]["200"]["content"] = {mimetype: {"schema": {"type": "string", "format": "binary"}}}
    return op



def _answer(op: dict[str, Any], schema: str) -> dict[str, Any]:
    """The operation with its 200 body described by a schema of NOTICE_SCHEMAS."""
    op["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return op

_VERDICT = {"type": "object", "required": ["status", "signed", "valid", "trusted", "intact"], "properties": {
    "status": {"type": "string", "enum": ["unsigned", "valid", "untrusted", "modified", "expired", "revoked"]},
    "label": {"type": "string", "description": "the status in words (?lang=en for English)"},
    "signed": {"type": "boolean"}, "valid": {"type": "boolean"}, "trusted": {"type": "boolean"},
    "intact": {"type": "boolean", "description": "false: modified after signing (the signature is broken)"},
    "signer": {"type": "string", "nullable": True}, "organisation": {"type": "string", "nullable": True},
    "issuer": {"type": "string", "nullable": True},
    "signed_at": {"type": "string", "format": "date-time", "nullable": True},
    "timestamped": {"type": "boolean"}, "revocation_checked": {"type": "boolean"},
    "signatures": {"type": "integer"},
    "issued_by_motcua": {"type": "boolean", "description": "a result MotCua handed over, validly signed"},
    "agency": {"type": "string", "nullable": True}, "agency_code": {"type": "string"},
    "dossier_code": {"type": "string", "nullable": True}}}


def _verify_op() -> dict[str, Any]:
    op = _op("Anyone checks the digital signature of a PDF (multipart field `file`, no token; throttled per "
             "address: 429 verify.too_many): intact, trusted, valid, who signed and when, and for a result "
             "MotCua handed over the agency and the dossier code", "200", 413, 422, 429, auth=False)
    op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    op["responses"]["200"]["content"] = {"application/json": {"schema": _VERDICT}}
    return op



OPENAPI["components"]["schemas"].update({
    "Indicators": {"type": "object", "properties": {
                "agency": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "total": {"type": "number", "nullable": True, "description": "out of 100; null: nothing applies"},
                "groups": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string"}, "name": {"type": "string"}, "max": {"type": "number"},
                    "score": {"type": "number", "nullable": True}}}},
                "indicators": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string", "description": "e.g. on_time_rate"}, "group": {"type": "string"},
                    "name": {"type": "string"}, "formula": {"type": "string"},
                    "source": {"type": "string", "description": "the criterion of Decision 766 / the regulation"},
                    "threshold": {"type": "number", "nullable": True}, "applicable": {"type": "boolean"},
                    "value": {"type": "number", "nullable": True, "description": "the rate, 0–1"},
                    "numerator": {"type": "integer", "nullable": True},
                    "denominator": {"type": "integer", "nullable": True},
                    "score": {"type": "number", "nullable": True}, "max": {"type": "number"},
                    "reason": {"type": "string", "nullable": True, "enum": ["not_held", "no_dossiers", None]},
                    "dossiers": {"type": "array", "items": {"type": "string"}},
                    "population": {"type": "array", "items": {"type": "string"}}}}},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                "ratings": {"type": "object", "additionalProperties": {"type": "integer"}},
                "average_rating": {"type": "number", "nullable": True},
                "count_dossiers": {"type": "object", "description": "the dossiers behind each count",
                                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
                "procedure": {"nullable": True, "description": "the procedure chosen (its code), or empty"}}},
})
_DASHBOARD = copy.deepcopy(OPENAPI["components"]["schemas"]["Indicators"])
_DASHBOARD["properties"].update({
    "year": {"type": "integer"}, "months": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "due_this_week": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "late_now": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "officers": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "procedures": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "ranking": {"type": "array", "items": {"type": "object", "additionalProperties": True}}})
OPENAPI["components"]["schemas"]["Dashboard"] = _DASHBOARD
OPENAPI["paths"].update({
        # issue 17: oversight (docs/reports.md)
        "/reports/indicators": {"get": _body(_op(
            "The Decision 766 indicators, group scores and total for an agency with the agencies below it "
            "(?agency=E-CODE, default the caller's; administrators: the province), ?from=&to= (default this year), "
            "?procedure=CODE", "200", 401, 403, 422), "Indicators")},
        "/reports/dashboard": {"get": _body(_op(
            "The dashboard's figures for ?agency=&year=&procedure=: the indicators plus the months, dossiers due "
            "this week and late now, each officer's open tasks, the ranking (province)", "200", 401, 403, 422),
            "Dashboard")},
        "/reports/annual.xlsx": {"get": _file(_op(
            "The annual report (R17.1) for ?agency=E-CODE&year=YYYY as an Excel workbook (Vietnamese headers)",
            "200", 401, 403, 422), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        "/reports/annual.pdf": {"get": _file(_op(
            "The annual report (R17.1) for ?agency=E-CODE&year=YYYY as a PDF (A4)", "200", 401, 403, 422),
            "application/pdf")},
        # Issue 14: digital signatures
        "/verify": {"post": _verify_op()},
        "/dossiers/{code}/result.pdf": {"parameters": [_CODE], "get": _op(
            "The result handed over online, signed by the agency (application/pdf, PAdES); for the applicant "
            "and the agencies that may see the dossier; 404 result.not_available before it exists",
            "200", 401, 404, 409)},
        # -- issue 15: notices and the national portal -----------------------------------------------------
        "/dossiers/{code}/notices": {"parameters": [_CODE], "get": _answer(_op(
            "The notices sent to the applicant about the dossier and their delivery states; officers also get "
            "the national portal sync state (null for the applicant)", "200", 401, 404), "DossierNotices")},
        "/dossiers/{code}/national": {"parameters": [_CODE], "get": _answer(_op(
            "Officers of the dossier and administrators: the local sync state and what the national portal "
            "holds (TraCuuHoSo); 403 national.officers_only, 422 national.unreachable", "200", 401, 403, 404,
            422), "NationalLookUp")},
        "/callbacks/{channel}": {
            "parameters": [{"name": "channel", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["sms", "zalo"]}}],
            "post": _answer(_op("A provider's delivery report (SMS gateway: header X-Signature, HMAC-SHA256 of "
                                "the body; Zalo: X-ZEvent-Signature). 404 when not genuine or about no message "
                                "of ours", "200", 404, auth=False), "Received")},
})


# -- issue 12: procedural acts and the operations console (docs/api.md) ---------------------------------
def _returns(op: dict[str, Any], ok: str, schema: dict[str, Any]) -> dict[str, Any]:
    op["responses"][ok]["content"] = {"application/json": {"schema": schema}}
    return op


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_REASON_TEXT = {"type": "string", "maxLength": 2000}
_WHEN = {"type": "string", "format": "date-time", "nullable": True}
OPENAPI["components"]["schemas"].update({
    "Transfer": {"type": "object", "required": ["agency", "reason"], "properties": {
        "agency": {"type": "string", "description": "e-code of the competent agency (it has an active reception "
                   "desk)"}, "reason": _REASON_TEXT}},
    "Transferred": {"type": "object", "properties": {
        "code": {"type": "string"}, "agency": {"type": "string"}, "agency_name": {"type": "string"},
        "status_code": {"type": "integer"}, "status": {"type": "string"}, "tasks_moved": {"type": "integer"}}},
    "ExtensionRequest": {"type": "object", "required": ["reason", "working_days"], "properties": {
        "reason": _REASON_TEXT, "working_days": {"type": "integer", "minimum": 1, "maximum": 60}}},
    "ExtensionDecision": {"type": "object", "required": ["approve"], "properties": {
        "approve": {"type": "boolean"}, "reason": {**_REASON_TEXT, "description": "required to refuse"}}},
    "Extension": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "working_days": {"type": "integer"}, "reason": {"type": "string"}, "requested_at": _WHEN,
        "requested_by": {"type": "string"}, "requested_by_name": {"type": "string"}, "decided_at": _WHEN,
        "decided_by": {"type": "string", "nullable": True}, "decision_reason": {"type": "string", "nullable": True},
        "due_before": _WHEN, "due_after": _WHEN}},
    "Withdrawal": {"type": "object", "properties": {"reason": {"type": "string", "maxLength": 1000}}},
    "Withdrawn": {"type": "object", "properties": {
        "code": {"type": "string"}, "status_code": {"type": "integer"}, "status": {"type": "string"},
        "withdrawal": {"type": "string", "enum": ["done", "requested"], "description": "done: before "
                       "acceptance, at once (status 7); requested: reception reviews it"},
        "request": {"type": "integer"}}},
    "WithdrawalReview": {"type": "object", "required": ["accept"], "properties": {
        "accept": {"type": "boolean"}, "reason": {**_REASON_TEXT, "description": "required to refuse"}}},
    "WithdrawalReviewed": {"type": "object", "properties": {
        "code": {"type": "string"}, "request": {"type": "integer"},
        "decision": {"type": "string", "enum": ["accepted", "refused"]}, "status_code": {"type": "integer"},
        "status": {"type": "string"}}},
    "SubstituteAppointment": {"type": "object", "required": ["officer", "substitute", "from", "to"], "properties": {
        "officer": {"type": "string", "description": "the absent officer's username (the caller, or for a leader "
                    "or agency administrator any officer of the agency)"},
        "substitute": {"type": "string"}, "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"}}},
    "Substitution": {"type": "object", "properties": {
        "id": {"type": "integer"}, "officer": {"type": "string"}, "officer_name": {"type": "string"},
        "substitute": {"type": "string"}, "substitute_name": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "ended_at": _WHEN}},
    "Substitutes": {"type": "object", "properties": {
        "appointments": _list("Substitution"),
        "offered": {"type": "array", "items": {"type": "object", "description": "a task held by an officer the "
                    "caller stands in for today (claim it with the task page's claim)"}},
        "colleagues": {"type": "array", "items": {"type": "object"}},
        "today": {"type": "string", "format": "date"}, "may_appoint_for_others": {"type": "boolean"},
        "officers": {"type": "array", "items": {"type": "object", "properties": {
            "username": {"type": "string"}, "full_name": {"type": "string"}}}}}},
    "ActReason": {"type": "object", "properties": {"reason": _REASON_TEXT}},
    "RunningDossiers": {"type": "object", "properties": {
        "groups": {"type": "array", "items": {"type": "object", "properties": {
            "procedure": {"type": "string"}, "version": {"type": "integer"}, "status_code": {"type": "integer"},
            "agency": {"type": "string"}, "count": {"type": "integer"}, "procedure_name": {"type": "string"},
            "agency_name": {"type": "string"}, "status": {"type": "string"}}}},
        "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "pages": {"type": "integer"}}},
    "DossierInside": {"type": "object", "properties": {
        "code": {"type": "string"}, "procedure": {"type": "string"}, "version": {"type": "integer"},
        "status_code": {"type": "integer"}, "running": {"type": "boolean"}, "suspended_at": _WHEN,
        "status": {"type": "string"}, "procedure_name": {"type": "string"}, "agency": {"type": "string"},
        "agency_name": {"type": "string"}, "received_at": _WHEN, "accepted_at": _WHEN, "due_at": _WHEN,
        "finished_at": _WHEN, "paused_at": _WHEN,
        "variables": {"type": "object"}, "tasks": {"type": "array", "items": {"type": "object"}},
        "timers": _list("TimerRow"), "messages": _list("Message"), "incidents": _list("IncidentRow")}},
    "TimerRow": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "element_id": {"type": "string"}, "due_at": _WHEN,
        "attempts": {"type": "integer"}, "last_error": {"type": "string", "nullable": True},
        "parked": {"type": "boolean"}}},
    "Message": {"type": "object", "properties": {
        "id": {"type": "integer"}, "channel": {"type": "string"}, "recipient": {"type": "string"},
        "subject": {"type": "string"}, "status": {"type": "string", "enum": ["pending", "sent", "failed"]},
        "attempts": {"type": "integer"}, "last_error": {"type": "string", "nullable": True},
        "created_at": _WHEN, "sent_at": _WHEN, "may_resend": {"type": "boolean"}}},
    "IncidentRow": {"type": "object", "properties": {
        "id": {"type": "integer"}, "at": _WHEN, "kind": {"type": "string", "description": "timer_failed, "
               "handler_failed, outbox.failed, …"}, "message": {"type": "string"},
        "dossier": {"type": "string", "nullable": True}, "resolved_at": _WHEN}},
})
_OPS = "/operations"
OPENAPI["paths"].update({
    "/dossiers/{code}/transfer": {"parameters": [_CODE], "post": _returns(_op(
        "Reception (or a leader) of the handling agency sends a dossier not yet accepted to the competent agency: "
        "the code and history stay, its open tasks go to that agency's queue, the applicant is told; 409 after "
        "acceptance", "200", 400, 401, 403, 404, 409, 422, body="Transfer"), "200", _ref("Transferred"))},
    "/dossiers/{code}/extensions": {
        "parameters": [_CODE],
        "get": _returns(_op("The dossier's extension requests, newest first (officers)", "200", 401, 403, 404),
                        "200", _list("Extension")),
        "post": _returns(_op("A specialist of the handling agency asks for more working days; the leaders are "
                             "e-mailed; 409 when one is pending, the dossier is not accepted, paused or closed",
                             "201", 400, 401, 403, 404, 409, 422, body="ExtensionRequest"), "201", _ref("Extension"))},
    "/dossiers/{code}/extensions/{id}/decision": {"parameters": [_CODE, _ID], "post": _returns(_op(
        "A leader approves (the appointment moves by the working days, the deadline timers and open tasks follow, "
        "the applicant gets the new date) or refuses with a reason; 409 when already decided",
        "200", 400, 401, 403, 404, 409, 422, body="ExtensionDecision"), "200", _ref("Extension"))},
    "/dossiers/{code}/withdrawal": {"parameters": [_CODE], "post": _returns(_op(
        "The applicant withdraws: before acceptance at once (status 7), after it a request reception reviews; "
        "409 when one is pending or the dossier can no longer be withdrawn", "200", 400, 401, 404, 409, 422,
        body="Withdrawal"), "200", _ref("Withdrawn"))},
    "/dossiers/{code}/withdrawal/review": {"parameters": [_CODE], "post": _returns(_op(
        "Reception accepts (status 7, the workflow cancelled) or refuses with a reason the applicant is told; "
        "409 when no request is pending", "200", 400, 401, 403, 404, 409, 422, body="WithdrawalReview"),
        "200", _ref("WithdrawalReviewed"))},
    "/substitutes": {
        "get": _returns(_op("The caller's substitutes: appointments, the tasks offered to the caller today, the "
                            "colleagues the caller may name", "200", 401, 403), "200", _ref("Substitutes")),
        "post": _returns(_op("Offer an officer's tasks to a colleague of the agency sharing a task role, from one "
                             "day to another", "201", 400, 401, 403, 422, body="SubstituteAppointment"),
                         "201", _ref("Substitution"))},
    "/substitutes/{id}/end": {"parameters": [_ID], "post": _returns(_op(
        "End an appointment early (the officer, the substitute, a leader or agency administrator); 409 when "
        "already ended", "200", 401, 403, 404, 409), "200", _ref("Substitution"))},
    f"{_OPS}/dossiers": {"get": _returns(_op(
        "Running dossiers by procedure × version × status × agency, and one page of them (?procedure, ?version, "
        "?status, ?agency, ?suspended=1, ?page); administrators, agency administrators for their agency",
        "200", 401, 403, 422), "200", _ref("RunningDossiers"))},
    f"{_OPS}/dossiers/{{code}}": {"parameters": [_CODE], "get": _returns(_op(
        "One dossier's inside: variables, open tasks, waiting timers, messages, incidents", "200", 401, 403, 404),
        "200", _ref("DossierInside"))},
    f"{_OPS}/incidents": {"get": _returns(_op("Incidents of every source, open ones (?all=1: resolved too)",
                                              "200", 401, 403), "200", _list("IncidentRow"))},
    f"{_OPS}/messages": {"get": _returns(_op("Outbox messages by ?status (default failed)", "200", 401, 403, 422),
                                         "200", _list("Message"))},
    f"{_OPS}/timers": {"get": _returns(_op("Timers parked after their last failed attempt", "200", 401, 403),
                                       "200", _list("TimerRow"))},
    f"{_OPS}/timers/{{id}}/retry": {"parameters": [_ID], "post": _returns(_op(
        "Arm a parked timer again (the next sweep fires it; its incidents are resolved); 409 when it is not "
        "parked", "200", 401, 403, 404, 409), "200", _ref("TimerRow"))},
    f"{_OPS}/messages/{{id}}/resend": {"parameters": [_ID], "post": _returns(_op(
        "Put a failed message back in the outbox (its incidents are resolved); 409 when it has not failed",
        "200", 401, 403, 404, 409), "200", _ref("Message"))},
    f"{_OPS}/dossiers/{{code}}/suspend": {"parameters": [_CODE], "post": _op(
        "Suspend a running dossier with a reason: no task completes (409 operations.dossier_suspended), no timer "
        "fires until resumed; 409 when closed or already suspended", "200", 400, 401, 403, 404, 409, 422,
        body="ActReason")},
    f"{_OPS}/dossiers/{{code}}/resume": {"parameters": [_CODE], "post": _op(
        "Resume a suspended dossier; 409 when it is not suspended", "200", 400, 401, 403, 404, 409,
        body="ActReason")},
    f"{_OPS}/dossiers/{{code}}/cancel": {"parameters": [_CODE], "post": _op(
        "Stop a running dossier for good with a reason (status 8; the workflow cancelled; the applicant told; "
        "paid fees flagged for refund); 409 when already closed", "200", 400, 401, 403, 404, 409, 422,
        body="ActReason")},
})


# -- payments (issue 13) -----------------------------------------------------------------------------
def _pay_answer(op: dict[str, Any], ok: str, schema: str) -> dict[str, Any]:
    op["responses"][ok] = {"description": "OK", "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{schema}"}}}}
    return op


_PDF = {"description": "the receipt", "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}
OPENAPI["components"]["schemas"].update({
    "PaymentStart": {"type": "object", "properties": {
        "channel": {"type": "string", "enum": ["vnpay"], "default": "vnpay"},
        "locale": {"type": "string", "enum": ["vn", "en"], "default": "vn"}}},
    "PaymentAttempt": {"type": "object", "properties": {
        "id": {"type": "integer"}, "code": {"type": "string"}, "channel": {"type": "string"},
        "txn_ref": {"type": "string", "description": "the order reference at the gateway, unique per attempt"},
        "amount_vnd": {"type": "integer"},
        "state": {"type": "string", "enum": ["created", "paid", "cancelled", "expired", "failed", "refunded"]},
        "pay_url": {"type": "string", "description": "the gateway's hosted page (signed); send the applicant there"},
        "transaction_no": {"type": "string", "nullable": True}, "paid_at": {"type": "string", "nullable": True}}},
    "Fee": {"type": "object", "properties": {
        "amount_vnd": {"type": "integer"}, "receipt_no": {"type": "string"},
        "method": {"type": "string", "enum": ["counter", "online", "transfer"]},
        "reference": {"type": "string", "nullable": True}, "paid_at": {"type": "string", "format": "date-time"},
        "received_by": {"type": "string", "nullable": True, "description": "the officer who recorded it"}}},
    "Payments": {"type": "object", "properties": {
        "code": {"type": "string"}, "fees_due": {"type": "integer"}, "fees_paid": {"type": "integer"},
        "fee": {"allOf": [{"$ref": "#/components/schemas/Fee"}], "nullable": True},
        "attempts": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentAttempt"}},
        "refund": {"type": "object", "nullable": True}, "online_available": {"type": "boolean"},
        "may_pay_online": {"type": "boolean"}, "may_record_transfer": {"type": "boolean"},
        "may_refund": {"type": "boolean"}, "refund_due": {"type": "boolean"},
        "may_propose_refund": {"type": "boolean"},
        "fees": {"type": "array", "description": "the catalogue's fees", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "amount_vnd": {"type": "integer"}, "note": {"type": "string"}}}}}},
    "PaymentTransfer": {"type": "object", "required": ["reference"], "properties": {
        "reference": {"type": "string", "maxLength": 80, "description": "the bank's or post office's reference"}}},
    "PaymentRefund": {"type": "object", "required": ["reason"],
               "properties": {"reason": {"type": "string", "maxLength": 500}}},
    "IpnAnswer": {"type": "object", "properties": {
        "RspCode": {"type": "string", "enum": ["00", "01", "02", "04", "97", "99"]}, "Message": {"type": "string"}}},
})
OPENAPI["paths"].update({
    "/dossiers/{code}/payments": {
        "parameters": [_CODE],
        "get": _pay_answer(_op("The dossier's fees: due, paid (with its receipt number), every online attempt, the "
                           "refund, and what the caller may do", "200", 401, 404), "200", "Payments"),
        "post": _keyed(_pay_answer(_op("The applicant starts paying online: a new attempt and the signed address of "
                                   "the gateway's hosted page (pay_url); 409 payment.already_paid, "
                                   "payment.nothing_due, payment.online_unavailable", "201", 400, 401, 403, 404,
                                   409, 422, body="PaymentStart"), "201", "PaymentAttempt"))},
    "/dossiers/{code}/payments/transfer": {"parameters": [_CODE], "post": _keyed(_pay_answer(_op(
        "Reception records the fees as paid by bank or postal transfer with its reference; an electronic "
        "receipt is numbered; 409 fee.already_paid", "200", 400, 401, 403, 404, 409, 422, body="PaymentTransfer"),
        "200", "Fee"))},
    "/dossiers/{code}/payments/refund/proposal": {"parameters": [_CODE], "post": _keyed(_op(
        "Reception proposes to refund the paid fee of a refused or stopped dossier (R8.6); the leaders are told; "
        "409 payment.refund_already_proposed, payment.refund_not_due", "200", 400, 401, 403, 404, 409, 422,
        body="PaymentRefund"))},
    "/dossiers/{code}/payments/refund": {"parameters": [_CODE], "post": _keyed(_op(
        "A leader approves the proposed refund (or refunds at once with a reason) and it is executed, once: "
        "online payments through the gateway's refund API; 409 payment.already_refunded, payment.refund_not_due",
        "200", 400, 401, 403, 404, 409, 422, body="PaymentRefund"))},
    "/dossiers/{code}/payments/receipt.pdf": {"parameters": [_CODE], "get": _op(
        "The electronic receipt (biên lai điện tử) of the paid fee, however paid (application/pdf); 404 "
        "payment.receipt_not_found while nothing is paid", "200", 401, 404) | {"responses": {
            "200": _PDF, "401": {"description": "error"}, "404": {"description": "error"}}}},
    "/payments/vnpay/ipn": {"get": _pay_answer(_op(
        "VNPay's IPN (server to server, the vnp_* parameters signed with the agency's secret): the only call "
        "that marks a payment paid. Answers RspCode 00 confirmed, 01 order not found, 02 already confirmed, "
        "04 invalid amount, 97 invalid signature, 99 other error (always HTTP 200, as VNPay expects)",
        "200", auth=False), "200", "IpnAnswer")},
    "/payments/vnpay/return": {"get": _pay_answer(_op(
        "Check a browser return from VNPay (the vnp_* parameters): what MotCua holds about the attempt; "
        "changes nothing (pending until the IPN); 404 when not signed by the gateway or not the caller's",
        "200", 401, 404), "200", "PaymentAttempt")},
})


_NATIONAL_STATE = {"type": "object", "properties": {
    "state": {"type": "string", "enum": ["off", "synchronised", "behind", "failing"]},
    "sent": {"type": "integer"}, "waiting": {"type": "integer"},
    "last_sent_at": {"type": "string", "format": "date-time", "nullable": True},
    "last_error": {"type": "string", "nullable": True}}}
NOTICE_SCHEMAS: dict[str, Any] = {
    "DossierNotices": {"type": "object", "properties": {
        "code": {"type": "string"},
        "messages": {"type": "array", "items": {"type": "object", "properties": {
            "channel": {"type": "string", "enum": ["email", "sms", "zalo"]}, "recipient": {"type": "string"},
            "subject": {"type": "string"}, "language": {"type": "string", "enum": ["vi", "en"]},
            "event": {"type": "string", "description": "submitted, receipt, supplement, refusal, apology, payment, "
                      "payment_confirmed, result_ready, handed_over, notice"},
            "state": {"type": "string", "enum": ["queued", "sent", "delivered", "failed"]},
            "attempts": {"type": "integer"}, "queued_at": {"type": "string", "format": "date-time"},
            "sent_at": {"type": "string", "format": "date-time", "nullable": True},
            "delivered_at": {"type": "string", "format": "date-time", "nullable": True}}}},
        "national": {**_NATIONAL_STATE, "nullable": True}}},
    "NationalLookUp": {"type": "object", "properties": {
        "code": {"type": "string"}, "local": _NATIONAL_STATE,
        "portal": {"type": "object", "nullable": True, "description": "the portal's DongBoHoSoMC record, with TienDo"},
        "agrees": {"type": "boolean", "nullable": True,
                   "description": "the portal's TrangThaiHoSo is the dossier's status (null when the portal is off)"}}},
    "Received": {"type": "object", "properties": {"received": {"type": "boolean"}}},
}
OPENAPI["components"]["schemas"].update(NOTICE_SCHEMAS)


def _complete(paths: dict[str, Any]) -> None:
    """Every operation answers what the doors can answer anywhere (the input gate's 400 and 422; 401 and
    403 behind a token; 413 with a body), however its entry above was written."""
    for item in paths.values():
        for method, op in item.items():
            if method == "parameters":
                continue
            statuses = {400, 422} | ({401, 403} if op.get("security", [{"bearer": []}]) else set()) | (
                {413} if "requestBody" in op else set())
            for status in sorted(statuses):
                op["responses"].setdefault(str(status), _ERROR | {"description": _REASONS.get(status, "refused")})
            for status, answer in op["responses"].items():
                if int(status) >= 400 and "content" not in answer:
                    answer["content"] = _ERROR["content"]



# -- issue 12 (h12a): counter and postal intake, dossier search, draft result, inbox, linking ----------------
_DESK_INTAKE = {"type": "object", "properties": {
    "received_via": {"type": "string", "enum": ["counter", "post"], "description":
                     "reception registers a dossier handed in at the counter or received by post for someone "
                     "without an account (then `applicant` is required and `declaration` is not asked)"},
    "applicant": {"type": "object", "required": ["id_number", "name", "phone"], "properties": {
        "id_number": {"type": "string", "pattern": "^([0-9]{9}|[0-9]{12})$"},
        "name": {"type": "string", "maxLength": 200}, "phone": {"type": "string"},
        "address": {"type": "string", "maxLength": 300}}},
    "papers_seen": {"type": "array", "items": {"type": "string"},
                    "description": "document keys seen on paper at the desk (count as present)"},
    "arrived_at": {"type": "string", "description": "post: local date or date-time of arrival; the time limit "
                   "counts from it"},
    "sender": {"type": "string", "maxLength": 300},
    "accept": {"type": "boolean", "description": "complete the intake task with 'accept' at once"},
    "checklist": {"type": "object", "additionalProperties": {"type": "boolean"}}}}
OPENAPI["components"]["schemas"]["Submission"]["properties"].update(_DESK_INTAKE["properties"])
OPENAPI["components"]["schemas"]["DossierState"].setdefault("properties", {}).update({
    "intake_task": _nullable(_TEXT | {"description": "counter/post: the intake task's id"}),
    "accepted": {"type": "boolean", "description": "counter/post with accept: whether it was accepted at once"},
    "acceptance_refusal": {"type": "object", "nullable": True, "additionalProperties": True,
                           "description": "why an immediate acceptance was refused (the error envelope's body)"},
    "links": {"type": "object", "properties": {"page": _TEXT, "form_01": _TEXT}}})
OPENAPI["components"]["schemas"].update({
    "FoundDossier": {"type": "object", "properties": {
        "code": _TEXT, "procedure": _TEXT, "procedure_name": _TEXT, "applicant": _TEXT, "status": _TEXT,
        "status_code": {"type": "integer"}, "channel": _TEXT, "received_at": _INSTANT,
        "due_at": _nullable(_INSTANT), "finished_at": _nullable(_INSTANT), "late": {"type": "boolean"},
        "finished": {"type": "boolean"}, "consulted": {"type": "boolean"}}},
    "FoundDossiers": {"type": "object", "properties": {
        "items": _list("FoundDossier"), "page": {"type": "integer"}, "pages": {"type": "integer"},
        "total": {"type": "integer"}, "per_page": {"type": "integer"}}},
    "DraftResult": {"type": "object", "properties": {
        "code": _TEXT, "attachment": {"type": "integer"}, "filename": _TEXT, "generated": {"type": "boolean"},
        "url": _TEXT}},
    "Notification": {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": _TEXT, "dossier": _nullable(_TEXT),
        "params": {"type": "object", "additionalProperties": True}, "created_at": _INSTANT,
        "read": {"type": "boolean"}}},
    "Inbox": {"type": "object", "properties": {
        "items": _list("Notification"), "page": {"type": "integer"}, "pages": {"type": "integer"},
        "total": {"type": "integer"}, "unread": {"type": "integer"}, "officer": {"type": "boolean"}}},
    "InboxRead": {"type": "object", "properties": {
        "ids": {"type": "array", "maxItems": 200, "items": {"type": "integer"}}, "all": {"type": "boolean"}}},
    "InboxMarked": {"type": "object", "properties": {"marked": {"type": "integer"}, "unread": {"type": "integer"}}},
    "Link": {"type": "object", "required": ["phone"], "properties": {"phone": _TEXT}},
    "DraftResultRequest": {"type": "object", "properties": {"generate": {"type": "boolean"}}},
})
OPENAPI["paths"]["/dossiers"]["get"] = _op(
    "Officers search the dossiers of their agency and those it was consulted on (finished ones included, "
    "diacritics ignored)", "200", 403, answer=_ref("FoundDossiers"),
    params=[_query("q", {"type": "string", "maxLength": 200}), _query("status", {"type": "integer"}),
            _query("procedure", {"type": "string", "maxLength": 40}), _query("from", _DAY), _query("to", _DAY),
            _query("page", {"type": "integer", "minimum": 1}),
            _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100})])
OPENAPI["paths"].update({
    "/dossiers/{code}/draft-result": {"parameters": [_CODE], "post": _op(
        "A specialist of the handling agency stores a new version of the draft result: JSON {\"generate\": true} "
        "builds it from the procedure's template and the dossier's data, multipart uploads the PDF as the file "
        "`draft`; on the leader's approval the latest draft becomes the result handed over", "201", 404, 409,
        body="DraftResultRequest", answer=_ref("DraftResult"))},
    "/inbox": {"get": _op("The caller's in-app notifications, newest first", "200", answer=_ref("Inbox"),
                          params=[_query("page", {"type": "integer", "minimum": 1}),
                                  _query("unread", {"type": "string", "enum": ["1"]})])},
    "/inbox/read": {"post": _op("Mark the caller's notifications read: {ids: [...]} or {all: true}", "200",
                                body="InboxRead", answer=_ref("InboxMarked"))},
    "/dossiers/{code}/link": {"parameters": [_CODE], "post": _op(
        "A citizen links a counter or postal dossier to the own account with the phone given at the desk; "
        "404 lookup.no_match for an unknown code, a wrong phone or a dossier already linked", "200", 404, 429,
        body="Link", answer=_ref("DossierState"))},
})



# -- issue 18: the access log's break-glass reason, and the applicant's own data ----------------------------
_REASON = _query("reason", {"type": "string", "maxLength": 500},
                 "why an administrator outside the dossier's agencies opens it (break-glass; logged)")
for _logged in ("/dossiers/{code}", "/dossiers/{code}/forms/{form_no}.pdf", "/dossiers/{code}/documents/{id}"):
    OPENAPI["paths"][_logged]["get"]["parameters"].append(_REASON)
OPENAPI["paths"]["/dossiers/{code}"]["get"]["summary"] += (
    "; an officer's or administrator's read is logged in its access log; an administrator outside its agencies "
    "gives ?reason= (break-glass) or gets 403 dossier.break_glass_reason")
OPENAPI["components"]["schemas"]["MyData"] = {"type": "object", "properties": {
    "exported_at": _INSTANT, "account": {"type": "object", "additionalProperties": True},
    "dossiers": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    "drafts": {"type": "array", "items": {"type": "object", "additionalProperties": True}}}}
OPENAPI["paths"]["/me/data"] = {"get": _op(
    "Everything held about the caller (account, own dossiers with files, notices, history and access log, "
    "drafts, consent records): Decree 13/2023's right of access", "200", answer=_ref("MyData"))}

# -- issue 18: consent records (processes/people/consent.py) -------------------------------------------------
_DECISION = {"type": "string", "enum": ["acknowledged", "granted", "withdrawn"]}
OPENAPI["components"]["schemas"].update({
    "ConsentRecord": {"type": "object", "required": ["purpose", "decision", "at", "door", "policy_version",
                                                     "dossier", "actor"], "properties": {
        "purpose": _TEXT, "decision": _DECISION, "at": _INSTANT,
        "door": {"type": "string", "description": "where it was decided: register, submission, api, privacy, "
                                                  "profile, preferences, desk, migration"},
        "policy_version": {"type": "string", "description": "a short hash of the statement shown"},
        "dossier": _nullable({"type": "string", "description": "the dossier a submission's notice came with"}),
        "actor": _TEXT}},
    "ConsentPurpose": {"type": "object", "required": [
        "purpose", "title", "statement", "recipients", "legal_basis", "optional", "policy_version", "state", "since",
        "current_version"], "properties": {
        "purpose": {"type": "string", "description": "processing, zalo_notices, profile_prefill"},
        "title": _TEXT, "statement": _TEXT, "recipients": _TEXT, "legal_basis": _TEXT,
        "optional": {"type": "boolean", "description": "false: processing by law, told but not consented to"},
        "policy_version": _TEXT, "state": _nullable(_DECISION), "since": _nullable(_INSTANT),
        "current_version": {"type": "boolean",
                            "description": "the latest decision was made on the statement shown now"}}},
    "Consents": {"type": "object", "required": ["purposes", "history"], "properties": {
        "purposes": {"type": "array", "items": _ref("ConsentPurpose")},
        "history": {"type": "array", "items": _ref("ConsentRecord")}}},
    "ConsentDecision": {"type": "object", "required": ["purpose", "decision"], "properties": {
        "purpose": {"type": "string", "maxLength": 40},
        "decision": {"type": "string", "enum": ["granted", "withdrawn"]}}},
})
OPENAPI["components"]["schemas"]["MyData"]["properties"]["consents"] = {
    "type": "array", "items": _ref("ConsentRecord")}
OPENAPI["paths"]["/me/consents"] = {
    "get": _op("The purposes the caller's personal data is processed for, each with its statement, recipients, "
               "legal basis and current state, and the history of every decision (Decree 13/2023)", "200",
               answer=_ref("Consents")),
    "post": _op("Grant or withdraw an optional purpose (zalo_notices, profile_prefill); withdrawing takes effect "
                "at once. 422 consent.purpose_unknown, consent.not_withdrawable (processing), "
                "consent.decision_unknown", "200", body="ConsentDecision", answer=_ref("Consents"))}


_complete(OPENAPI["paths"])


# The answers of the repairs, the refunds and the signed result, field by field.
_S = {"type": "string"}
OPENAPI["components"]["schemas"].update({
    "Suspension": {"type": "object", "additionalProperties": False, "required": ["code", "suspended_at"],
                   "properties": {"code": _S, "suspended_at": _nullable(_INSTANT)}},
    "Cancelled": {"type": "object", "additionalProperties": False, "required": ["code", "status_code", "status"],
                  "properties": {"code": _S, "status_code": {"type": "integer"}, "status": _S}},
    "RefundProposed": {"type": "object", "additionalProperties": False,
                       "required": ["code", "amount_vnd", "method", "state", "reason"], "properties": {
                           "code": _S, "amount_vnd": {"type": "integer"}, "method": _S,
                           "state": {"type": "string", "enum": ["proposed"]}, "reason": _S}},
    "Refunded": {"type": "object", "additionalProperties": False,
                 "required": ["code", "amount_vnd", "method", "reason", "refunded_at"], "properties": {
                     "code": _S, "amount_vnd": {"type": "integer"}, "method": _S,
                     "gateway_ref": _nullable(_S), "reason": _S, "refunded_at": _INSTANT}},
})
for _path_name, _method, _schema in (
        (f"{_OPS}/dossiers/{{code}}/suspend", "post", "Suspension"),
        (f"{_OPS}/dossiers/{{code}}/resume", "post", "Suspension"),
        (f"{_OPS}/dossiers/{{code}}/cancel", "post", "Cancelled"),
        ("/dossiers/{code}/payments/refund/proposal", "post", "RefundProposed"),
        ("/dossiers/{code}/payments/refund", "post", "Refunded")):
    OPENAPI["paths"][_path_name][_method]["responses"]["200"]["content"] = _json(_ref(_schema))
OPENAPI["paths"]["/dossiers/{code}/result.pdf"]["get"]["responses"]["200"]["content"] = {
    "application/pdf": {"schema": _BINARY}}
_complete(OPENAPI["paths"])
