"""Payments (issue 13): every attempt to pay a dossier's fees through a gateway, refunds, and the
numbering of electronic receipts per agency and year. The fee itself, however paid, is the one
`FeePayment` row of the dossier (models.workbench)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base

ATTEMPT_STATES = ("created", "paid", "cancelled", "expired", "failed", "refunded")


class PaymentAttempt(Base):
    """One attempt to pay online: its own order reference at the gateway (`txn_ref`, unique), the amount
    asked, and what the gateway's IPN said (only the IPN changes `state`)."""

    __tablename__ = "payment_attempts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"))  # whose merchant account
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # vnpay
    merchant: so.Mapped[str] = so.mapped_column(sa.String(40))  # the terminal code the order was made with
    txn_ref: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="created")
    created_at: so.Mapped[datetime] = so.mapped_column(index=True)
    created_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    response_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    gateway_txn_no: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    bank_code: so.Mapped[str | None] = so.mapped_column(sa.String(40))
    paid_at: so.Mapped[datetime | None] = so.mapped_column()
    settled_at: so.Mapped[datetime | None] = so.mapped_column()  # when the IPN decided the state


class PaymentRefund(Base):
    """R8.6: a paid fee given back: proposed (by the desk), then approved and executed by a leader. At
    most one per dossier (the unique key makes it happen once)."""

    __tablename__ = "payment_refunds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), unique=True)
    attempt_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("payment_attempts.id"))
    amount_vnd: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    method: so.Mapped[str] = so.mapped_column(sa.String(20))  # online (through the gateway) | counter | transfer
    state: so.Mapped[str] = so.mapped_column(sa.String(20))  # proposed | done
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    proposed_at: so.Mapped[datetime] = so.mapped_column()
    proposed_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    gateway_ref: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    refunded_at: so.Mapped[datetime | None] = so.mapped_column()
    refunded_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class ReceiptSequence(Base):
    """The numbers of electronic receipts (biên lai điện tử) per agency and year."""

    __tablename__ = "receipt_sequences"

    agency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    last: so.Mapped[int] = so.mapped_column(default=0)
