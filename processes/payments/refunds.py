"""R8.6: a paid fee is given back when the dossier was refused or stopped after acceptance (or the
deadlines flagged it for refund). A leader of the handling agency orders it; money paid online goes
back through the gateway's refund API, money paid at the counter or by transfer is recorded as paid
back. Once: the refund row is unique per dossier, and the gateway refuses a second refund (94)."""
from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.payments import GatewayError, vnpay
from models import Agency, Dossier, OutboxMessage, PaymentAttempt, PaymentRefund, User
from processes import audit, idempotency
from processes.access import may_refund_fee
from processes.dossier.dossiers import load_for
from processes.dossier.status import DossierStatus
from processes.errors import Conflict, Invalid, Unprocessable
from processes.payments import ledger
from processes.uow import UnitOfWork

MAX_REASON = 500
REFUND_STATUSES = (DossierStatus.NOT_ACCEPTED, DossierStatus.PROCESSING_STOPPED)


def refund_due(dossier: Dossier) -> bool:
    return dossier.refund_flagged or dossier.status_code in REFUND_STATUSES


def refund_fee(services: Services, username: str, code: str, reason: str,
               idempotency_key: str | None = None) -> dict[str, Any]:
    """Give the dossier's paid fee back, once, with the reason (audited; the applicant is told)."""
    why = (reason or "").strip()
    if not why or len(why) > MAX_REASON:
        raise Invalid("payment.refund_reason_required", "reason", max=MAX_REASON)
    request = idempotency.request_of(idempotency_key, "payment.refund", code, why)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        now = services.clock.now()
        earlier = idempotency.replay(s, username, request, now)
        if earlier is not None:
            return earlier
        user, dossier, _procedure = load_for(s, username, code, may_refund_fee, "payment.refund_leader_only")
        fee = ledger.fee_of(s, dossier.id)
        if fee is None:
            raise Conflict("payment.refund_nothing_paid", code=code)
        if ledger.refund_of(s, dossier.id) is not None:
            raise Conflict("payment.already_refunded", code=code)
        if not refund_due(dossier):
            raise Conflict("payment.refund_not_due", code=code)
        attempt = None
        gateway_ref = None
        if fee.method == "online":
            attempt = s.scalar(sa.select(PaymentAttempt).where(PaymentAttempt.dossier_id == dossier.id,
                                                               PaymentAttempt.state == "paid",
                                                               PaymentAttempt.gateway_txn_no == fee.reference))
            if attempt is None:
                raise Conflict("payment.refund_attempt_missing", code=code)
            gateway_ref = _refund_online(services, s, attempt, user, now)
            attempt.state = "refunded"
        refund = PaymentRefund(dossier_id=dossier.id, attempt_id=attempt.id if attempt else None,
                               amount_vnd=fee.amount_vnd, method=fee.method, reason=why, gateway_ref=gateway_ref,
                               refunded_at=now, refunded_by=user.id)
        s.add(refund)
        audit.append(s, at=now, actor=user.username, kind="fee_refunded", dossier_id=dossier.id,
                     detail={"amount_vnd": fee.amount_vnd, "method": fee.method, "receipt_no": fee.receipt_no,
                             "gateway_ref": gateway_ref, "reason": why, "rule": "R8.6"})
        applicant = s.get(User, dossier.applicant_id)
        if applicant is not None and applicant.email:
            body = (f"Hồ sơ {dossier.code}: cơ quan đã hoàn trả {fee.amount_vnd:,} đồng phí, lệ phí đã nộp "
                    f"(biên lai {fee.receipt_no}). Lý do: {why}").replace(",", ".")
            s.add(OutboxMessage(key=f"refund:{dossier.code}", channel="email", recipient=applicant.email,
                                subject="Hoàn trả phí, lệ phí", body=body, dossier_id=dossier.id,
                                created_at=now, next_attempt_at=now))
        answer = idempotency.remember(s, username, request, {
            "code": code, "amount_vnd": fee.amount_vnd, "method": fee.method, "gateway_ref": gateway_ref,
            "refunded_at": now.isoformat()}, now)
        return idempotency.commit_or_twin(services, uow, username, request, answer,
                                          lost=Conflict("payment.already_refunded", code=code))


def _refund_online(services: Services, s: Any, attempt: PaymentAttempt, user: User, now: Any) -> str:
    agency = s.get(Agency, attempt.agency_id)
    merchant = vnpay.merchant_for(services.config, agency.code) if agency is not None else None
    if merchant is None or merchant.tmn_code != attempt.merchant:
        raise Unprocessable("payment.gateway_unavailable")
    try:
        answer = vnpay.refund(merchant, services.payment_http, request_id=secrets.token_hex(16),
                              txn_ref=attempt.txn_ref, amount_vnd=attempt.amount_vnd,
                              transaction_no=attempt.gateway_txn_no or "", transaction_date=attempt.created_at,
                              created_by=user.username[:50], now=now, ip_addr="127.0.0.1",
                              order_info=f"Hoan tra phi ho so {attempt.txn_ref}")
    except GatewayError:
        raise Unprocessable("payment.gateway_unavailable") from None
    code = str(answer.get("vnp_ResponseCode"))
    if code == "94":  # a refund of this order is already at the gateway: record it, never ask twice
        return f"{attempt.gateway_txn_no}-R"
    if code != "00":
        raise Unprocessable("payment.refund_refused", gateway_code=code)
    return str(answer.get("vnp_TransactionNo") or answer.get("vnp_ResponseId") or "")[:60]
