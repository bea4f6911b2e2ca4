"""The officers' workbench: notes on a dossier, fees paid at the counter (R7.2), how the result was
handed over (R7.1, R8.4, R8.5), and the index behind the "mine" queue."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base
from models.dossiers import UserTask


class DossierNote(Base):
    """An officer's note on a dossier, seen by the officers of the agencies involved (not the applicant)."""

    __tablename__ = "dossier_notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    at: so.Mapped[datetime] = so.mapped_column()
    body: so.Mapped[str] = so.mapped_column(sa.Text)


class FeePayment(Base):
    """Fees and charges paid (R7.2): one row per dossier, at the desk, online or by transfer."""

    __tablename__ = "fee_payments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), unique=True)
    amount_vnd: so.Mapped[int] = so.mapped_column()
    receipt_no: so.Mapped[str] = so.mapped_column(sa.String(60))
    paid_at: so.Mapped[datetime] = so.mapped_column()
    received_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # counter (receipt typed at the desk) | online (through a payment gateway) | transfer (bank transfer)
    method: so.Mapped[str] = so.mapped_column(sa.String(20), default="counter", server_default="counter")
    # The proof beside the receipt: the gateway's transaction number, the bank's transfer reference.
    reference: so.Mapped[str | None] = so.mapped_column(sa.String(80))


class ResultDelivery(Base):
    """How the result reached the applicant, by the channel they chose (R7.1, R8.4, R8.5)."""

    __tablename__ = "result_deliveries"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), unique=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # counter | post | online
    delivered_at: so.Mapped[datetime] = so.mapped_column()
    delivered_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # At the desk (R7.1): who collected it, the identity check, originals compared, forms signed.
    recipient_name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    identity_document: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    identity_checked: so.Mapped[bool] = so.mapped_column(default=False)
    originals_compared: so.Mapped[bool] = so.mapped_column(default=False)
    applicant_signed: so.Mapped[bool] = so.mapped_column(default=False)
    # By registered post: the postal tracking number.
    tracking_number: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    # Online: the signed result file (an attachment with document_key "result").
    result_attachment_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("attachments.id"))
    # A fee of the catalogue still unpaid at the hand-over, waived by the desk: why (R7.2; audited too).
    fee_waiver_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))


# The "mine" queue: an officer's claimed open tasks, soonest due first (see docs/workbench.md, EXPLAIN).
ix_user_tasks_assignee = sa.Index("ix_user_tasks_assignee", UserTask.assignee_id, UserTask.completed_at,
                                  UserTask.due_at)
