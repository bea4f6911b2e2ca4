"""Paying online through a gateway (VNPay 2.1.0): the applicant starts an attempt and is sent to the
hosted page; the gateway's IPN — and only it — settles the attempt; the browser's return shows the
state MotCua holds. Refusal codes `payment.*` (web/refusals.py)."""
from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.payments import vnpay
from models import Agency, Dossier, FeePayment, Incident, PaymentAttempt, Procedure, User
from processes import audit, idempotency
from processes.access import (
    SYSTEM,
    acting_user,
    may_act_as_applicant,
    may_refund_fee,
    may_take_payment,
    may_view_dossier,
)
from processes.dossier.dossier_run import DossierRun
from processes.dossier.dossiers import involved_agencies, load_for, load_visible
from processes.dossier.status import FINAL_STATUSES, DossierStatus
from processes.errors import Conflict, NotFound
from processes.notices.sending import queue_notice
from processes.payments import ledger
from processes.uow import UnitOfWork

log = logging.getLogger("motcua.payments")
CHANNEL = "vnpay"
# What an attempt becomes when the IPN says it was not paid (24 cancelled, 11 timed out, else failed).
UNPAID_STATES = {vnpay.CANCELLED: "cancelled", vnpay.TIMED_OUT: "expired"}


def expire_minutes(services: Services) -> int:
    return int(services.config.get("payments", {}).get("expire_minutes", 15))


def order_info(code: str) -> str:
    """vnp_OrderInfo: Vietnamese without diacritics or special characters, as VNPay asks."""
    return f"Nop phi le phi ho so {code}"


def _due(services: Services, s: Any, dossier: Dossier, procedure: Procedure) -> int:
    variables: dict[str, Any] = {}
    if dossier.status_code == DossierStatus.PAYMENT_REQUESTED:  # an officer may have set the amount
        variables = dict(DossierRun(services, s, dossier, procedure, SYSTEM).load().variables)
    return ledger.amount_due(procedure, variables)


def start_payment(services: Services, username: str, code: str, client_ip: str = "", locale: str = "vn",
                  idempotency_key: str | None = None) -> dict[str, Any]:
    """The applicant starts paying the dossier's fees online: a new attempt (its own `txn_ref`) and the
    signed address of the gateway's hosted page (`pay_url`). With an `idempotency_key`, a repeat
    returns the first attempt rather than a second."""
    request = idempotency.request_of(idempotency_key, "payment.start", code, CHANNEL)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        now = services.clock.now()
        earlier = idempotency.replay(s, username, request, now)
        if earlier is not None:
            return earlier
        user, dossier, procedure = load_for(s, username, code, may_act_as_applicant, "payment.applicant_only")
        if ledger.fee_of(s, dossier.id) is not None:
            raise Conflict("payment.already_paid", code=code)
        if dossier.status_code in FINAL_STATUSES:
            raise Conflict("payment.dossier_closed", code=code)
        amount = _due(services, s, dossier, procedure)
        if amount <= 0:
            raise Conflict("payment.nothing_due", code=code)
        agency = s.get(Agency, dossier.agency_id)
        assert agency is not None
        merchant = vnpay.merchant_for(services.config, agency.code)
        if merchant is None or not ledger.takes_fees_online(services.config, procedure, agency):
            raise Conflict("payment.online_unavailable", code=code)
        txn_ref = f"{now.astimezone(vnpay.GMT7):%y%m%d%H%M%S}{secrets.token_hex(5).upper()}"
        attempt = PaymentAttempt(dossier_id=dossier.id, agency_id=agency.id, channel=CHANNEL,
                                 merchant=merchant.tmn_code, txn_ref=txn_ref, amount_vnd=amount, state="created",
                                 created_at=now, created_by=user.id)
        s.add(attempt)
        s.flush()
        url = vnpay.checkout_url(merchant, txn_ref=txn_ref, amount_vnd=amount, order_info=order_info(code),
                                 ip_addr=client_ip, created_at=now,
                                 expire_at=now + timedelta(minutes=expire_minutes(services)),
                                 locale="en" if locale == "en" else "vn")
        audit.append(s, at=now, actor=user.username, kind="payment_started", dossier_id=dossier.id,
                     detail={"attempt": attempt.id, "txn_ref": txn_ref, "amount_vnd": amount, "channel": CHANNEL})
        answer = idempotency.remember(s, username, request, {
            "id": attempt.id, "code": code, "channel": CHANNEL, "txn_ref": txn_ref, "amount_vnd": amount,
            "state": attempt.state, "pay_url": url}, now)
        return idempotency.commit_or_twin(services, uow, username, request, answer)


def handle_ipn(services: Services, params: Mapping[str, str]) -> dict[str, str]:
    """VNPay's IPN, the only thing that marks an attempt paid. Checked in VNPay's order: the signature
    (97), the order (01), the amount (04), already confirmed (02); then settled once (00). Any other
    failure answers 99 so that VNPay tries again. The answer is the JSON VNPay expects."""
    try:
        return _settle(services, params)
    except Exception:  # noqa: BLE001 — VNPay retries on 99; the operator reads the log
        log.exception("IPN failed")
        return vnpay.ipn_answer(vnpay.IPN_OTHER)


def _settle(services: Services, params: Mapping[str, str]) -> dict[str, str]:
    terminals = vnpay.merchants_by_terminal(services.config)
    known = terminals.get(str(params.get("vnp_TmnCode", "")))
    if known is None or not vnpay.verify(known[1], params):
        return vnpay.ipn_answer(vnpay.IPN_BAD_SIGNATURE)
    cb = vnpay.callback(params)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        now = services.clock.now()
        attempt = s.scalar(sa.select(PaymentAttempt).where(PaymentAttempt.txn_ref == cb.txn_ref,
                                                           PaymentAttempt.merchant == cb.tmn_code))
        if attempt is None:
            return vnpay.ipn_answer(vnpay.IPN_NOT_FOUND)
        if cb.amount_vnd != attempt.amount_vnd:
            audit.append(s, at=now, actor=SYSTEM, kind="payment_ipn_refused", dossier_id=attempt.dossier_id,
                         detail={"attempt": attempt.id, "rsp": vnpay.IPN_BAD_AMOUNT, "amount_vnd": cb.amount_vnd})
            uow.commit()
            return vnpay.ipn_answer(vnpay.IPN_BAD_AMOUNT)
        if attempt.state != "created":
            return vnpay.ipn_answer(vnpay.IPN_ALREADY)
        state = "paid" if cb.paid else UNPAID_STATES.get(cb.response_code, "failed")
        # Compare-and-set: of two IPNs racing, one moves the attempt out of "created"; the other is told 02.
        moved = s.execute(sa.update(PaymentAttempt).where(PaymentAttempt.id == attempt.id,
                                                          PaymentAttempt.state == "created")
                          .values(state=state, response_code=cb.response_code[:10],
                                  gateway_txn_no=cb.transaction_no[:40] or None, bank_code=cb.bank_code[:40] or None,
                                  paid_at=(vnpay.parse_vnp_date(cb.pay_date) or now) if state == "paid" else None,
                                  settled_at=now)
                          .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
        if moved != 1:
            return vnpay.ipn_answer(vnpay.IPN_ALREADY)
        dossier = s.get(Dossier, attempt.dossier_id)
        assert dossier is not None
        audit.append(s, at=now, actor=SYSTEM, kind="payment_settled", dossier_id=dossier.id,
                     detail={"attempt": attempt.id, "txn_ref": attempt.txn_ref, "state": state,
                             "response_code": cb.response_code, "transaction_no": cb.transaction_no})
        if state == "paid":
            _record_online_fee(services, s, dossier, attempt, cb, now)
        try:
            uow.commit()
        except sa.exc.IntegrityError:  # a twin IPN committed first
            return vnpay.ipn_answer(vnpay.IPN_ALREADY)
        return vnpay.ipn_answer(vnpay.IPN_OK)


def _record_online_fee(services: Services, s: Any, dossier: Dossier, attempt: PaymentAttempt,
                       cb: vnpay.Callback, now: Any) -> None:
    if ledger.fee_of(s, dossier.id) is not None:  # paid twice (another attempt, or at the counter meanwhile)
        s.add(Incident(at=now, dossier_id=dossier.id, kind="payment.duplicate",
                       message=f"{attempt.txn_ref}: hồ sơ {dossier.code} đã nộp phí trước đó; giao dịch VNPay "
                               f"{cb.transaction_no} ({attempt.amount_vnd} đồng) cần hoàn trả cho người nộp."))
        return
    procedure = s.get(Procedure, dossier.procedure_id)
    agency = s.get(Agency, attempt.agency_id)
    assert procedure is not None and agency is not None
    fee = ledger.record_fee(services, s, dossier, procedure, amount_vnd=attempt.amount_vnd, method="online",
                            receipt_no=ledger.next_receipt_no(s, agency, now), reference=cb.transaction_no or None,
                            received_by=ledger.system_user(s), actor=SYSTEM, now=now)
    amount = f"{fee.amount_vnd:,}".replace(",", ".")
    detail = (f"Hồ sơ {dossier.code}: đã nhận {amount} đồng phí, lệ phí thanh toán trực tuyến qua VNPay "
              f"(giao dịch {cb.transaction_no}); biên lai điện tử số {fee.receipt_no}.")
    queue_notice(services, s, dossier, procedure, s.get(User, dossier.applicant_id), "payment_confirmed",
                 "Đã nhận thanh toán phí, lệ phí", detail, f"{dossier.code}:paid:{attempt.txn_ref}", now)


def payment_return(services: Services, username: str, params: Mapping[str, str]) -> dict[str, Any]:
    """The page the gateway sends the applicant's browser back to: what MotCua holds about the attempt
    (pending until the IPN came). The parameters only find the attempt and say what the gateway
    showed; they change nothing. A return not signed by the gateway is refused as not found."""
    terminals = vnpay.merchants_by_terminal(services.config)
    known = terminals.get(str(params.get("vnp_TmnCode", "")))
    if known is None or not vnpay.verify(known[1], params):
        raise NotFound("payment.not_found")
    cb = vnpay.callback(params)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        attempt = s.scalar(sa.select(PaymentAttempt).where(PaymentAttempt.txn_ref == cb.txn_ref,
                                                           PaymentAttempt.merchant == cb.tmn_code))
        dossier = s.get(Dossier, attempt.dossier_id) if attempt is not None else None
        if attempt is None or dossier is None or not may_view_dossier(user, dossier, set()):
            raise NotFound("payment.not_found")
        fee = ledger.fee_of(s, dossier.id)
        return {"code": dossier.code, "attempt": _attempt_view(attempt), "gateway_response": cb.response_code,
                "fee": _fee_view(fee) if fee is not None else None}


def _attempt_view(a: PaymentAttempt) -> dict[str, Any]:
    return {"id": a.id, "channel": a.channel, "txn_ref": a.txn_ref, "amount_vnd": a.amount_vnd, "state": a.state,
            "created_at": a.created_at.isoformat(), "paid_at": a.paid_at.isoformat() if a.paid_at else None,
            "transaction_no": a.gateway_txn_no, "response_code": a.response_code}


def _fee_view(fee: FeePayment) -> dict[str, Any]:
    return {"amount_vnd": fee.amount_vnd, "receipt_no": fee.receipt_no, "method": fee.method,
            "reference": fee.reference, "paid_at": fee.paid_at.isoformat()}


def list_payments(services: Services, username: str, code: str) -> dict[str, Any]:
    """The dossier's fees: what is due, what was paid (the fee row and its receipt), every online
    attempt, the refund; and what the caller may do (pay online, record a transfer, refund)."""
    from processes.payments.refunds import refund_due

    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, procedure = load_visible(s, username, code)
        fee = ledger.fee_of(s, dossier.id)
        refund = ledger.refund_of(s, dossier.id)
        done = refund is not None and refund.state == "done"
        attempts = s.scalars(sa.select(PaymentAttempt).where(PaymentAttempt.dossier_id == dossier.id)
                             .order_by(PaymentAttempt.id)).all()
        agency = s.get(Agency, dossier.agency_id)
        assert agency is not None
        due = 0 if fee is not None else _due(services, s, dossier, procedure)
        online = ledger.takes_fees_online(services.config, procedure, agency)
        officer = may_take_payment(user, dossier) or (user.id != dossier.applicant_id and may_view_dossier(
            user, dossier, involved_agencies(s, dossier)))
        received_by = s.get(User, fee.received_by) if fee is not None else None
        return {
            "code": dossier.code, "fees": procedure.catalogue.get("fees", []),
            "fees_due": due, "fees_paid": fee.amount_vnd if fee is not None and not done else 0,
            "fee": (_fee_view(fee) | {"received_by": received_by.full_name if received_by else None})
            if fee is not None else None,
            "attempts": [_attempt_view(a) for a in attempts] if (officer or dossier.applicant_id == user.id) else [],
            "refund": {"amount_vnd": refund.amount_vnd, "method": refund.method, "reason": refund.reason,
                       "state": refund.state, "proposed_at": refund.proposed_at.isoformat(),
                       "refunded_at": refund.refunded_at.isoformat() if refund.refunded_at else None,
                       "gateway_ref": refund.gateway_ref}
            if refund is not None else None,
            "online_available": online,
            "may_pay_online": (online and due > 0 and dossier.applicant_id == user.id
                               and dossier.status_code not in FINAL_STATUSES),
            "may_record_transfer": may_take_payment(user, dossier) and fee is None and due > 0,
            "may_propose_refund": may_take_payment(user, dossier) and fee is not None and refund is None
            and refund_due(dossier),
            "may_refund": may_refund_fee(user, dossier) and fee is not None and not done and refund_due(dossier),
            "refund_due": fee is not None and not done and refund_due(dossier),
        }
