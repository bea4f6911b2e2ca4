"""Procedural acts (issue 12) and the operations console through `/api/v1` (docs/api.md): transfer,
extension request and decision, the applicant's withdrawal and its review, substitutes; the console's
lists and repairs. Parse, call one use case, render; refusals leave through web.errors."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response, g, jsonify, request

from processes.acts import extension, substitutes, transfer, withdrawal
from processes.errors import Invalid
from processes.operations import console
from processes.submission import portal_dossiers
from web.api import bp
from web.api.dossiers import json_body
from web.auth import require_token
from web.context import services


def _plain(value: Any) -> Any:
    """Instants and days as ISO 8601 text, inside lists and objects."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _json(value: Any, status: int = 200) -> tuple[Response, int]:
    return jsonify(_plain(value)), status


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid("must_be_text", name)
    return value


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise Invalid("must_be_boolean", name)
    return value


# -- procedural acts --------------------------------------------------------------------------------
@bp.post("/dossiers/<code>/transfer")
@require_token
def transfer_dossier(code: str) -> Any:
    body = json_body()
    return _json(transfer.transfer_dossier(services(), g.username, code, _text(body, "agency"),
                                           _text(body, "reason")))


@bp.get("/dossiers/<code>/extensions")
@require_token
def extensions(code: str) -> Any:
    return _json(extension.list_extensions(services(), g.username, code))


@bp.post("/dossiers/<code>/extensions")
@require_token
def request_extension(code: str) -> Any:
    body = json_body()
    return _json(extension.request_extension(services(), g.username, code, _text(body, "reason"),
                                             body.get("working_days")), 201)


@bp.post("/dossiers/<code>/extensions/<int:request_id>/decision")
@require_token
def decide_extension(code: str, request_id: int) -> Any:
    body = json_body()
    return _json(extension.decide_extension(services(), g.username, code, request_id, _flag(body, "approve"),
                                            _text(body, "reason")))


@bp.post("/dossiers/<code>/withdrawal")
@require_token
def withdraw(code: str) -> Any:
    """The applicant's withdrawal: at once before acceptance, else a request reception reviews."""
    return _json(portal_dossiers.withdraw_dossier(services(), g.username, code, _text(json_body(), "reason")))


@bp.post("/dossiers/<code>/withdrawal/review")
@require_token
def review_withdrawal(code: str) -> Any:
    body = json_body()
    return _json(withdrawal.review_withdrawal(services(), g.username, code, _flag(body, "accept"),
                                              _text(body, "reason")))


@bp.get("/substitutes")
@require_token
def my_substitutes() -> Any:
    return _json(substitutes.my_substitutions(services(), g.username))


@bp.post("/substitutes")
@require_token
def appoint_substitute() -> Any:
    body = json_body()
    return _json(substitutes.appoint_substitute(services(), g.username, _text(body, "officer"),
                                                _text(body, "substitute"), body.get("from"), body.get("to")), 201)


@bp.post("/substitutes/<int:substitution_id>/end")
@require_token
def end_substitute(substitution_id: int) -> Any:
    return _json(substitutes.end_substitution(services(), g.username, substitution_id))


# -- the operations console -------------------------------------------------------------------------
def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Invalid("must_be_number", name) from None


@bp.get("/operations/dossiers")
@require_token
def running() -> Any:
    a = request.args
    return _json(console.running_dossiers(services(), g.username, a.get("procedure", ""), _int_arg("version"),
                                          _int_arg("status"), a.get("agency", ""), a.get("suspended") == "1",
                                          _int_arg("page") or 1))


@bp.get("/operations/dossiers/<code>")
@require_token
def inspect(code: str) -> Any:
    return _json(console.inspect_dossier(services(), g.username, code))


@bp.get("/operations/incidents")
@require_token
def incidents() -> Any:
    return _json(console.list_incidents(services(), g.username, request.args.get("all") == "1"))


@bp.get("/operations/messages")
@require_token
def messages() -> Any:
    return _json(console.list_messages(services(), g.username, request.args.get("status", "failed")))


@bp.get("/operations/timers")
@require_token
def parked_timers() -> Any:
    return _json(console.list_parked_timers(services(), g.username))


@bp.post("/operations/timers/<int:timer_id>/retry")
@require_token
def retry_timer(timer_id: int) -> Any:
    return _json(console.retry_timer(services(), g.username, timer_id))


@bp.post("/operations/messages/<int:message_id>/resend")
@require_token
def resend_message(message_id: int) -> Any:
    return _json(console.resend_message(services(), g.username, message_id))


@bp.post("/operations/dossiers/<code>/suspend")
@require_token
def suspend(code: str) -> Any:
    return _json(console.suspend_dossier(services(), g.username, code, _text(json_body(), "reason")))


@bp.post("/operations/dossiers/<code>/resume")
@require_token
def resume(code: str) -> Any:
    return _json(console.resume_dossier(services(), g.username, code, _text(json_body(), "reason")))


@bp.post("/operations/dossiers/<code>/cancel")
@require_token
def cancel(code: str) -> Any:
    return _json(console.cancel_dossier(services(), g.username, code, _text(json_body(), "reason")))
