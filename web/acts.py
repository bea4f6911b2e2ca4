"""The officers' pages of the procedural acts (issue 12): a dossier's acts
(`/officer/dossiers/CODE/acts`: transfer, extension request and decision, withdrawal review), the
requests waiting for the officer's agency (`/officer/requests`) and substitutes
(`/officer/substitutes`). Routes parse, call a use case, render; rights are decided in processes/."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request

from processes.acts import extension, pages, substitutes, transfer, withdrawal
from processes.errors import Conflict, Invalid, NotFound, Refused
from web import refusals
from web.context import services
from web.errors import refusal_response
from web.i18n import _
from web.page_kit import field_errors
from web.session import login_required

bp = Blueprint("acts", __name__)


def _acts_page(code: str, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    try:
        view = pages.dossier_acts(services(), g.username, code)
    except Refused as exc:
        return refusal_response(exc)
    return render_template("officer/acts.html", v=view, errors=errors or {}, posted=request.form), status


@bp.get("/officer/dossiers/<code>/acts")
@login_required
def acts(code: str) -> Any:
    return _acts_page(code)


def _act(code: str, action: Callable[[], object], done: str) -> Any:
    """Run one act; a bad field comes back on the page, a conflict as a message, other refusals as pages."""
    try:
        action()
    except Invalid as exc:
        return _acts_page(code, field_errors(exc), 422)
    except (Conflict, NotFound) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(f"/officer/dossiers/{code}/acts", code=303)
    except Refused as exc:
        return refusal_response(exc)
    flash(done, "success")
    return redirect(f"/officer/dossiers/{code}/acts", code=303)


@bp.post("/officer/dossiers/<code>/transfer")
@login_required
def transfer_dossier(code: str) -> Any:
    f = request.form
    return _act(code, lambda: transfer.transfer_dossier(services(), g.username, code, f.get("agency", ""),
                                                        f.get("reason", "")),
                _("Đã chuyển hồ sơ đến cơ quan có thẩm quyền; người nộp đã được thông báo."))


@bp.post("/officer/dossiers/<code>/extensions")
@login_required
def request_extension(code: str) -> Any:
    f = request.form
    return _act(code, lambda: extension.request_extension(services(), g.username, code, f.get("reason", ""),
                                                          f.get("working_days", "")),
                _("Đã gửi đề nghị gia hạn; lãnh đạo sẽ quyết định."))


@bp.post("/officer/dossiers/<code>/extensions/<int:request_id>/decision")
@login_required
def decide_extension(code: str, request_id: int) -> Any:
    f = request.form
    approve = f.get("decision") == "approve"
    return _act(code, lambda: extension.decide_extension(services(), g.username, code, request_id, approve,
                                                         f.get("reason", "")),
                _("Đã chấp thuận gia hạn; người nộp đã nhận ngày hẹn mới.") if approve
                else _("Đã không chấp thuận gia hạn; chuyên viên đã được báo."))


@bp.post("/officer/dossiers/<code>/withdrawal/review")
@login_required
def review_withdrawal(code: str) -> Any:
    f = request.form
    accept = f.get("decision") == "accept"
    return _act(code, lambda: withdrawal.review_withdrawal(services(), g.username, code, accept,
                                                           f.get("reason", "")),
                _("Đã chấp nhận rút hồ sơ; người nộp đã được thông báo.") if accept
                else _("Đã không chấp nhận rút hồ sơ; người nộp đã được thông báo lý do."))


@bp.get("/officer/requests")
@login_required
def waiting() -> Any:
    try:
        view = pages.waiting_requests(services(), g.username)
    except Refused as exc:
        return refusal_response(exc)
    return render_template("officer/requests.html", v=view)


# -- substitutes ------------------------------------------------------------------------------------
def _substitutes_page(errors: dict[str, str] | None = None, status: int = 200) -> Any:
    try:
        view = substitutes.my_substitutions(services(), g.username)
    except Refused as exc:
        return refusal_response(exc)
    return render_template("officer/substitutes.html", v=view, errors=errors or {}, posted=request.form), status


@bp.get("/officer/substitutes")
@login_required
def substitutes_page() -> Any:
    return _substitutes_page()


@bp.post("/officer/substitutes")
@login_required
def appoint() -> Any:
    f = request.form
    try:
        substitutes.appoint_substitute(services(), g.username, f.get("officer", "") or g.username,
                                       f.get("substitute", ""), f.get("from", ""), f.get("to", ""))
    except Invalid as exc:
        return _substitutes_page(field_errors(exc), 422)
    except Refused as exc:
        return refusal_response(exc)
    flash(_("Đã cử người thay thế; đồng nghiệp thấy và nhận được công việc trong thời gian này."), "success")
    return redirect("/officer/substitutes", code=303)


@bp.post("/officer/substitutes/<int:substitution_id>/end")
@login_required
def end(substitution_id: int) -> Any:
    try:
        substitutes.end_substitution(services(), g.username, substitution_id)
    except Conflict as exc:
        flash(refusals.message_of(exc), "error")
        return redirect("/officer/substitutes", code=303)
    except Refused as exc:
        return refusal_response(exc)
    flash(_("Đã kết thúc việc thay thế."), "success")
    return redirect("/officer/substitutes", code=303)
