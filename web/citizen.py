"""The applicant's pages (R6.1, R7.1, R7.3, R9.1, R16.1): submit a dossier online, the receipt,
"my dossiers", one dossier (timeline, supplement, withdrawal, files, diagram, rating).
Routes parse, call, render; every decision is in processes/."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request

from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from processes.people import accounts, consent
from processes.people.my_data import my_data
from processes.submission import drafts, feedback, portal_catalogue, portal_dossiers, submission
from processes.submission.portal_submission import DECLARATION, new_nonce
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


def _submit_page(page: dict[str, Any], nonce: str, draft: drafts.DraftState, errors: dict[str, str],
                 status: int = 200) -> Any:
    profile = accounts.get_profile(services(), g.username)
    max_bytes = int(services().config["storage"]["max_upload_bytes"])
    values = {**draft.answers, "channel": draft.channel or "counter", "agency": draft.agency,
              "postal_address": draft.postal_address or "", "declaration": draft.declaration}
    return render_template("citizen/submit.html", p=page, nonce=nonce, values=values, errors=errors,
                           kept=draft.files, draft_saved_at=draft.saved_at, profile=profile,
                           declaration=DECLARATION, max_mb=max_bytes // (1024 * 1024), max_bytes=max_bytes,
                           privacy=consent.PURPOSES[consent.PROCESSING]), status


def _submittable(code: str) -> dict[str, Any] | Any:
    """The procedure's page data, or the answer to give instead (unknown, or paper only)."""
    try:
        page = portal_catalogue.procedure_page(services(), code)
    except NotFound as exc:
        return refusal_page(exc)
    if page["level"] < 3:
        flash(_("Thủ tục mức độ 2: tải biểu mẫu về, điền và nộp trực tiếp tại bộ phận một cửa."), "error")
        return redirect(f"/procedures/{code}", code=303)
    return page


@bp.get("/procedures/<code>/submit")
@login_required
def submit_form(code: str) -> Any:
    page = _submittable(code)
    if not isinstance(page, dict):
        return page
    try:
        draft = drafts.load_draft(services(), g.username, code)
    except Forbidden as exc:
        return refusal_page(exc)
    return _submit_page(page, new_nonce(), draft, {})


@bp.post("/procedures/<code>/submit")
@login_required
def submit(code: str) -> Any:
    """Every post keeps the applicant's work first (answers and acceptable files, as a draft); then either
    that is all ("Lưu nháp") or the draft is submitted by the rules of every door."""
    page = _submittable(code)
    if not isinstance(page, dict):
        return page
    nonce = request.form.get("nonce", "")
    remove = [int(v) for v in request.form.getlist("remove") if v.isdigit() and len(v) < 18]
    cmd = drafts.DraftInput(procedure=code, answers=_form_values(page["form"]),
                            channel=request.form.get("channel") or None, agency=request.form.get("agency") or None,
                            postal_address=request.form.get("postal_address") or None,
                            declaration=request.form.get("declaration") == "yes", uploads=uploads(), remove=remove)
    try:
        draft = drafts.save_draft(services(), g.username, cmd)
    except Invalid as exc:
        return _submit_page(page, nonce or new_nonce(), drafts.load_draft(services(), g.username, code),
                            field_errors(exc), 422)
    except Refused as exc:
        return refusal_page(exc)
    if draft.refused:  # a chosen file was refused: say so before anything goes (the rest is kept)
        return _submit_page(page, nonce or new_nonce(), draft, field_errors(Invalid.many(draft.refused)), 422)
    if request.form.get("intent") == "save":
        flash(_("Đã lưu bản nháp. Bạn có thể tiếp tục từ mục Hồ sơ của tôi."), "success")
        return redirect(f"/procedures/{code}/submit", code=303)
    try:  # the same rules as POST /api/v1/dossiers (processes.submission.submission.register_dossier)
        outcome = drafts.submit_draft(services(), g.username, nonce, code)
    except Invalid as exc:
        return _submit_page(page, nonce or new_nonce(), draft, field_errors(exc), 422)
    except Forbidden as exc:
        return _submit_page(page, nonce, draft, {"": refusals.message_of(exc)}, 403)
    except Refused as exc:
        return refusal_page(exc)
    if outcome.duplicate:
        flash(_("Hồ sơ này đã được nộp (biểu mẫu được gửi hai lần); dưới đây là phiếu của lần nộp đầu tiên, "
                "không có hồ sơ thứ hai nào được tạo."), "success")
    return redirect(f"/my/dossiers/{outcome.code}/receipt", code=303)


@bp.post("/procedures/<code>/draft/delete")
@login_required
def discard_draft(code: str) -> Any:
    try:
        drafts.discard_draft(services(), g.username, code)
    except Refused as exc:
        return refusal_page(exc)
    flash(_("Đã xóa bản nháp."), "success")
    return redirect("/my/dossiers", code=303)


@bp.get("/my/dossiers")
@login_required
def my_dossiers() -> str:
    return render_template("citizen/dossiers.html",
                           dossiers=portal_dossiers.my_dossiers(services(), g.username),
                           drafts=drafts.my_drafts(services(), g.username))


def _dossier(code: str) -> dict[str, Any]:
    try:
        return portal_dossiers.my_dossier(services(), g.username, code)
    except NotFound:
        abort(404)


@bp.get("/my/data.json")
@login_required
def my_data_download() -> Any:
    """Everything held about the applicant, as a JSON file (Decree 13/2023: the right of access)."""
    body = json.dumps(my_data(services(), g.username), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=du-lieu-cua-toi.json", "Cache-Control": "private, no-store"})


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
    files = uploads()
    replace = [up.document_key for up in files if request.form.get(f"mode.{up.document_key}", "replace") == "replace"]
    return _dossier_action(code, lambda: submission.answer_supplement(services(), g.username, code, {}, files, replace),
                           _("Đã gửi hồ sơ bổ sung; cơ quan sẽ kiểm tra lại."))


@bp.post("/my/dossiers/<code>/withdraw")
@login_required
def withdraw(code: str) -> Any:
    if request.form.get("confirm") != "yes":
        return render_template("citizen/dossier.html", d=_dossier(code), errors={
            "confirm": _("Hãy đánh dấu ô xác nhận rút hồ sơ.")}), 422
    try:
        outcome = portal_dossiers.withdraw_dossier(services(), g.username, code, request.form.get("reason", ""))
    except Invalid as exc:
        return render_template("citizen/dossier.html", d=_dossier(code), errors=field_errors(exc)), 422
    except Conflict as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(f"/my/dossiers/{code}", code=303)
    except Refused as exc:
        return refusal_page(exc)
    # Accepted dossiers: a request reception reviews (issue 12); before acceptance: withdrawn at once.
    flash(_("Đã gửi đề nghị rút hồ sơ; bộ phận một cửa sẽ xem xét và trả lời.")
          if outcome.get("withdrawal") == "requested"
          else _("Đã rút hồ sơ. Cơ quan giải quyết đã được thông báo."), "success")
    return redirect(f"/my/dossiers/{code}", code=303)


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
