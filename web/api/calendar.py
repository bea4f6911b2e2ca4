"""`/api/v1/calendar/overrides`: the administrators' table of extra days off and make-up working days,
as JSON (docs/api.md). Routes parse, call processes.timekeeping.calendar_admin, render."""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request

from processes.errors import Invalid
from processes.timekeeping import calendar_admin
from web.api import bp
from web.api.dossiers import json_body
from web.auth import require_token
from web.context import services


@bp.get("/calendar/overrides")
@require_token
def overrides() -> Response:
    year = request.args.get("year")
    first, last = calendar_admin.FIRST_YEAR, calendar_admin.LAST_YEAR
    if year is not None and not (year.isdigit() and first <= int(year) <= last):
        raise Invalid("calendar.year_range", "year", first=first, last=last)
    return jsonify(calendar_admin.list_overrides(services(), g.username, int(year) if year else None))


@bp.post("/calendar/overrides")
@require_token
def add() -> Any:
    body = json_body()
    row = calendar_admin.add_override(services(), g.username, body.get("day"), body.get("kind"),
                                      body.get("note", ""))
    return jsonify(row), 201


@bp.delete("/calendar/overrides/<day>")
@require_token
def remove(day: str) -> Response:
    return jsonify(calendar_admin.remove_override(services(), g.username, day))
