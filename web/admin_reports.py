"""`/admin/reports`: the table per agency and period, its CSV, citizens' general feedback and the
open incidents with their resolution (R10.1, R8.3, R17.1, R9.2). Rights are decided in processes."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for

from processes.errors import Invalid, Refused
from processes.reports import admin_reports, feedback_answers, oversight
from processes.submission import feedback
from web import charts as charts_svg
from web import refusals
from web.context import services
from web.i18n import N_, _
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
                               feedback=None, choice=oversight.choices(services(), g.username)), 422
    try:
        general = [f for f in feedback.list_feedback(services(), g.username) if f["kind"] == "general"]
    except Refused:
        general = None
    choice = oversight.choices(services(), g.username)
    if not choice["province"]:  # this table shows an officer's own agency only (the dashboard goes below it)
        choice["agencies"] = [a for a in choice["agencies"] if a["code"] == table["agency"]]
    return render_template("admin/reports.html", table=table, args=args, errors={},
                           columns=admin_reports.COLUMNS, feedback=general, choice=choice)


@bp.get("/report.csv")
@login_required
def csv() -> Response:
    args = _args()
    table = admin_reports.report(services(), g.username, args["agency"], args["from"], args["to"])
    name = f"bao-cao-{table['agency'] or 'tat-ca'}-{table['from']}-{table['to']}.csv"
    return Response(admin_reports.report_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/report.xlsx")
@login_required
def xlsx() -> Response:
    args = _args()
    table = admin_reports.report(services(), g.username, args["agency"], args["from"], args["to"])
    name = f"bao-cao-{table['agency'] or 'tat-ca'}-{table['from']}-{table['to']}.xlsx"
    return Response(admin_reports.report_xlsx(table), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/incidents/<int:incident_id>/resolve")
@login_required
def resolve(incident_id: int) -> Any:
    admin_reports.resolve_incident(services(), g.username, incident_id)
    flash(_("Đã đánh dấu sự cố {id} là đã xử lý.", id=incident_id), "success")
    return redirect(url_for(".index"))


# -- issue 17: the dashboards with charts and the annual report ------------------------------------------

def _board_args() -> dict[str, str]:
    return {k: request.args.get(k, "").strip() for k in ("agency", "year", "procedure")}


@bp.get("/dashboard")
@login_required
def dashboard() -> Any:
    """A leader's dashboard (their agency) or the province's (administrators: every agency, ranked)."""
    args = _board_args()
    choice = oversight.choices(services(), g.username)
    try:
        board = oversight.dashboard(services(), g.username, args["agency"], args["year"], args["procedure"])
    except Invalid as exc:
        return render_template("admin/dashboard.html", board=None, args=args, choice=choice,
                               errors=refusals.field_messages(exc), charts={}), 422
    return render_template("admin/dashboard.html", board=board, args=args, choice=choice, errors={},
                           charts=dashboard_charts(board))


def dashboard_charts(board: dict[str, Any]) -> dict[str, Any]:
    """The SVG charts of a dashboard, from the same numbers as the tables beside them."""
    groups = [(_(g["name"]), g["score"], float(g["max"])) for g in board["groups"]]
    months = [(str(m["month"]), None if m["rate"] is None else round(m["rate"] * 100, 2)) for m in board["months"]]
    ratings = [(f"{n}★", float(board["ratings"][str(n)])) for n in range(1, 6)]
    satisfaction = [(str(m["month"]), m["satisfaction"]) for m in board["months"]]
    charts = {
        "groups": charts_svg.hbar_chart("chart-groups", _("Điểm theo nhóm chỉ số"),
                                        _("Điểm của mỗi nhóm so với điểm tối đa; bảng bên cạnh có cùng số liệu."),
                                        groups),
        "months": charts_svg.bar_chart("chart-months", _("Tỷ lệ đúng hạn theo tháng (%)"),
                                       _("Tỷ lệ hồ sơ đúng hạn của mỗi tháng; bảng bên cạnh có cùng số liệu."),
                                       months, 100),
        "ratings": charts_svg.bar_chart("chart-ratings", _("Số đánh giá theo mức"),
                                        _("Số hồ sơ được đánh giá ở mỗi mức từ 1 đến 5 sao."), ratings,
                                        max([v for _, v in ratings] + [1.0])),
        "satisfaction": charts_svg.bar_chart("chart-satisfaction", _("Điểm đánh giá trung bình theo tháng"),
                                             _("Điểm đánh giá trung bình (1–5) của hồ sơ nhận trong tháng."),
                                             satisfaction, 5),
    }
    if board["ranking"]:
        charts["ranking"] = charts_svg.hbar_chart(
            "chart-ranking", _("Xếp hạng cơ quan theo tổng điểm"),
            _("Tổng điểm (trên 100) của mỗi cơ quan có hồ sơ trong năm."),
            [(r["name"], r["total"], 100.0) for r in board["ranking"]])
    return charts


@bp.get("/annual.<fmt>")
@login_required
def annual(fmt: str) -> Response:
    """The annual report (R17.1) as PDF or XLSX."""
    args = _board_args()
    data, name = oversight.annual_report_file(services(), g.username, args["agency"], args["year"], fmt)
    mimetype = "application/pdf" if fmt == "pdf" else XLSX
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/indicators.<fmt>")
@login_required
def indicators_export(fmt: str) -> Response:
    """The indicators' table as CSV or XLSX (Vietnamese column names)."""
    a = request.args
    data, name = oversight.indicators_file(services(), g.username, a.get("agency", "").strip(), a.get("from", ""),
                                           a.get("to", ""), a.get("procedure", "").strip(), fmt)
    mimetype = "text/csv" if fmt == "csv" else XLSX
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- issue 17: feedback and complaints answered (R9.1) ---------------------------------------------------

@bp.get("/feedback")
@login_required
def feedback_list() -> Any:
    status = request.args.get("status", "").strip()
    return _feedback_page(status, {})


def _feedback_page(status: str, errors: dict[str, str]) -> str:
    rows = feedback_answers.list_for_answer(services(), g.username, status)
    return render_template("admin/feedback.html", rows=rows, status=status, errors=errors,
                           statuses=FEEDBACK_STATUSES)


FEEDBACK_STATUSES = {"received": N_("Đã nhận"), "answered": N_("Đã trả lời"), "closed": N_("Đã đóng")}


@bp.post("/feedback/<int:feedback_id>/answer")
@login_required
def feedback_answer(feedback_id: int) -> Any:
    try:
        feedback_answers.answer_feedback(services(), g.username, feedback_id, request.form.get("answer", ""),
                                         request.form.get("publish") == "1")
    except Invalid as exc:
        return _feedback_page("", {str(feedback_id): " ".join(refusals.field_messages(exc).values())}), 422
    flash(_("Đã trả lời góp ý số {id}; câu trả lời được gửi tới người góp ý.", id=feedback_id), "success")
    return redirect(url_for(".feedback_list"))


@bp.post("/feedback/<int:feedback_id>/close")
@login_required
def feedback_close(feedback_id: int) -> Any:
    feedback_answers.close_feedback(services(), g.username, feedback_id)
    flash(_("Đã đóng góp ý số {id}.", id=feedback_id), "success")
    return redirect(url_for(".feedback_list"))
