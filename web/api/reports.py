"""`/api/v1/reports/…` (issue 17): the Decision 766 indicators as JSON and the annual report (R17.1) as
XLSX or PDF, for the caller's agency (leaders, agency administrators) or any agency (administrators).
Routes parse, call processes.reports.oversight, render (docs/api.md, docs/reports.md)."""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request

from processes.reports import oversight
from web.api import bp
from web.auth import require_token
from web.context import services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reports/indicators")
@require_token
def indicators() -> Any:
    a = request.args
    return jsonify(oversight.indicators(services(), g.username, a.get("agency", "").strip(), a.get("from", ""),
                                        a.get("to", ""), a.get("procedure", "").strip()))


@bp.get("/reports/dashboard")
@require_token
def dashboard() -> Any:
    a = request.args
    return jsonify(oversight.dashboard(services(), g.username, a.get("agency", "").strip(), a.get("year", ""),
                                       a.get("procedure", "").strip()))


@bp.get("/reports/annual.<fmt>")
@require_token
def annual(fmt: str) -> Response:
    a = request.args
    data, name = oversight.annual_report_file(services(), g.username, a.get("agency", "").strip(),
                                              a.get("year", ""), fmt)
    return Response(data, mimetype="application/pdf" if fmt == "pdf" else XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
