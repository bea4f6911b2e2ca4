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


def _body(op: dict[str, Any], schema: str) -> dict[str, Any]:
    op["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return op


def _file(op: dict[str, Any], mimetype: str) -> dict[str, Any]:
    op["responses"]["200"]["content"] = {mimetype: {"schema": {"type": "string", "format": "binary"}}}
    return op


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_IDEMPOTENCY = {"name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
                "description": "a repeat with the same key and request returns the first answer and does nothing "
                               "again; the same key with another request is 422 idempotency.key_reused"}


def _keyed(op: dict[str, Any]) -> dict[str, Any]:
    return op | {"parameters": [_IDEMPOTENCY]}


def _answer(op: dict[str, Any], schema: str) -> dict[str, Any]:
    """The operation with its 200 body described by a schema of NOTICE_SCHEMAS."""
    op["responses"]["200"]["content"] = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
    return op

OPENAPI: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "MotCua API", "version": "1",
             "description": "One-stop-shop dossiers of the province: catalogue, submission, tracking, tasks."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Indicators": {"type": "object", "properties": {
                "agency": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
                "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                "total": {"type": "number", "nullable": True, "description": "out of 100; null: nothing applies"},
                "groups": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string"}, "name": {"type": "string"}, "max": {"type": "number"},
                    "score": {"type": "number", "nullable": True}}}},
                "indicators": {"type": "array", "items": {"type": "object", "properties": {
                    "key": {"type": "string", "description": "e.g. on_time_rate"}, "group": {"type": "string"},
                    "value": {"type": "number", "nullable": True, "description": "the rate, 0–1"},
                    "numerator": {"type": "integer", "nullable": True},
                    "denominator": {"type": "integer", "nullable": True},
                    "score": {"type": "number", "nullable": True}, "max": {"type": "number"},
                    "reason": {"type": "string", "nullable": True, "enum": ["not_held", "no_dossiers", None]},
                    "dossiers": {"type": "array", "items": {"type": "string"}},
                    "population": {"type": "array", "items": {"type": "string"}}}}},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                "ratings": {"type": "object", "additionalProperties": {"type": "integer"}}}},
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
        # issue 17: oversight (docs/reports.md)
        "/reports/indicators": {"get": _body(_op(
            "The Decision 766 indicators, group scores and total for an agency with the agencies below it "
            "(?agency=E-CODE, default the caller's; administrators: the province), ?from=&to= (default this year), "
            "?procedure=CODE", "200", 401, 403, 422), "Indicators")},
        "/reports/dashboard": {"get": _body(_op(
            "The dashboard's figures for ?agency=&year=&procedure=: the indicators plus the months, dossiers due "
            "this week and late now, each officer's open tasks, the ranking (province)", "200", 401, 403, 422),
            "Indicators")},
        "/reports/annual.xlsx": {"get": _file(_op(
            "The annual report (R17.1) for ?agency=E-CODE&year=YYYY as an Excel workbook (Vietnamese headers)",
            "200", 401, 403, 422), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        "/reports/annual.pdf": {"get": _file(_op(
            "The annual report (R17.1) for ?agency=E-CODE&year=YYYY as a PDF (A4)", "200", 401, 403, 422),
            "application/pdf")},
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
    },
}


# -- issue 12: procedural acts and the operations console (docs/api.md) ---------------------------------
def _returns(op: dict[str, Any], ok: str, schema: dict[str, Any]) -> dict[str, Any]:
    op["responses"][ok]["content"] = {"application/json": {"schema": schema}}
    return op


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _list(name: str) -> dict[str, Any]:
    return {"type": "array", "items": _ref(name)}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TEXT = {"type": "string", "maxLength": 2000}
_WHEN = {"type": "string", "format": "date-time", "nullable": True}
OPENAPI["components"]["schemas"].update({
    "Transfer": {"type": "object", "required": ["agency", "reason"], "properties": {
        "agency": {"type": "string", "description": "e-code of the competent agency (it has an active reception "
                   "desk)"}, "reason": _TEXT}},
    "Transferred": {"type": "object", "properties": {
        "code": {"type": "string"}, "agency": {"type": "string"}, "agency_name": {"type": "string"},
        "status_code": {"type": "integer"}, "status": {"type": "string"}, "tasks_moved": {"type": "integer"}}},
    "ExtensionRequest": {"type": "object", "required": ["reason", "working_days"], "properties": {
        "reason": _TEXT, "working_days": {"type": "integer", "minimum": 1, "maximum": 60}}},
    "ExtensionDecision": {"type": "object", "required": ["approve"], "properties": {
        "approve": {"type": "boolean"}, "reason": {**_TEXT, "description": "required to refuse"}}},
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
        "accept": {"type": "boolean"}, "reason": {**_TEXT, "description": "required to refuse"}}},
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
        "colleagues": {"type": "array", "items": {"type": "object"}}}},
    "Reason": {"type": "object", "properties": {"reason": _TEXT}},
    "RunningDossiers": {"type": "object", "properties": {
        "groups": {"type": "array", "items": {"type": "object", "properties": {
            "procedure": {"type": "string"}, "version": {"type": "integer"}, "status_code": {"type": "integer"},
            "agency": {"type": "string"}, "count": {"type": "integer"}}}},
        "items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"},
        "page": {"type": "integer"}, "pages": {"type": "integer"}}},
    "DossierInside": {"type": "object", "properties": {
        "code": {"type": "string"}, "procedure": {"type": "string"}, "version": {"type": "integer"},
        "status_code": {"type": "integer"}, "running": {"type": "boolean"}, "suspended_at": _WHEN,
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
        "may_resend": {"type": "boolean"}}},
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
        body="Reason")},
    f"{_OPS}/dossiers/{{code}}/resume": {"parameters": [_CODE], "post": _op(
        "Resume a suspended dossier; 409 when it is not suspended", "200", 400, 401, 403, 404, 409,
        body="Reason")},
    f"{_OPS}/dossiers/{{code}}/cancel": {"parameters": [_CODE], "post": _op(
        "Stop a running dossier for good with a reason (status 8; the workflow cancelled; the applicant told; "
        "paid fees flagged for refund); 409 when already closed", "200", 400, 401, 403, 404, 409, 422,
        body="Reason")},
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
