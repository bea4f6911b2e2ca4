"""The applicant's pages (R6.1, R7.1, R7.3, R9.1, R16.1): submit a dossier online, the receipt,
"my dossiers", one dossier (timeline, supplement, withdrawal, files, diagram, rating).
Routes parse, call, render; every decision is in processes/."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request

from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from processes.people import accounts
from processes.submission import feedback, portal_catalogue, portal_dossiers, submission
from processes.submission.portal_submission import DECLARATION, new_nonce, submit_online
from processes.submission.submission import Submission
from web import refusals
from web.context import services
from web.documents import send_document
from web.i18n import _
from web.page_kit import field_errors, refusal_page, uploads
from web.session import login_required

bp = Blueprint("citizen", __name__)


def _form_values(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The applicant's answers by field id; an unticked box is false, an empty text is left out."""
    values: dict[str, Any] = {}
    for f in fields:
        raw = request.form.get(f"form.{f['id']}", "")
        if f["type"] == "boolean":
            values[f["id"]] = raw == "true"
        elif raw.strip():
            values[f["id"]] = raw
    return values


def _submit_page(page: dict[str, Any], nonce: str, values: dict[str, Any], errors: dict[str, str],
                 status: int = 200) -> Any:
    profile = accounts.get_profile(services(), g.username)
    max_mb = int(services().config["storage"]["max_upload_bytes"]) // (1024 * 1024)
    return render_template("citizen/submit.html", p=page, nonce=nonce, values=values, errors=errors,
                           profile=profile, declaration=DECLARATION, max_mb=max_mb), status


@bp.get("/procedures/<code>/submit")
@login_required
def submit_form(code: str) -> Any:
    try:
        page = portal_catalogue.procedure_page(services(), code)
    except NotFound as exc:
        return refusal_page(exc)
    if page["level"] < 3:
        flash(_("Thủ tục mức độ 2: tải biểu mẫu về, điền và nộp trực tiếp tại bộ phận một cửa."), "error")
        return redirect(f"/procedures/{code}", code=303)
    return _submit_page(page, new_nonce(), {"channel": "counter"}, {})


@bp.post("/procedures/<code>/submit")
@login_required
def submit(code: str) -> Any:
    try:
        page = portal_catalogue.procedure_page(services(), code)
    except NotFound as exc:
        return refusal_page(exc)
    values = _form_values(page["form"])
    channel, agency = request.form.get("channel") or None, request.form.get("agency") or None
    nonce = request.form.get("nonce", "")
    cmd = Submission(procedure=code, form=values, channel=channel, agency=agency, uploads=uploads(),
                     declaration=request.form.get("declaration") == "yes")
    try:  # the same rules as POST /api/v1/dossiers (processes.submission.submission.register_dossier)
        outcome = submit_online(services(), g.username, nonce, cmd)
    except Invalid as exc:
        return _submit_page(page, nonce or new_nonce(), {**values, "channel": channel, "agency": agency},
                            field_errors(exc), 422)
    except Forbidden as exc:
        values = {**values, "channel": channel, "agency": agency}
        return _submit_page(page, nonce, values, {"": refusals.message_of(exc)}, 403)
    except Refused as exc:
        return refusal_page(exc)
    if outcome.duplicate:
        flash(_("Hồ sơ này đã được nộp (biểu mẫu được gửi hai lần); dưới đây là phiếu của lần nộp đầu tiên, "
                "không có hồ sơ thứ hai nào được tạo."), "success")
    return redirect(f"/my/dossiers/{outcome.code}/receipt", code=303)


@bp.get("/my/dossiers")
@login_required
def my_dossiers() -> str:
    return render_template("citizen/dossiers.html",
                           dossiers=portal_dossiers.my_dossiers(services(), g.username))


def _dossier(code: str) -> dict[str, Any]:
    try:
        return portal_dossiers.my_dossier(services(), g.username, code)
    except NotFound:
        abort(404)


@bp.get("/my/dossiers/<code>/receipt")
@login_required
def receipt(code: str) -> str:
    return render_template("citizen/receipt.html", d=_dossier(code))


@bp.get("/my/dossiers/<code>")
@login_required
def dossier(code: str) -> str:
    from web.notices_pages import deliveries_of

    return render_template("citizen/dossier.html", d=_dossier(code), errors={}, deliveries=deliveries_of(code))


def _dossier_action(code: str, action: Callable[[], object], done: str) -> Any:
    """Run one applicant action on a dossier; refusals come back to the dossier page, named."""
    try:
        action()
    except Invalid as exc:
        return render_template("citizen/dossier.html", d=_dossier(code), errors=field_errors(exc)), 422
    except Conflict as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(f"/my/dossiers/{code}", code=303)
    except Refused as exc:
        return refusal_page(exc)
    flash(done, "success")
    return redirect(f"/my/dossiers/{code}", code=303)


@bp.post("/my/dossiers/<code>/supplement")
@login_required
def supplement(code: str) -> Any:
    return _dossier_action(code, lambda: submission.answer_supplement(services(), g.username, code, {}, uploads()),
                           _("Đã gửi hồ sơ bổ sung; cơ quan sẽ kiểm tra lại."))


@bp.post("/my/dossiers/<code>/withdraw")
@login_required
def withdraw(code: str) -> Any:
    if request.form.get("confirm") != "yes":
        return render_template("citizen/dossier.html", d=_dossier(code), errors={
            "confirm": _("Hãy đánh dấu ô xác nhận rút hồ sơ.")}), 422
    return _dossier_action(code, lambda: portal_dossiers.withdraw_dossier(
        services(), g.username, code, request.form.get("reason", "")),
        _("Đã rút hồ sơ. Cơ quan giải quyết đã được thông báo."))


@bp.post("/my/dossiers/<code>/rate")
@login_required
def rate(code: str) -> Any:
    return _dossier_action(code, lambda: feedback.rate_dossier(
        services(), g.username, code, request.form.get("rating"), request.form.get("comment", "")),
        _("Cảm ơn bạn đã đánh giá."))


@bp.get("/my/dossiers/<code>/files/<int:file_id>")
@login_required
def download(code: str, file_id: int) -> Any:
    try:
        data, filename, content_type = portal_dossiers.attachment_content(services(), g.username, code, file_id)
    except NotFound:
        abort(404)
    return send_document(data, content_type, filename)
