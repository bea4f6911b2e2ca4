"""`/admin/operations`: the operations console (issue 12) — running dossiers by procedure, version,
state and agency; one dossier's variables, open tasks, timers, messages and its diagram with the
token marked; incidents of every source; parked timers and failed messages; and the repairs (retry,
resend, suspend/resume, cancel with a reason). Administrators for every agency, agency
administrators for their own. Routes parse, call processes.operations.console, render."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, g, redirect, render_template, request

from processes.definitions import diagrams
from processes.errors import Conflict, Invalid, NotFound, Refused
from processes.operations import console
from processes.reports import admin_reports
from web import refusals
from web.context import services
from web.errors import refusal_response
from web.i18n import _
from web.labels import legend
from web.session import login_required, safe_path

bp = Blueprint("admin_operations", __name__, url_prefix="/admin/operations")
FILTERS = ("procedure", "version", "status", "agency", "suspended")


def _int(raw: str | None, name: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Invalid("must_be_number", name) from None


@bp.get("")
@login_required
def index() -> Any:
    a = request.args
    try:
        view = console.running_dossiers(services(), g.username, a.get("procedure", ""),
                                        _int(a.get("version"), "version"), _int(a.get("status"), "status"),
                                        a.get("agency", ""),
                                        a.get("suspended") == "1", _int(a.get("page"), "page") or 1)
    except Refused as exc:
        return refusal_response(exc)
    kept = {k: a[k] for k in FILTERS if a.get(k)}
    return render_template("admin/operations.html", v=view, args=kept,
                           link=lambda **over: "/admin/operations?" + urlencode({**kept, **over}))


@bp.get("/dossiers/<code>")
@login_required
def dossier(code: str) -> Any:
    try:
        view = console.inspect_dossier(services(), g.username, code)
    except Refused as exc:
        return refusal_response(exc)
    return render_template("admin/operations_dossier.html", v=view)


@bp.get("/dossiers/<code>/diagram.svg")
@login_required
def diagram(code: str) -> Any:
    console.inspect_dossier(services(), g.username, code)  # the console's right first (NotFound outside it)
    svg = diagrams.dossier_diagram(services(), g.username, code, legend())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})


@bp.get("/incidents")
@login_required
def incidents() -> Any:
    try:
        rows = console.list_incidents(services(), g.username, request.args.get("all") == "1")
    except Refused as exc:
        return refusal_response(exc)
    return render_template("admin/operations_incidents.html", incidents=rows, all=request.args.get("all") == "1")


@bp.get("/messages")
@login_required
def messages() -> Any:
    status = request.args.get("status", "failed")
    try:
        rows = console.list_messages(services(), g.username, status)
        timers = console.list_parked_timers(services(), g.username)
    except Refused as exc:
        return refusal_response(exc)
    return render_template("admin/operations_messages.html", messages=rows, timers=timers, status=status)


def _repair(action: Callable[[], object], done: str, fallback: str) -> Any:
    back = safe_path(request.form.get("back", ""), fallback, prefix="/admin/operations")
    try:
        action()
    except (Conflict, Invalid, NotFound) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(back, code=303)
    except Refused as exc:
        return refusal_response(exc)
    flash(done, "success")
    return redirect(back, code=303)


@bp.post("/timers/<int:timer_id>/retry")
@login_required
def retry(timer_id: int) -> Any:
    return _repair(lambda: console.retry_timer(services(), g.username, timer_id),
                   _("Đã chạy lại bộ hẹn giờ {id}; lần quét tới sẽ thực hiện.", id=timer_id),
                   "/admin/operations/messages")


@bp.post("/messages/<int:message_id>/resend")
@login_required
def resend(message_id: int) -> Any:
    return _repair(lambda: console.resend_message(services(), g.username, message_id),
                   _("Đã đưa thư {id} vào hàng gửi lại.", id=message_id), "/admin/operations/messages")


@bp.post("/dossiers/<code>/suspend")
@login_required
def suspend(code: str) -> Any:
    return _repair(lambda: console.suspend_dossier(services(), g.username, code, request.form.get("reason", "")),
                   _("Đã tạm dừng hồ sơ {code}.", code=code), f"/admin/operations/dossiers/{code}")


@bp.post("/dossiers/<code>/resume")
@login_required
def resume(code: str) -> Any:
    return _repair(lambda: console.resume_dossier(services(), g.username, code, request.form.get("reason", "")),
                   _("Đã cho hồ sơ {code} chạy tiếp.", code=code), f"/admin/operations/dossiers/{code}")


@bp.post("/dossiers/<code>/cancel")
@login_required
def cancel(code: str) -> Any:
    return _repair(lambda: console.cancel_dossier(services(), g.username, code, request.form.get("reason", "")),
                   _("Đã dừng xử lý hồ sơ {code}; người nộp đã được thông báo.", code=code),
                   f"/admin/operations/dossiers/{code}")


@bp.post("/incidents/<int:incident_id>/resolve")
@login_required
def resolve(incident_id: int) -> Any:
    return _repair(lambda: admin_reports.resolve_incident(services(), g.username, incident_id),
                   _("Đã đánh dấu sự cố {id} là đã xử lý.", id=incident_id), "/admin/operations/incidents")
