"""The API description served at /api/v1/openapi.json."""
from __future__ import annotations

from typing import Any

_ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, ok: str, *errors: int, body: str | None = None, auth: bool = True) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary,
                          "responses": {ok: {"description": "OK"},
                                        **{str(e): {"description": "error", "content": {
                                            "application/json": {"schema": _ERROR}}} for e in errors}}}
    if auth:
        op["security"] = [{"bearer": []}]
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{body}"}}, "multipart/form-data": {
            "schema": {"type": "object", "properties": {"payload": {"type": "string"}}}}}}
    return op


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
                "description": "a repeat with the same key and request returns the first answer and does nothing "
                               "again; the same key with another request is 422 idempotency.key_reused"}


def _keyed(op: dict[str, Any]) -> dict[str, Any]:
    return op | {"parameters": [_IDEMPOTENCY]}

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "MotCua API", "version": "1",
             "description": "One-stop-shop dossiers of the province: catalogue, submission, tracking, tasks."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string", "description": "a stable code, e.g. desk.refusal_reason_required"},
                "message": {"type": "string"}, "field": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
            "Submission": {"type": "object", "required": ["procedure", "form", "declaration"], "properties": {
                "procedure": {"type": "string"}, "form": {"type": "object"},
                "channel": {"type": "string", "enum": ["counter", "post", "online"], "description":
                            "how the result is handed over (default counter); a level-3 procedure hands it "
                            "over at the desk only: post or online is refused (422 submission.channel_desk_only)"},
                "agency": {"type": "string", "description": "e-code of the handling agency"},
                "declaration": {"type": "boolean", "enum": [True], "description":
                                "the applicant declares the information true and answers for it; required "
                                "(422 dossier.declaration_required otherwise)"}},
                "description": "Every required document of the catalogue is attached (multipart "
                               "documents.<key>), else 422 submission.document_required naming it."},
            "DeskIntake": {"type": "object", "required": ["procedure", "form", "received_via", "applicant"],
                           "description": "A counter or postal dossier registered by reception (issue 12); the "
                                          "Submission's fields without the declaration, plus these. 201 answers "
                                          "{code, status, status_code, intake_task, accepted, "
                                          "acceptance_refusal, links}.",
                           "properties": {
                "received_via": {"type": "string", "enum": ["counter", "post"]},
                "applicant": {"type": "object", "required": ["id_number", "name", "phone"], "properties": {
                    "id_number": {"type": "string", "pattern": "^([0-9]{9}|[0-9]{12})$"},
                    "name": {"type": "string", "maxLength": 200}, "phone": {"type": "string"},
                    "address": {"type": "string", "maxLength": 300}}},
                "papers_seen": {"type": "array", "items": {"type": "string"}, "description":
                                "document keys seen on paper at the desk (count as present)"},
                "arrived_at": {"type": "string", "description": "post: local date or date-time of arrival; the "
                               "time limit counts from it"},
                "sender": {"type": "string", "maxLength": 300},
                "accept": {"type": "boolean", "description": "complete the intake task with 'accept' at once"},
                "checklist": {"type": "object", "additionalProperties": {"type": "boolean"}}}},
            "Link": {"type": "object", "required": ["phone"], "properties": {"phone": {"type": "string"}}},
            "Supplement": {"type": "object", "properties": {"form": {"type": "object"}}},
            "Completion": {"type": "object", "required": ["data"], "properties": {
                "data": {"type": "object", "description": "the task form's values; a refuse or return "
                         "decision needs its reasons in the form's note (422 desk.refusal_reason_required)"},
                "checklist": {"type": "object", "additionalProperties": {"type": "boolean"}, "description":
                              "intake: document key -> checked present and valid; accepting needs every "
                              "required document (422 desk.checklist_required, desk.document_not_checked)"},
                "delivery": {"$ref": "#/components/schemas/Delivery"}}},
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
                "receipt_no": {"type": "string", "maxLength": 60}}},
            "CalendarOverride": {"type": "object", "required": ["day", "kind"], "properties": {
                "day": {"type": "string", "format": "date", "description": "2000-01-01 to 2100-12-31"},
                "kind": {"type": "string", "enum": ["day_off", "working_day"]},
                "note": {"type": "string", "maxLength": 300}}},
            "Apology": {"type": "object", "required": ["new_due", "reason"], "properties": {
                "new_due": {"type": "string", "format": "date-time", "description": "with its UTC offset"},
                "reason": {"type": "string", "maxLength": 2000}}},
        },
    },
    "paths": {
        "/procedures": {"get": _op("The public catalogue", "200", auth=False)},
        "/dossiers": {
            "post": _keyed(_op("Submit a dossier (JSON, or multipart with payload + documents.<key>); with "
                               "received_via, reception registers a counter or postal dossier for an applicant "
                               "without an account (DeskIntake)", "201", 400, 401, 403, 404, 413, 422,
                               body="Submission")),
            "get": _op("Officers search the dossiers of their agency and those it was consulted on (finished ones "
                       "included, diacritics ignored): q, status, procedure, from, to, page, per_page; answers "
                       "{items, page, pages, total, per_page}", "200", 401, 403, 422)
            | {"parameters": [{"name": n, "in": "query", "required": False, "schema": {"type": t}}
                              for n, t in (("q", "string"), ("status", "integer"), ("procedure", "string"),
                                           ("from", "string"), ("to", "string"), ("page", "integer"),
                                           ("per_page", "integer"))]}},
        "/dossiers/{code}/draft-result": {"parameters": [_CODE], "post": _op(
            "A specialist of the handling agency stores a new version of the draft result: JSON "
            "{\"generate\": true} builds it from the procedure's template and the dossier's data, multipart "
            "uploads the PDF as the file draft; answers 201 {code, attachment, filename, generated, url}; "
            "on the leader's approval the latest draft becomes the result handed over",
            "201", 400, 401, 403, 404, 409, 413, 422)},
        "/inbox": {"get": _op("The caller's in-app notifications, newest first (?page=, ?unread=1): {items: [{id, "
                              "kind, dossier, params, created_at, read}], page, pages, total, unread}", "200", 401)},
        "/inbox/read": {"post": _op("Mark the caller's notifications read: {ids: [...]} or {all: true}; answers "
                                    "{marked, unread}", "200", 400, 401, 422)},
        "/dossiers/{code}/link": {"parameters": [_CODE], "post": _op(
            "A citizen links a counter or postal dossier to the own account with the phone given at the desk; "
            "404 lookup.no_match for an unknown code, a wrong phone or a dossier already linked", "200", 401, 403,
            404, 422, 429, body="Link")},
        "/dossiers/{code}": {"parameters": [_CODE], "get": _op("One dossier", "200", 401, 404)},
        "/dossiers/{code}/diagram.svg": {"parameters": [_CODE], "get": _op(
            "The dossier's diagram (image/svg+xml), its done, active and overdue steps marked; ?lang=en for an "
            "English legend; 422 diagram_unavailable when the diagram has no layout", "200", 401, 404, 422)},
        "/dossiers/{code}/supplement": {"parameters": [_CODE], "post": _op(
            "Answer a supplement request", "200", 400, 401, 403, 404, 409, 413, 422, body="Supplement")},
        "/dossiers/{code}/fees": {"parameters": [_CODE], "post": _keyed(_op(
            "Reception records the catalogue's fees as paid at the counter, with the receipt number; 409 "
            "when already paid", "200", 400, 401, 403, 404, 409, 422, body="FeePaid"))},
        "/tasks": {"get": _op("The caller's open user tasks, each with its desk step; intake tasks list the "
                              "checklist, delivery tasks the result channel and the fee still due", "200", 401)},
        "/tasks/{id}/complete": {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "post": _keyed(_op("Complete a user task: the same use case and rules as the task page and `motcua "
                               "tasks complete` (JSON, or multipart with payload + the file result for an online "
                               "hand-over)", "200", 400, 401, 403, 404, 409, 422, body="Completion"))},
        "/dossiers/{code}/forms/{form_no}.pdf": {
            "parameters": [_CODE, {"name": "form_no", "in": "path", "required": True,
                                   "schema": {"type": "string", "enum": ["01", "02", "03", "04", "05"]}}],
            "get": _op("A printable one-stop form of the dossier, numbered as Circular 01/2018/TT-VPCP "
                       "numbers them (application/pdf, A5): 01 receipt and appointment, 02 supplement "
                       "request, 03 refusal, 04 apology and new date, 05 process-control sheet; 404 where it "
                       "does not apply. The former numbers answer 308: 06 to 05, 07 to /forms/06.pdf",
                       "200", 401, 404, 422)},
        "/dossiers/{code}/documents/{id}": {
            "parameters": [_CODE, {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": _op("A document of the dossier, its SHA-256 verified; 409 document_damaged when it no longer "
                       "matches (never served, audited)", "200", 401, 404, 409)},
        "/forms/06.pdf": {
            "parameters": [{"name": n, "in": "query", "required": True, "schema": {"type": "string", "format": "date"}}
                           for n in ("from", "to")],
            "get": _op("Form 06: the register of dossiers of the caller's agency for a period "
                       "(application/pdf, A4); the former /register.pdf answers 308 to it",
                       "200", 401, 403, 422)},
        "/calendar/overrides": {
            "get": _op("The administrators' extra days off and make-up working days (?year=YYYY), each with what "
                       "the calendar says without it", "200", 401, 403, 422),
            "post": _op("Add a day off or a make-up working day; 409 when the date is already listed (a date "
                        "is never both), 422 for a bad date (2000–2100) or kind", "201", 400, 401, 403, 409, 422,
                        body="CalendarOverride")},
        "/calendar/overrides/{day}": {
            "parameters": [{"name": "day", "in": "path", "required": True,
                            "schema": {"type": "string", "format": "date"}}],
            "delete": _op("Remove the entry of a date", "200", 401, 403, 404, 422)},
        "/dossiers/{code}/apology": {"parameters": [_CODE], "post": _op(
            "A leader's apology-and-new-date letter (form 04) for a late dossier: moves the appointment; 409 "
            "when the dossier is not late or is finished", "200", 400, 401, 403, 404, 409, 422, body="Apology")},
    },
}
