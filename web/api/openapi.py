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
            "title": _TEXT, "body": _TEXT}}}}},
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
