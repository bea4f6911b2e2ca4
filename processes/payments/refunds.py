"""R8.6: a paid fee is given back when the dossier was refused or stopped after acceptance (or the
deadlines flagged it for refund). Reception proposes it with the reason; a leader of the handling agency
approves and executes it (a leader may also propose and execute at once). Money paid online goes back
through the gateway's refund API; money paid at the counter or by transfer is recorded as paid back.
Once: the refund row is unique per dossier, its execution a compare-and-set from "proposed" to "done",
and the gateway refuses a second refund of an order (94)."""
from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.payments import GatewayError, vnpay
from models import Agency, Dossier, OutboxMessage, PaymentAttempt, PaymentRefund, User
from processes import audit, idempotency
from processes.access import may_refund_fee, may_take_payment
from processes.dossier.dossiers import load_for
from processes.dossier.status import DossierStatus
from processes.errors import Conflict, Invalid, Unprocessable
from processes.notices.sending import queue_notice
from processes.payments import ledger
from processes.people.users import active_officers
from processes.uow import UnitOfWork

MAX_REASON = 500
REFUND_STATUSES = (DossierStatus.NOT_ACCEPTED, DossierStatus.PROCESSING_STOPPED)


def refund_due(dossier: Dossier) -> bool:
    return dossier.refund_flagged or dossier.status_code in REFUND_STATUSES


def _reason(reason: str | None) -> str:
    why = (reason or "").strip()
    if not why or len(why) > MAX_REASON:
        raise Invalid("payment.refund_reason_required", "reason", max=MAX_REASON)
    return why


def propose_refund(services: Services, username: str, code: str, reason: str,
                   idempotency_key: str | None = None) -> dict[str, Any]:
    """Reception proposes to give the paid fee back, with the reason; the agency's leaders are told."""
    why = _reason(reason)
    request = idempotency.request_of(idempotency_key, "payment.refund_proposed", code, why)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        now = services.clock.now()
        earlier = idempotency.replay(s, username, request, now)
        if earlier is not None:
            return earlier
        user, dossier, _procedure = load_for(s, username, code, may_take_payment, "fee.reception_only")
        fee = ledger.fee_of(s, dossier.id)
        if fee is None:
            raise Conflict("payment.refund_nothing_paid", code=code)
        if ledger.refund_of(s, dossier.id) is not None:
            raise Conflict("payment.refund_already_proposed", code=code)
        if not refund_due(dossier):
            raise Conflict("payment.refund_not_due", code=code)
        s.add(PaymentRefund(dossier_id=dossier.id, amount_vnd=fee.amount_vnd, method=fee.method, state="proposed",
                            reason=why, proposed_at=now, proposed_by=user.id))
        audit.append(s, at=now, actor=user.username, kind="refund_proposed", dossier_id=dossier.id,
                     detail={"amount_vnd": fee.amount_vnd, "method": fee.method, "reason": why, "rule": "R8.6"})
        for leader in active_officers(s, dossier.agency_id):
            if leader.has_role("leader") and leader.email:
                s.add(OutboxMessage(
                    key=f"refund-proposed:{dossier.code}:{leader.id}", channel="email", recipient=leader.email,
                    subject=f"Đề nghị hoàn trả phí, lệ phí hồ sơ {dossier.code}",
                    body=f"Bộ phận một cửa đề nghị hoàn trả {fee.amount_vnd} đồng phí, lệ phí của hồ sơ "
                         f"{dossier.code}. Lý do: {why}", dossier_id=dossier.id, created_at=now, next_attempt_at=now))
        answer = idempotency.remember(s, username, request, {
            "code": code, "amount_vnd": fee.amount_vnd, "method": fee.method, "state": "proposed",
            "reason": why}, now)
        return idempotency.commit_or_twin(services, uow, username, request, answer,
                                          lost=Conflict("payment.refund_already_proposed", code=code))


def refund_fee(services: Services, username: str, code: str, reason: str = "",
               idempotency_key: str | None = None) -> dict[str, Any]:
    """A leader approves the proposed refund (or refunds at once, with a reason) and it is executed,
    once: audited, and the applicant is told."""
    request = idempotency.request_of(idempotency_key, "payment.refund", code, (reason or "").strip())
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
        proposal = ledger.refund_of(s, dossier.id)
        if proposal is not None and proposal.state == "done":
            raise Conflict("payment.already_refunded", code=code)
        why = _reason(reason or (proposal.reason if proposal is not None else ""))
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
        done = {"state": "done", "reason": why, "gateway_ref": gateway_ref, "refunded_at": now,
                "refunded_by": user.id, "attempt_id": attempt.id if attempt else None}
        if proposal is None:
            s.add(PaymentRefund(dossier_id=dossier.id, amount_vnd=fee.amount_vnd, method=fee.method,
                                proposed_at=now, proposed_by=user.id, **done))
        else:  # compare-and-set: of two leaders approving at once, one executes, the other is told 409
            moved = s.execute(sa.update(PaymentRefund).where(PaymentRefund.id == proposal.id,
                                                             PaymentRefund.state == "proposed").values(**done)
                              .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
            if moved != 1:
                raise Conflict("payment.already_refunded", code=code)
        audit.append(s, at=now, actor=user.username, kind="fee_refunded", dossier_id=dossier.id,
                     detail={"amount_vnd": fee.amount_vnd, "method": fee.method, "receipt_no": fee.receipt_no,
                             "gateway_ref": gateway_ref, "reason": why, "rule": "R8.6"})
        amount = f"{fee.amount_vnd:,}".replace(",", ".")
        body = (f"Hồ sơ {dossier.code}: cơ quan đã hoàn trả {amount} đồng phí, lệ phí đã nộp "
                f"(biên lai {fee.receipt_no}). Lý do: {why}")
        queue_notice(services, s, dossier, _procedure, s.get(User, dossier.applicant_id), "notice",
                     "Hoàn trả phí, lệ phí", body, f"{dossier.code}:refund", now)
        answer = idempotency.remember(s, username, request, {
            "code": code, "amount_vnd": fee.amount_vnd, "method": fee.method, "gateway_ref": gateway_ref,
            "reason": why, "refunded_at": now.isoformat()}, now)
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
