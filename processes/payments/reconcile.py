"""Reconciliation: ask the gateway (querydr) about every attempt of a period that is still open or
was paid, and compare with what MotCua holds. A payment the gateway holds and MotCua missed, an
amount that differs, a payment MotCua holds and the gateway does not: each becomes an incident
(`models.Incident`, kind `payment.*`) for the operators. Open attempts the gateway never saw paid
and older than their expiry are marked expired. Nothing here marks an attempt paid: only the IPN
does (an operator who reads the incident asks VNPay to send it again, or records the fee)."""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.payments import GatewayError, vnpay
from models import Agency, Incident, PaymentAttempt
from processes import audit
from processes.access import SYSTEM, authorise, may_reconcile_payments
from processes.payments.online import expire_minutes, order_info
from processes.uow import UnitOfWork

KINDS = ("payment.unrecorded", "payment.amount_mismatch", "payment.not_at_gateway", "payment.gateway_unreachable")


def reconcile_payments(services: Services, username: str, day: date, days: int = 1) -> dict[str, Any]:
    """Compare the attempts created on `day` (local calendar day) and the `days - 1` days before it
    with the gateway's records; the incidents raised and the attempts expired."""
    tz = ZoneInfo(str(services.config["calendar"]["timezone"]))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    start = end - timedelta(days=max(days, 1))
    summary: dict[str, Any] = {"day": day.isoformat(), "checked": 0, "expired": 0, "incidents": [],
                               "unreachable": 0}
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_reconcile_payments)
        now = services.clock.now()
        attempts = s.scalars(sa.select(PaymentAttempt).where(
            PaymentAttempt.created_at >= start, PaymentAttempt.created_at < end,
            PaymentAttempt.state.in_(("created", "paid", "expired", "failed", "cancelled")))
            .order_by(PaymentAttempt.id)).all()
        agencies = {a.id: a for a in s.scalars(sa.select(Agency))}
        for attempt in attempts:
            merchant = vnpay.merchant_for(services.config, agencies[attempt.agency_id].code)
            if merchant is None or merchant.tmn_code != attempt.merchant:
                continue
            summary["checked"] += 1
            try:
                answer = vnpay.query(merchant, services.payment_http, request_id=secrets.token_hex(16),
                                     txn_ref=attempt.txn_ref, transaction_date=attempt.created_at, now=now,
                                     ip_addr="127.0.0.1", order_info=order_info(str(attempt.dossier_id)))
            except GatewayError as exc:
                summary["unreachable"] += 1
                _incident(s, summary, now, attempt, "payment.gateway_unreachable", f"{attempt.txn_ref}: {exc}")
                continue
            _compare(s, summary, now, attempt, answer, expire_minutes(services))
        audit.append(s, at=now, actor=user.username, kind="payments_reconciled",
                     detail={k: v for k, v in summary.items() if k != "incidents"}
                     | {"incidents": len(summary["incidents"])})
        uow.commit()
    return summary


def _compare(s: Any, summary: dict[str, Any], now: datetime, attempt: PaymentAttempt, answer: dict[str, Any],
             expiry_minutes: int) -> None:
    found = answer.get("vnp_ResponseCode") == "00"
    paid = found and answer.get("vnp_TransactionStatus") == "00"
    amount = vnpay.amount_of(str(answer.get("vnp_Amount", "")))
    ref = attempt.txn_ref
    if paid and attempt.state != "paid":
        _incident(s, summary, now, attempt, "payment.unrecorded",
                  f"{ref}: VNPay ghi nhận đã thanh toán {amount} đồng (giao dịch {answer.get('vnp_TransactionNo')}) "
                  f"nhưng MotCua chưa ghi nhận (trạng thái {attempt.state}).")
    elif paid and amount != attempt.amount_vnd:
        _incident(s, summary, now, attempt, "payment.amount_mismatch",
                  f"{ref}: VNPay ghi nhận {amount} đồng, MotCua ghi nhận {attempt.amount_vnd} đồng.")
    elif attempt.state == "paid" and not paid:
        _incident(s, summary, now, attempt, "payment.not_at_gateway",
                  f"{ref}: MotCua ghi nhận đã thanh toán nhưng VNPay trả lời mã {answer.get('vnp_ResponseCode')}, "
                  f"trạng thái {answer.get('vnp_TransactionStatus')}.")
    elif (attempt.state == "created" and not paid
          and attempt.created_at + timedelta(minutes=expiry_minutes) < now):
        attempt.state, attempt.settled_at = "expired", now
        audit.append(s, at=now, actor=SYSTEM, kind="payment_expired", dossier_id=attempt.dossier_id,
                     detail={"attempt": attempt.id, "txn_ref": ref})
        summary["expired"] += 1


def _incident(s: Any, summary: dict[str, Any], now: datetime, attempt: PaymentAttempt, kind: str,
              message: str) -> None:
    """One open incident per attempt and kind (a second run does not raise it again)."""
    exists = s.scalar(sa.select(Incident.id).where(Incident.kind == kind, Incident.dossier_id == attempt.dossier_id,
                                                   Incident.resolved_at.is_(None),
                                                   Incident.message.startswith(f"{attempt.txn_ref}:")))
    if exists is None:
        s.add(Incident(at=now, dossier_id=attempt.dossier_id, kind=kind, message=message))
        summary["incidents"].append({"kind": kind, "txn_ref": attempt.txn_ref, "message": message})


def reconcile_daily(services: Services) -> dict[str, Any]:
    """The daily sweep (web/sweeper.py), acting as SYSTEM over `[payments] reconcile_days` days."""
    tz = ZoneInfo(str(services.config["calendar"]["timezone"]))
    days = int(services.config.get("payments", {}).get("reconcile_days", 3))
    return reconcile_payments(services, SYSTEM, services.clock.now().astimezone(tz).date(), days)
