"""`/api/v1/tokens`: the caller's own API tokens — list them, revoke one (docs/api.md). A token is
made on the account page or by the operator (`motcua token`); routes call processes.people.sessions."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Response, g, jsonify

from processes.people import sessions
from processes.people.my_data import my_data
from web.api import bp
from web.auth import require_token
from web.context import services


def _json(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items() if k != "token"}


@bp.get("/tokens")
@require_token
def list_tokens() -> Response:
    return jsonify([{**_json(t), "current": t["id"] == g.token_id}
                    for t in sessions.list_tokens(services(), g.username)])


@bp.delete("/tokens/<token_id>")
@require_token
def revoke(token_id: str) -> Response:
    return jsonify(_json(sessions.revoke_token(services(), g.username, token_id)))


@bp.get("/me/data")
@require_token
def my_data_export() -> Response:
    """Everything held about the caller (Decree 13/2023: the right of access), as one JSON document."""
    return jsonify(my_data(services(), g.username))
