"""`/api/v1/me/consents` (issue 18, Decree 13/2023/NĐ-CP): the caller's purposes of processing with their
state and history, and a decision about an optional one (`{"purpose", "decision": "granted" | "withdrawn"}`).
The rules are processes.people.consent's, the same as the privacy page's; texts in the caller's language."""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from processes.errors import Invalid
from processes.people import consent
from web.api import bp
from web.api.dossiers import json_body
from web.auth import require_token
from web.context import services
from web.i18n import gettext

TEXTS = ("title", "statement", "recipients", "legal_basis")


def _shown(state: dict[str, Any]) -> dict[str, Any]:
    return state | {"purposes": [p | {k: gettext(p[k]) for k in TEXTS} for p in state["purposes"]]}


@bp.get("/me/consents")
@require_token
def my_consents() -> Response:
    return jsonify(_shown(consent.my_consents(services(), g.username)))


@bp.post("/me/consents")
@require_token
def decide() -> Response:
    body = json_body()
    purpose, decision = body.get("purpose"), body.get("decision")
    if not isinstance(purpose, str):
        raise Invalid("must_be_text", "purpose")
    if not isinstance(decision, str):
        raise Invalid("must_be_text", "decision")
    return jsonify(_shown(consent.decide_consent(services(), g.username, purpose, decision, "api")))
