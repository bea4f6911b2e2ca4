"""What the citizens' portal keeps besides dossiers: e-mail confirmations, throttle counters,
consumed submission nonces and feedback (R6.1, R9.1)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base


class EmailVerification(Base):
    """A self-registered account's e-mail and when it was confirmed. Accounts without a row
    (created by an administrator or the demo seed) count as confirmed."""

    __tablename__ = "email_verifications"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(200))
    requested_at: so.Mapped[datetime] = so.mapped_column()
    confirmed_at: so.Mapped[datetime | None] = so.mapped_column()


class ThrottleHit(Base):
    """One counted attempt (a failed log-in, a public look-up); the key is a SHA-256 of what was
    counted (e.g. username + IP address), so the table holds no personal data in clear."""

    __tablename__ = "throttle_hits"
    __table_args__ = (sa.Index("ix_throttle_hits_bucket_key_at", "bucket", "key", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    bucket: so.Mapped[str] = so.mapped_column(sa.String(30))
    key: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column()


class SubmissionNonce(Base):
    """A one-time token of the online submission form, consumed in the submitting transaction:
    a double click finds it used and is shown the dossier of the first click."""

    __tablename__ = "submission_nonces"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    nonce: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"))
    used_at: so.Mapped[datetime] = so.mapped_column()


class Feedback(Base):
    """A rating of one finished dossier by its applicant (once), or a general comment (R9.1)."""

    __tablename__ = "feedback"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # "dossier" | "general"
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    rating: so.Mapped[int | None] = so.mapped_column()
    comment: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    name: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    contact: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    created_at: so.Mapped[datetime] = so.mapped_column(index=True)
    # R9.1 (issue 17): received → answered → closed; the answer goes to its author and may be published.
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="received", server_default="received")
    answer: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_at: so.Mapped[datetime | None] = so.mapped_column()
    answered_by: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    published: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
