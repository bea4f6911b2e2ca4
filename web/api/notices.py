"""Notices (issue 15): the providers' delivery reports (`POST /api/v1/callbacks/sms`, `/callbacks/zalo`,
signed by the provider, no log-in), a dossier's notices and their delivery states
(`GET /api/v1/dossiers/CODE/notices`) and the national portal look-up (`GET /api/v1/dossiers/CODE/national`)."""
from __future__ import annotations

from flask import Response, abort, g, jsonify, request

from processes.notices import deliveries
from web.api import bp
from web.auth import require_token
from web.context import services


@bp.post("/callbacks/<any(sms, zalo):channel>")
def delivery_report(channel: str) -> Response:
    raw = request.get_data(cache=True)
    if not deliveries.record_delivery_report(services(), channel, raw, dict(request.headers)):
        abort(404)  # not genuine, or about no message of ours: nothing to say
    return jsonify({"received": True})


@bp.get("/dossiers/<code>/notices")
@require_token
def notices(code: str) -> Response:
    return jsonify(deliveries.dossier_deliveries(services(), g.username, code))


@bp.get("/dossiers/<code>/national")
@require_token
def national(code: str) -> Response:
    return jsonify(deliveries.national_look_up(services(), g.username, code))
