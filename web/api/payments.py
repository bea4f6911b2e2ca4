"""Payments in the JSON API (issue 13): start an online payment, list a dossier's payments, record a
transfer, refund, the receipt; VNPay's IPN (no token: the gateway's signature is the proof) and the
return check."""
from __future__ import annotations

import io
from typing import Any

from flask import Response, g, jsonify, request, send_file

from processes.errors import Invalid
from processes.payments import online, receipts, refunds, transfer
from web.api import bp
from web.api.dossiers import idempotency_key, json_body
from web.auth import require_token
from web.context import services


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str):
        raise Invalid("must_be_text", name)
    return value


@bp.post("/dossiers/<code>/payments")
@require_token
def start_payment(code: str) -> Any:
    """`{"channel": "vnpay"}` → 201 with the attempt and its `pay_url` (the gateway's hosted page)."""
    body = json_body()
    channel = body.get("channel", online.CHANNEL)
    if channel != online.CHANNEL:
        raise Invalid("payment.channel_unknown", "channel")
    locale = body.get("locale", "vn")
    started = online.start_payment(services(), g.username, code, request.remote_addr or "",
                                   "en" if locale == "en" else "vn", idempotency_key())
    return jsonify(started), 201


@bp.get("/dossiers/<code>/payments")
@require_token
def payments(code: str) -> Response:
    return jsonify(online.list_payments(services(), g.username, code))


@bp.post("/dossiers/<code>/payments/transfer")
@require_token
def record_transfer(code: str) -> Response:
    """Reception records a bank or postal transfer: `{"reference": "..."}`."""
    return jsonify(transfer.record_transfer(services(), g.username, code, _text(json_body(), "reference"),
                                            idempotency_key()))


@bp.post("/dossiers/<code>/payments/refund/proposal")
@require_token
def propose_refund(code: str) -> Response:
    """Reception proposes a refund of the paid fee (R8.6): `{"reason": "..."}`."""
    return jsonify(refunds.propose_refund(services(), g.username, code, _text(json_body(), "reason"),
                                          idempotency_key()))


@bp.post("/dossiers/<code>/payments/refund")
@require_token
def refund(code: str) -> Response:
    """A leader approves and executes the refund (R8.6): `{"reason"?: "..."}` (the proposal's by default)."""
    body = json_body()
    reason = _text(body, "reason") if "reason" in body else ""
    return jsonify(refunds.refund_fee(services(), g.username, code, reason, idempotency_key()))


@bp.get("/dossiers/<code>/payments/receipt.pdf")
@require_token
def receipt(code: str) -> Response:
    data, filename = receipts.receipt_pdf(services(), g.username, code)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=filename, max_age=0, etag=False)


@bp.get("/payments/vnpay/ipn")
def vnpay_ipn() -> Response:
    """VNPay's IPN: `{"RspCode": "00", "Message": "Confirm Success"}` (01, 02, 04, 97, 99 otherwise)."""
    return jsonify(online.handle_ipn(services(), request.args.to_dict()))


@bp.get("/payments/vnpay/return")
@require_token
def vnpay_return() -> Response:
    """What MotCua holds about the attempt a (signed) return names; changes nothing."""
    return jsonify(online.payment_return(services(), g.username, request.args.to_dict()))
