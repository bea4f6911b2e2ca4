"""Procedural acts on a dossier (issue 12): an extension of the time limit asked by a specialist and
decided by a leader, an applicant's withdrawal request reviewed by reception once processing has
started, and substitutes (an officer's tasks offered to a named colleague for a period)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base


class ExtensionRequest(Base):
    """A specialist asks for more working days; a leader approves (new appointment) or refuses.
    Approved rows are what the reports count as extensions."""

    __tablename__ = "extension_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    requested_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    requested_at: so.Mapped[datetime] = so.mapped_column()
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    working_days: so.Mapped[int] = so.mapped_column()
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending")  # pending|approved|refused
    decided_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column()
    decision_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    due_before: so.Mapped[datetime | None] = so.mapped_column()
    due_after: so.Mapped[datetime | None] = so.mapped_column()


class WithdrawalRequest(Base):
    """An applicant's withdrawal once processing has started: reception accepts or refuses it."""

    __tablename__ = "withdrawal_requests"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    requested_at: so.Mapped[datetime] = so.mapped_column()
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending")  # pending|accepted|refused
    decided_by: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None] = so.mapped_column()
    decision_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)


class Substitution(Base):
    """`substitute` may see and claim the open tasks held by `officer` from `starts_on` to `ends_on`
    (local days, both included), unless ended earlier."""

    __tablename__ = "substitutions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    officer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    substitute_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    starts_on: so.Mapped[date] = so.mapped_column()
    ends_on: so.Mapped[date] = so.mapped_column()
    created_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column()
    ended_at: so.Mapped[datetime | None] = so.mapped_column()
