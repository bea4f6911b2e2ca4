"""Payment pages (issue 13): the applicant's pay button and the gateway's return page, the receipt
download; the desk's payments of a dossier (transfer recorded, refund). Routes parse, call, render."""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, send_file

from processes.errors import Conflict, Invalid, NotFound, Refused
from processes.payments import online, receipts, refunds, transfer
from web import refusals
from web.context import services
from web.i18n import _, current_language
from web.page_kit import refusal_page, uploads
from web.session import login_required

bp = Blueprint("payments", __name__)


@bp.post("/my/dossiers/<code>/pay")
@login_required
def pay(code: str) -> Any:
    """The pay button: a new attempt, then off to the gateway's hosted page."""
    try:
        started = online.start_payment(services(), g.username, code, request.remote_addr or "",
                                       "en" if current_language() == "en" else "vn")
    except (Conflict, Invalid) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(f"/my/dossiers/{code}", code=303)
    except Refused as exc:
        return refusal_page(exc)
    return redirect(started["pay_url"], code=303)


@bp.get("/payments/vnpay/return")
@login_required
def vnpay_return() -> Any:
    """Where VNPay sends the browser back: the state MotCua holds (the IPN decides it, not this page)."""
    try:
        seen = online.payment_return(services(), g.username, request.args.to_dict())
    except Refused as exc:
        return refusal_page(exc)
    return render_template("payments/return.html", r=seen)


def _pdf(data: bytes, filename: str) -> Any:
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=filename, as_attachment=True,
                     max_age=0, etag=False)


@bp.get("/my/dossiers/<code>/receipt.pdf")
@bp.get("/officer/dossiers/<code>/receipt.pdf")
@login_required
def receipt(code: str) -> Any:
    try:
        data, filename = receipts.receipt_pdf(services(), g.username, code)
    except Refused as exc:
        return refusal_page(exc)
    return _pdf(data, filename)


@bp.get("/officer/dossiers/<code>/payments")
@login_required
def desk_payments(code: str) -> Any:
    try:
        view = online.list_payments(services(), g.username, code)
    except NotFound as exc:
        return refusal_page(exc)
    return render_template("payments/desk.html", p=view)


def _desk_action(code: str, act: Any, done: str) -> Any:
    try:
        act()
    except (Invalid, Conflict) as exc:
        flash(refusals.message_of(exc), "error")
        return redirect(f"/officer/dossiers/{code}/payments", code=303)
    except Refused as exc:
        return refusal_page(exc)
    flash(done, "success")
    return redirect(f"/officer/dossiers/{code}/payments", code=303)


@bp.post("/officer/dossiers/<code>/payments/transfer")
@login_required
def desk_transfer(code: str) -> Any:
    scans = uploads("")
    proof = next((u for u in scans if u.document_key == "proof"), None)
    return _desk_action(code, lambda: transfer.record_transfer(services(), g.username, code,
                                                               request.form.get("reference", ""), proof=proof),
                        _("Đã ghi nhận nộp phí, lệ phí bằng chuyển khoản."))


@bp.post("/officer/dossiers/<code>/payments/refund/propose")
@login_required
def desk_propose_refund(code: str) -> Any:
    return _desk_action(code, lambda: refunds.propose_refund(services(), g.username, code,
                                                             request.form.get("reason", "")),
                        _("Đã gửi đề nghị hoàn trả phí, lệ phí tới lãnh đạo."))


@bp.post("/officer/dossiers/<code>/payments/refund")
@login_required
def desk_refund(code: str) -> Any:
    return _desk_action(code, lambda: refunds.refund_fee(services(), g.username, code,
                                                         request.form.get("reason", "")),
                        _("Đã hoàn trả phí, lệ phí cho người nộp."))
