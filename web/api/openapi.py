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
        "/dossiers": {"post": _keyed(_op("Submit a dossier (JSON, or multipart with payload + documents.<key>)",
                                         "201", 400, 401, 403, 404, 413, 422, body="Submission"))},
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
    },
}


# -- payments (issue 13) -----------------------------------------------------------------------------
def _answer(op: dict[str, Any], ok: str, schema: str) -> dict[str, Any]:
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
        "reference": {"type": "string", "nullable": True}, "paid_at": {"type": "string", "format": "date-time"}}},
    "Payments": {"type": "object", "properties": {
        "code": {"type": "string"}, "fees_due": {"type": "integer"}, "fees_paid": {"type": "integer"},
        "fee": {"allOf": [{"$ref": "#/components/schemas/Fee"}], "nullable": True},
        "attempts": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentAttempt"}},
        "refund": {"type": "object", "nullable": True}, "online_available": {"type": "boolean"},
        "may_pay_online": {"type": "boolean"}, "may_record_transfer": {"type": "boolean"},
        "may_refund": {"type": "boolean"}, "refund_due": {"type": "boolean"}}},
    "Transfer": {"type": "object", "required": ["reference"], "properties": {
        "reference": {"type": "string", "maxLength": 80, "description": "the bank's or post office's reference"}}},
    "Refund": {"type": "object", "required": ["reason"],
               "properties": {"reason": {"type": "string", "maxLength": 500}}},
    "IpnAnswer": {"type": "object", "properties": {
        "RspCode": {"type": "string", "enum": ["00", "01", "02", "04", "97", "99"]}, "Message": {"type": "string"}}},
})
OPENAPI["paths"].update({
    "/dossiers/{code}/payments": {
        "parameters": [_CODE],
        "get": _answer(_op("The dossier's fees: due, paid (with its receipt number), every online attempt, the "
                           "refund, and what the caller may do", "200", 401, 404), "200", "Payments"),
        "post": _keyed(_answer(_op("The applicant starts paying online: a new attempt and the signed address of "
                                   "the gateway's hosted page (pay_url); 409 payment.already_paid, "
                                   "payment.nothing_due, payment.online_unavailable", "201", 400, 401, 403, 404,
                                   409, 422, body="PaymentStart"), "201", "PaymentAttempt"))},
    "/dossiers/{code}/payments/transfer": {"parameters": [_CODE], "post": _keyed(_answer(_op(
        "Reception records the fees as paid by bank or postal transfer with its reference; an electronic "
        "receipt is numbered; 409 fee.already_paid", "200", 400, 401, 403, 404, 409, 422, body="Transfer"),
        "200", "Fee"))},
    "/dossiers/{code}/payments/refund/proposal": {"parameters": [_CODE], "post": _keyed(_op(
        "Reception proposes to refund the paid fee of a refused or stopped dossier (R8.6); the leaders are told; "
        "409 payment.refund_already_proposed, payment.refund_not_due", "200", 400, 401, 403, 404, 409, 422,
        body="Refund"))},
    "/dossiers/{code}/payments/refund": {"parameters": [_CODE], "post": _keyed(_op(
        "A leader approves the proposed refund (or refunds at once with a reason) and it is executed, once: "
        "online payments through the gateway's refund API; 409 payment.already_refunded, payment.refund_not_due",
        "200", 400, 401, 403, 404, 409, 422, body="Refund"))},
    "/dossiers/{code}/payments/receipt.pdf": {"parameters": [_CODE], "get": _op(
        "The electronic receipt (biên lai điện tử) of the paid fee, however paid (application/pdf); 404 "
        "payment.receipt_not_found while nothing is paid", "200", 401, 404) | {"responses": {
            "200": _PDF, "401": {"description": "error"}, "404": {"description": "error"}}}},
    "/payments/vnpay/ipn": {"get": _answer(_op(
        "VNPay's IPN (server to server, the vnp_* parameters signed with the agency's secret): the only call "
        "that marks a payment paid. Answers RspCode 00 confirmed, 01 order not found, 02 already confirmed, "
        "04 invalid amount, 97 invalid signature, 99 other error (always HTTP 200, as VNPay expects)",
        "200", auth=False), "200", "IpnAnswer")},
    "/payments/vnpay/return": {"get": _answer(_op(
        "Check a browser return from VNPay (the vnp_* parameters): what MotCua holds about the attempt; "
        "changes nothing (pending until the IPN); 404 when not signed by the gateway or not the caller's",
        "200", 401, 404), "200", "PaymentAttempt")},
})
