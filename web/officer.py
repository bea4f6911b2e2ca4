"""The officers' workbench pages (`/officer/...`): the task list, the task page, claiming and
handing over, notes, fees, the register of dossiers (form 06, `/officer/forms/06`); and, for everyone who
may see a dossier, its documents and printable forms by session (`/dossiers/CODE/documents/ID`,
`/dossiers/CODE/forms/NN.pdf`).
Routes parse, call a use case, render; what anyone may do is decided in processes/."""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, g, redirect, render_template, request, send_file

from processes.desk import fees as desk_fees
from processes.desk import paper, task_page, workbench
from processes.desk.apology import issue_apology
from processes.desk.steps import Delivery
from processes.desk.tasks import Completion, complete_task
from processes.errors import Conflict, Invalid, Refused
from processes.submission.submission import Upload
from web import refusals
from web.context import services
from web.documents import send_document
from web.errors import refusal_response
from web.filters import LOCAL
from web.i18n import _
from web.page_kit import field_errors
from web.session import login_required, safe_path

bp = Blueprint("officer", __name__)
FILTER_KEYS = ("procedure", "status", "due", "overdue", "applicant", "code")


def refused(exc: Refused) -> Any:
    """A refusal as a page (the one answer of web/errors.py)."""
    return refusal_response(exc)


# -- the task list --------------------------------------------------------------------------------
@bp.get("/officer/tasks")
@login_required
def tasks() -> Any:
    args = request.args
    queue = args.get("queue", "group")
    try:
        filters = workbench.QueueFilters(
            procedure=args.get("procedure") or None, status=_int(args.get("status"), "status"),
            due_before=_date(args.get("due"), "due"), overdue=args.get("overdue") == "1",
            applicant=(args.get("applicant") or "")[:100] or None, code=(args.get("code") or "")[:40] or None)
        page = workbench.task_queue(services(), g.username, queue, filters,
                                    _int(args.get("page"), "page") or 1)
    except Refused as exc:
        return refused(exc)
    kept = {k: args[k] for k in FILTER_KEYS if args.get(k)}
    return render_template("officer/tasks.html", page=page, args=kept, queue=queue,
                           link=lambda **over: "/officer/tasks?" + urlencode({**kept, "queue": queue, **over}))


@bp.post("/officer/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Any:
    return _task_action(lambda: workbench.claim_task(services(), g.username, task_id),
                        _("Đã nhận xử lý công việc."))


@bp.post("/officer/tasks/<task_id>/release")
@login_required
def release(task_id: str) -> Any:
    return _task_action(lambda: workbench.release_task(services(), g.username, task_id),
                        _("Đã trả công việc về nhóm."))


@bp.post("/officer/tasks/<task_id>/handover")
@login_required
def hand_over(task_id: str) -> Any:
    colleague = request.form.get("colleague", "")
    return _task_action(lambda: workbench.hand_over_task(services(), g.username, task_id, colleague),
                        _("Đã chuyển công việc cho {who}.", who=colleague))


def _task_action(act: Any, done: str) -> Any:
    back = _back()
    try:
        act()
    except (Conflict, Invalid) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(back, code=303)
    except Refused as exc:
        return refused(exc)
    flash(done, "success")
    return redirect(back, code=303)


# -- the task page --------------------------------------------------------------------------------
@bp.get("/officer/tasks/<task_id>")
@login_required
def task(task_id: str) -> Any:
    return _render_task(task_id, {}, {})


@bp.post("/officer/tasks/<task_id>")
@login_required
def complete(task_id: str) -> Any:
    f = request.form
    data = {k[len("data."):]: v for k, v in f.items() if k.startswith("data.")}
    checklist = ({k[len("checklist."):]: True for k in f if k.startswith("checklist.")}
                 if f.get("checklist_shown") else None)
    file = request.files.get("delivery.result_file")
    delivery = Delivery(
        recipient_name=f.get("delivery.recipient_name", ""), identity_document=f.get("delivery.identity_document", ""),
        identity_checked=bool(f.get("delivery.identity_checked")),
        originals_compared=bool(f.get("delivery.originals_compared")),
        applicant_signed=bool(f.get("delivery.applicant_signed")),
        tracking_number=f.get("delivery.tracking_number", ""),
        fee_waiver_reason=f.get("delivery.fee_waiver_reason", ""),
        result_file=Upload("result", file.filename or "", file.read()) if file and file.filename else None)
    try:  # the same use case as POST /api/v1/tasks/ID/complete and `motcua tasks complete`
        complete_task(services(), g.username, Completion(task_id, data, checklist, delivery))
    except Invalid as exc:
        return _render_task(task_id, field_errors(exc), f, status=422)
    except Conflict as exc:
        return _render_task(task_id, {"": refusals.message_of(exc)}, f, status=409)
    except Refused as exc:
        return refused(exc)
    flash(_("Đã hoàn thành công việc; hồ sơ đã chuyển sang bước tiếp theo."), "success")
    return redirect("/officer/tasks", code=303)


def _render_task(task_id: str, errors: dict[str, str], posted: Any, status: int = 200) -> Any:
    try:
        view = task_page.task_page(services(), g.username, task_id)
        handover = workbench.colleagues(services(), g.username, task_id) if view["task"]["may_act"] else []
    except Refused as exc:
        return refused(exc)
    from web.notices_pages import deliveries_of

    return render_template("officer/task.html", v=view, errors=errors, posted=posted, colleagues=handover,
                           form_titles=paper.DOSSIER_FORMS, deliveries=deliveries_of(view["dossier"]["code"])), status


# -- notes, fees and the apology letter ------------------------------------------------------------
def _dossier_action(action: Callable[[], object], done: str) -> Any:
    """Run one small officer action; refusals come back as a message on the page it came from."""
    try:
        action()
    except (Invalid, Conflict) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(_back(), code=303)
    except Refused as exc:
        return refused(exc)
    flash(done, "success")
    return redirect(_back(), code=303)


@bp.post("/officer/dossiers/<code>/apology")
@login_required
def apology(code: str) -> Any:
    """Form 04: a leader's apology and new appointment for a late dossier (R8.1)."""
    def send() -> None:
        try:
            new_due = datetime.fromisoformat(request.form.get("new_due", "")).replace(tzinfo=LOCAL)
        except ValueError:
            raise Invalid("apology.new_due_required", "new_due") from None
        issue_apology(services(), g.username, code, new_due, request.form.get("reason", ""))

    return _dossier_action(send, _("Đã gửi thư xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)."))


@bp.post("/officer/dossiers/<code>/notes")
@login_required
def note(code: str) -> Any:
    return _dossier_action(lambda: task_page.add_note(services(), g.username, code, request.form.get("body", "")),
                           _("Đã lưu ghi chú."))


@bp.post("/officer/dossiers/<code>/fees")
@login_required
def fees(code: str) -> Any:
    return _dossier_action(lambda: desk_fees.mark_fee_paid(services(), g.username, code,
                                                           request.form.get("receipt_no", "")),
                           _("Đã ghi nhận nộp phí, lệ phí."))


# -- paper and documents --------------------------------------------------------------------------
REGISTER_PAGE = f"/officer/forms/{paper.REGISTER}"


@bp.get(REGISTER_PAGE)
@login_required
def register() -> Any:
    today = services().clock.now().astimezone(LOCAL).date()
    return render_template("officer/register.html", first=today.replace(day=1), last=today)


@bp.get(f"{REGISTER_PAGE}.pdf")
@login_required
def register_pdf() -> Any:
    try:
        first, last = _date(request.args.get("from"), "from"), _date(request.args.get("to"), "to")
        if first is None or last is None:
            raise Invalid("register.period_required", "from")
        data = paper.register_pdf(services(), g.username, first, last)
    except Refused as exc:
        return refused(exc)
    return _pdf(data, f"mau-{paper.REGISTER}-so-theo-doi-ho-so-{first:%Y%m%d}-{last:%Y%m%d}.pdf")


@bp.get("/dossiers/<code>/forms/<form_no>.pdf")
@login_required
def form_pdf(code: str, form_no: str) -> Any:
    try:
        data = paper.dossier_form_pdf(services(), g.username, code, form_no, request.args.get("reason"))
    except Refused as exc:
        return refused(exc)
    return _pdf(data, f"mau-{form_no}-{code}.pdf")


# The former numbering (06 control sheet, 07 register) and register URLs: moved for good, query kept.
@bp.get("/dossiers/<code>/forms/06.pdf")
def former_control_sheet(code: str) -> Any:
    return _moved(f"/dossiers/{code}/forms/{paper.CONTROL_SHEET}.pdf")


@bp.get("/dossiers/<code>/forms/07.pdf")
def former_register_of_dossier(code: str) -> Any:
    return _moved(f"{REGISTER_PAGE}.pdf")


@bp.get("/officer/register")
def former_register() -> Any:
    return _moved(REGISTER_PAGE)


@bp.get("/officer/register.pdf")
def former_register_pdf() -> Any:
    return _moved(f"{REGISTER_PAGE}.pdf")


def _moved(path: str) -> Any:
    query = request.query_string.decode("latin-1")
    return redirect(f"{path}?{query}" if query else path, code=308)


@bp.get("/dossiers/<code>/documents/<int:attachment_id>")
@login_required
def document(code: str, attachment_id: int) -> Any:
    try:
        filename, content_type, data = task_page.read_document(services(), g.username, code, attachment_id,
                                                                request.args.get("reason"))
    except Refused as exc:
        return refused(exc)
    return send_document(data, content_type, filename)


def _pdf(data: bytes, filename: str) -> Response:
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=filename, as_attachment=False,
                     max_age=0, etag=False)


# -- parsing --------------------------------------------------------------------------------------
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


def _back() -> str:
    """Where a small action returns: the page it came from when that is ours, else the task list."""
    return safe_path(request.form.get("back", ""), "/officer/tasks", prefix="/officer/")
