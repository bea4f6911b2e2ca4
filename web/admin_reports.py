"""`/admin/reports`: the table per agency and period, its CSV, citizens' general feedback and the
open incidents with their resolution (R10.1, R8.3, R17.1, R9.2). Rights are decided in processes."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from processes.errors import Invalid, Refused
from processes.reports import admin_reports
from processes.submission import feedback
from web import refusals
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("admin_reports", __name__, url_prefix="/admin/reports")


def _args() -> dict[str, str]:
    return {k: request.args.get(k, "") for k in ("agency", "from", "to")}


@bp.get("")
@login_required
def index() -> Any:
    args = _args()
    try:
        table = admin_reports.report(services(), g.username, args["agency"], args["from"], args["to"])
    except Invalid as exc:
        return render_template("admin/reports.html", table=None, args=args,
                               errors=refusals.field_messages(exc), columns=admin_reports.COLUMNS,
                               feedback=None), 422
    try:
        general = [f for f in feedback.list_feedback(services(), g.username) if f["kind"] == "general"]
    except Refused:
        general = None
    return render_template("admin/reports.html", table=table, args=args, errors={},
                           columns=admin_reports.COLUMNS, feedback=general)


@bp.get("/report.csv")
@login_required
def csv() -> Response:
    args = _args()
    table = admin_reports.report(services(), g.username, args["agency"], args["from"], args["to"])
    name = f"bao-cao-{table['agency'] or 'tat-ca'}-{table['from']}-{table['to']}.csv"
    return Response(admin_reports.report_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/incidents/<int:incident_id>/resolve")
@login_required
def resolve(incident_id: int) -> Any:
    admin_reports.resolve_incident(services(), g.username, incident_id)
    flash(_("Đã đánh dấu sự cố {id} là đã xử lý.", id=incident_id), "success")
    return redirect(url_for(".index"))
