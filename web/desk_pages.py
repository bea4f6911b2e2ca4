"""The desk's pages of issue 12: counter and postal intake (`/officer/intake`), the dossier search
(`/officer/dossiers`), the dossier's own page for officers (`/officer/dossiers/CODE`), and the
applicant's link of a counter dossier to the account (`/my/dossiers/link`).
Routes parse, call a use case, render; what anyone may do is decided in processes/."""
from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, flash, g, redirect, render_template, request

from processes.desk import counter, dossier_page, result
from processes.dossier.search import DossierQuery, search_dossiers
from processes.dossier.status import STATUS_NAMES
from processes.errors import Conflict, Invalid, NotFound, Refused
from processes.inbox import inbox
from processes.people import consent
from processes.submission import portal_catalogue, portal_dossiers
from processes.submission.submission import Applicant, DeskIntake, Submission, Upload
from web import commands, refusals
from web.context import services
from web.i18n import N_, _
from web.page_kit import client_ip, field_errors, refusal_page, uploads
from web.session import current_username, login_required, safe_path

bp = Blueprint("desk", __name__)
SEARCH_KEYS = ("q", "status", "procedure", "from", "to")


# -- counter and postal intake ----------------------------------------------------------------------
@bp.get("/officer/intake")
@login_required
def intake() -> Any:
    code = request.args.get("procedure", "")[:40]
    return _intake_page(code, {"received_via": request.args.get("via", "counter"), "accept": True}, {})


@bp.post("/officer/intake")
@login_required
def intake_post() -> Any:
    f = request.form
    code = f.get("procedure", "")[:40]
    try:
        page = portal_catalogue.procedure_page(services(), code)
    except NotFound as exc:
        return refusal_page(exc)
    values = _form_values(page["form"])
    papers = [k[len("paper."):] for k in f if k.startswith("paper.")]
    checklist = {k[len("checklist."):]: True for k in f if k.startswith("checklist.")}
    posted = dict(f) | {"papers": papers, "checked": checklist, "accept": f.get("accept") == "1"}
    try:
        arrived = commands.arrival(f.get("arrived_at") or None)
        desk = DeskIntake(received_via=f.get("received_via", ""), applicant=Applicant(
            id_number=f.get("applicant.id_number", ""), name=f.get("applicant.name", ""),
            phone=f.get("applicant.phone", ""), address=f.get("applicant.address", "")),
            papers_seen=papers, arrived_at=arrived, sender=f.get("sender", ""))
        cmd = Submission(procedure=code, form=values, channel=f.get("channel") or None, uploads=uploads())
        done = counter.register_at_desk(services(), g.username, cmd, desk, f.get("accept") == "1", checklist)
    except Invalid as exc:
        return _intake_page(code, posted, field_errors(exc), 422)
    except Refused as exc:
        return refusal_page(exc)
    refusal = done.get("refusal")
    if refusal is not None:
        flash(_("Đã đăng ký hồ sơ {code} nhưng chưa tiếp nhận được: {why}", code=done["code"],
                why=refusals.message_of(refusal)), "error")
    elif done["accepted"]:
        flash(_("Đã tiếp nhận hồ sơ {code}. In giấy tiếp nhận và hẹn trả kết quả (mẫu 01) để giao cho "
                "người nộp.", code=done["code"]), "success")
    else:
        flash(_("Đã đăng ký hồ sơ {code}; hồ sơ chờ kiểm tra tại hàng đợi một cửa.", code=done["code"]), "success")
    return redirect(f"/officer/dossiers/{done['code']}", code=303)


def _intake_page(code: str, posted: dict[str, Any], errors: dict[str, str], status: int = 200) -> Any:
    try:
        procedures = counter.desk_procedures(services(), g.username)
    except Refused as exc:
        return refusal_page(exc)
    page = None
    if code:
        try:
            page = portal_catalogue.procedure_page(services(), code)
        except NotFound:
            errors = errors | {"procedure": refusals.message_of(NotFound("procedure.not_found", procedure=code))}
    values = {k[len("form."):]: v for k, v in posted.items() if isinstance(k, str) and k.startswith("form.")}
    labels = {"procedure": _("Thủ tục"), "received_via": _("Hình thức nhận"),
              "applicant.id_number": _("Số định danh cá nhân"), "applicant.name": _("Họ tên người nộp"),
              "applicant.phone": _("Số điện thoại"), "applicant.address": _("Địa chỉ"),
              "arrived_at": _("Ngày bưu phẩm đến"), "sender": _("Người gửi"), "channel": _("Hình thức nhận kết quả")}
    if page is not None:  # the summary names each field and document as the form shows it
        labels |= {f"form.{f['id']}": f.get("label", f["id"]) for f in page["form"]}
        labels |= {f"documents.{d['key']}": d["name"] for d in page["documents"]}
    return render_template("officer/intake.html", p=page, code=code, procedures=procedures, posted=posted,
                           values=values, errors=errors, labels=labels,
                           paper_notice=consent.PAPER_NOTICE), status


def _form_values(fields: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for fld in fields:
        raw = request.form.get(f"form.{fld['id']}", "")
        if fld["type"] == "boolean":
            values[fld["id"]] = raw == "true"
        elif raw.strip():
            values[fld["id"]] = raw
    return values


# -- search -------------------------------------------------------------------------------------------
@bp.get("/officer/dossiers")
@login_required
def search() -> Any:
    args = request.args
    kept = {k: args[k][:100] for k in SEARCH_KEYS if args.get(k)}
    try:
        query = DossierQuery(q=kept.get("q"), status=_int(kept.get("status"), "status"),
                             procedure=kept.get("procedure"), received_from=_date(kept.get("from"), "from"),
                             received_to=_date(kept.get("to"), "to"))
        found = search_dossiers(services(), g.username, query, _int(args.get("page"), "page") or 1)
        errors: dict[str, str] = {}
    except Invalid as exc:
        found, errors = {"items": [], "page": 1, "pages": 1, "total": 0}, field_errors(exc)
    except Refused as exc:
        return refusal_page(exc)
    return render_template("officer/dossiers.html", found=found, args=kept, errors=errors,
                           statuses=[int(s) for s in STATUS_NAMES], searched=bool(kept),
                           link=lambda **over: "/officer/dossiers?" + urlencode({**kept, **over}))


# -- the dossier's own page ---------------------------------------------------------------------------
@bp.get("/officer/dossiers/<code>")
@login_required
def dossier(code: str) -> Any:
    try:
        view = dossier_page.officer_dossier(services(), g.username, code)
    except Refused as exc:
        return refusal_page(exc)
    return render_template("officer/dossier.html", v=view)


# -- the draft result ---------------------------------------------------------------------------------
@bp.post("/officer/dossiers/<code>/draft")
@login_required
def draft(code: str) -> Any:
    """The specialist generates the draft result from the procedure's template, or uploads a PDF."""
    back = safe_path(request.form.get("back", ""), f"/officer/dossiers/{code}", prefix="/officer/")
    file = request.files.get("draft")
    try:
        if file is not None and file.filename:
            result.attach_draft(services(), g.username, code, Upload("draft", file.filename, file.read(),
                                                                     file.mimetype))
        else:
            result.generate_draft(services(), g.username, code)
    except (Invalid, Conflict) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(back, code=303)
    except Refused as exc:
        return refusal_page(exc)
    flash(_("Đã lưu dự thảo kết quả."), "success")
    return redirect(back, code=303)


# -- the applicant links a counter dossier to the account ---------------------------------------------
@bp.post("/my/dossiers/link")
@login_required
def link() -> Any:
    code, phone = request.form.get("code", "")[:40], request.form.get("phone", "")[:30]
    try:
        linked = portal_dossiers.link_dossier(services(), g.username, code, phone, client_ip())
    except NotFound:
        flash(_("Không tìm thấy hồ sơ nộp tại quầy với mã và số điện thoại này (hoặc hồ sơ đã được liên kết)."),
              "error")
        return redirect("/my/dossiers", code=303)
    except (Invalid, Refused) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect("/my/dossiers", code=303)
    flash(_("Đã liên kết hồ sơ {code} với tài khoản của bạn.", code=linked["code"]), "success")
    return redirect(f"/my/dossiers/{linked['code']}", code=303)


# -- the in-app inbox ----------------------------------------------------------------------------------
# How each kind of notification reads (its values filled in), in the reader's language.
KIND_TEXTS = {
    inbox.TASK_QUEUED: N_("Hồ sơ {code} vào hàng đợi của nhóm: {task}."),
    inbox.TASK_RETURNED: N_("Hồ sơ {code} được trả lại cho bạn ({task}). Lý do: {reason}"),
    inbox.CONSULTATION: N_("Cơ quan bạn được đề nghị phối hợp giải quyết hồ sơ {code}: {task}."),
    inbox.DUE_SOON: N_("Hồ sơ {code} sắp đến hạn trả kết quả."),
    inbox.LATE: N_("Hồ sơ {code} đã quá hạn."),
    inbox.NOTICE: N_("Hồ sơ {code}: {title}"),
}


def notification_text(item: dict[str, Any]) -> str:
    params = {"code": item.get("dossier") or "", "task": "", "reason": "", "title": ""} | {
        k: v for k, v in item["params"].items() if isinstance(v, str)}
    text = KIND_TEXTS.get(item["kind"])
    return _(text, **params) if text else item["kind"]


def notification_link(item: dict[str, Any], officer: bool) -> str | None:
    code = item.get("dossier")
    if not code:
        return None
    return f"/officer/dossiers/{code}" if officer else f"/my/dossiers/{code}"


@bp.get("/inbox")
@login_required
def inbox_list() -> Any:
    unread_only = request.args.get("unread") == "1"
    try:
        found = inbox.inbox_page(services(), g.username, _int(request.args.get("page"), "page") or 1, unread_only)
    except Refused as exc:
        return refusal_page(exc)
    return render_template("inbox.html", found=found, unread_only=unread_only, text=notification_text,
                           link=notification_link)


@bp.post("/inbox/read")
@login_required
def inbox_read() -> Any:
    raw = request.form.getlist("id")
    try:
        ids = None if request.form.get("all") == "1" else [_int(i, "id") or 0 for i in raw]
        inbox.mark_read(services(), g.username, ids)
    except Refused as exc:
        return refusal_page(exc)
    target = request.form.get("go", "")
    return redirect(safe_path(target, "/inbox", prefix="/") if target else "/inbox", code=303)


@bp.app_context_processor
def _unread_badge() -> dict[str, Any]:
    def unread_notifications() -> int:
        """The header's badge: the logged-in user's unread notifications (0 when logged out)."""
        username = current_username()
        if not username:
            return 0
        try:
            return inbox.unread_count(services(), username)
        except Refused:
            return 0

    return {"unread_notifications": unread_notifications}


def _int(raw: str | None, name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise Invalid("must_be_number", name) from None


def _date(raw: str | None, name: str) -> date | None:
    if raw in (None, ""):
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise Invalid("must_be_date", name) from None
