"""What every payment channel shares: the amount due, the one fee row per dossier, receipt numbers
per agency and year, and the workflow moving on once the fee is paid. Helpers called inside a use
case's transaction (they take the session, never commit)."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from adapters.bootstrap import Services
from models import Agency, Dossier, FeePayment, PaymentRefund, Procedure, ReceiptSequence, User
from processes import audit
from processes.access import SYSTEM
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import DossierStatus

FEE_PAID_MESSAGE = "fee_paid"  # a diagram's message catch event waiting for the fee
METHODS = ("counter", "online", "transfer")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")  # receipts are numbered by the local year


def amount_due(procedure: Procedure, variables: dict[str, Any] | None = None) -> int:
    """What the dossier must pay (VND): an amount set on the workflow by an officer
    (`payment_amount_vnd`, e.g. after an assessment), else the catalogue's fee schedule."""
    set_by_officer = (variables or {}).get("payment_amount_vnd")
    if isinstance(set_by_officer, int) and not isinstance(set_by_officer, bool) and set_by_officer > 0:
        return set_by_officer
    return sum(int(f.get("amount_vnd", 0)) for f in procedure.catalogue.get("fees", []))


def fee_of(s: so.Session, dossier_id: int) -> FeePayment | None:
    return s.scalar(sa.select(FeePayment).where(FeePayment.dossier_id == dossier_id))


def refund_of(s: so.Session, dossier_id: int) -> PaymentRefund | None:
    """The dossier's refund, proposed or done."""
    return s.scalar(sa.select(PaymentRefund).where(PaymentRefund.dossier_id == dossier_id))


def refunded(s: so.Session, dossier_id: int) -> bool:
    refund = refund_of(s, dossier_id)
    return refund is not None and refund.state == "done"


def _sequence_upsert(insert: Any) -> Any:
    return (insert(ReceiptSequence)
            .values(agency_code=sa.bindparam("agency_code"), year=sa.bindparam("year"), last=1)
            .on_conflict_do_update(index_elements=["agency_code", "year"], set_={"last": ReceiptSequence.last + 1})
            .returning(ReceiptSequence.last))


_NEXT = {"postgresql": _sequence_upsert(postgresql.insert), "sqlite": _sequence_upsert(sqlite.insert)}


def next_receipt_no(s: so.Session, agency: Agency, now: datetime) -> str:
    """`BL<yyyy>-<agency e-code>-<NNNNNN>`: electronic receipts numbered per agency and year."""
    year = now.astimezone(LOCAL).year
    upsert = _NEXT["postgresql" if s.get_bind().dialect.name == "postgresql" else "sqlite"]
    seq = s.execute(upsert, {"agency_code": agency.code, "year": year}).scalar_one()
    return f"BL{year}-{agency.code}-{seq:06d}"


def system_user(s: so.Session) -> User:
    user = s.scalar(sa.select(User).where(User.username == SYSTEM))
    if user is None:
        raise LookupError("the machine account is missing: run `motcua init`")
    return user


def record_fee(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure, *, amount_vnd: int,
               method: str, receipt_no: str, reference: str | None, received_by: User, actor: str,
               now: datetime) -> FeePayment:
    """The dossier's fee row (the caller checked there is none), audited; the workflow moves on."""
    assert method in METHODS
    fee = FeePayment(dossier_id=dossier.id, amount_vnd=amount_vnd, receipt_no=receipt_no, paid_at=now,
                     received_by=received_by.id, method=method, reference=reference)
    s.add(fee)
    s.flush()
    audit.append(s, at=now, actor=actor, kind="fee_paid", dossier_id=dossier.id,
                 detail={"amount_vnd": amount_vnd, "receipt_no": receipt_no, "method": method,
                         "reference": reference})
    fee_recorded(services, s, dossier, procedure, actor, now)
    return fee


def fee_recorded(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure, actor: str,
                 now: datetime) -> bool:
    """The workflow moves on now the fee is paid: a dossier waiting in status 6 goes back to
    processing (a stopped clock resumes, the appointment moving by the time spent paying), and a
    `fee_paid` message catch event of the diagram is delivered. True when the workflow changed."""
    run = DossierRun(services, s, dossier, procedure, actor)
    instance = run.load()
    if FEE_PAID_MESSAGE not in instance.waiting_messages():
        return False  # nothing waits: the hand-over's fee check sees the fee row (or a desk step confirms it)
    run.act(lambda: instance.deliver_message(FEE_PAID_MESSAGE, {"at": now.isoformat()}))
    f = run.facts  # the diagram's payment_confirmed task resumes the clock; when it has none, here
    if f.status_code == DossierStatus.PAYMENT_REQUESTED:
        if f.paused_at is not None and f.due_at is not None:
            f.due_at = run.calendar.resume_due(f.due_at, f.paused_at, now)
        f.paused_at = None
        f.status_code = DossierStatus.IN_PROCESS
    run.save()
    return True


ONLINE_LEVEL = 4  # R7.2: level 3 fees are paid at the agency; R7.4: level 4 fees may be paid online


def takes_fees_online(config: Any, procedure: Procedure, agency: Agency | None) -> bool:
    """A level-4 procedure whose handling agency has a merchant account (fees go to the agency)."""
    from adapters.payments import vnpay  # the port: which agencies take fees online

    return (procedure.level >= ONLINE_LEVEL and agency is not None
            and vnpay.merchant_for(config, agency.code) is not None)


def summary(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure) -> dict[str, Any]:
    """What a dossier's view shows of its fees: `fees_due` and `fees_paid` (VND), the receipt number,
    and whether it can be paid online now (the agency has a merchant account, the dossier is open)."""
    from processes.dossier.status import FINAL_STATUSES

    fee = fee_of(s, dossier.id)
    gone = fee is not None and refunded(s, dossier.id)
    due = 0 if fee is not None else amount_due(procedure)
    # The agency is read only when something is still to pay (most views have nothing due).
    online = (due > 0 and dossier.status_code not in FINAL_STATUSES
              and takes_fees_online(services.config, procedure, s.get(Agency, dossier.agency_id)))
    return {"fees_due": due, "fees_paid": fee.amount_vnd if fee is not None and not gone else 0,
            "fee_receipt_no": fee.receipt_no if fee is not None else None,
            "fee_method": fee.method if fee is not None else None, "fee_refunded": gone,
            "online_payment": online}
