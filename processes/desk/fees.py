"""Fees and charges paid at the counter (R7.2). A result is not handed over while a fee is unpaid
unless the desk waives it with a reason (processes.desk.steps.hand_over)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import FeePayment
from processes import audit, idempotency
from processes.access import may_take_payment
from processes.dossier.dossiers import load_for
from processes.errors import Conflict, Invalid
from processes.payments.ledger import fee_recorded
from processes.uow import UnitOfWork

MAX_RECEIPT = 60


def mark_fee_paid(services: Services, username: str, code: str, receipt_no: str,
                  idempotency_key: str | None = None) -> dict[str, Any]:
    """R7.2: reception records the fees of the catalogue as paid at the counter, with the receipt number.
    With an `idempotency_key`, a repeat by the same caller returns the first answer (not 409)."""
    number = (receipt_no or "").strip()
    if not number or len(number) > MAX_RECEIPT:
        raise Invalid("fee.receipt_required", "receipt_no", max=MAX_RECEIPT)
    request = idempotency.request_of(idempotency_key, "fee.paid", code, number)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        earlier = idempotency.replay(s, username, request, services.clock.now())
        if earlier is not None:
            return earlier
        user, dossier, procedure = load_for(s, username, code, may_take_payment, "fee.reception_only")
        if s.scalar(sa.select(FeePayment.id).where(FeePayment.dossier_id == dossier.id)) is not None:
            raise Conflict("fee.already_paid", code=code)
        amount = sum(int(f.get("amount_vnd", 0)) for f in procedure.catalogue.get("fees", []))
        now = services.clock.now()
        s.add(FeePayment(dossier_id=dossier.id, amount_vnd=amount, receipt_no=number, paid_at=now,
                         received_by=user.id, method="counter"))
        audit.append(s, at=now, actor=user.username, kind="fee_paid", dossier_id=dossier.id,
                     detail={"amount_vnd": amount, "receipt_no": number})
        fee_recorded(services, s, dossier, procedure, user.username, now)  # a workflow waiting for the fee moves on
        answer = idempotency.remember(s, username, request, {
            "code": code, "amount_vnd": amount, "receipt_no": number, "paid_at": now.isoformat()}, now)
        return idempotency.commit_or_twin(services, uow, username, request, answer,
                                          lost=Conflict("fee.already_paid", code=code))
