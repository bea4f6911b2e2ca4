"""`POST /api/v1/dossiers/CODE/apology`: the leader's apology-and-new-date letter (form 04) for a late
dossier (docs/api.md). Parse, call processes.desk.apology, render."""
from __future__ import annotations

from datetime import datetime

from flask import Response, g, jsonify

from processes.desk import apology
from processes.errors import Invalid
from web.api import bp
from web.api.dossiers import json_body
from web.auth import require_token
from web.context import services


@bp.post("/dossiers/<code>/apology")
@require_token
def issue(code: str) -> Response:
    body = json_body()
    raw = body.get("new_due")
    try:
        new_due = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        new_due = None
    if new_due is None or new_due.tzinfo is None:
        raise Invalid("apology.new_due_required", "new_due")
    return jsonify(apology.issue_apology(services(), g.username, code, new_due, body.get("reason", "")))
