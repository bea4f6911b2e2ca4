"""Consent records (Decree 13/2023/NĐ-CP on personal data protection, Art. 11-12 and 17): what the data
subject was told, agreed to or took back, for which purpose, when, through which door, under which
version of the statement."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base


class ConsentRecord(Base):
    """One decision of one person about one purpose. Append-only: never updated or deleted (database
    triggers refuse it, as for `audit_events`); the current state of a purpose is its latest record.

    `decision`: acknowledged (told: processing by law needs no consent) | granted | withdrawn.
    `door`: where it was made (register, submission, privacy, profile, preferences, api, desk, migration).
    `policy_version`: a short hash of the purpose's statement as shown then (processes.people.consent).
    `dossier_id`: the dossier a submission's notice was given with. `actor`: who recorded it (the person
    themselves, or an officer at the desk)."""

    __tablename__ = "consent_records"
    __table_args__ = (sa.Index("ix_consent_records_user_purpose", "user_id", "purpose", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    purpose: so.Mapped[str] = so.mapped_column(sa.String(40))
    decision: so.Mapped[str] = so.mapped_column(sa.String(20))
    at: so.Mapped[datetime] = so.mapped_column()
    door: so.Mapped[str] = so.mapped_column(sa.String(20))
    policy_version: so.Mapped[str] = so.mapped_column(sa.String(20))
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"))
    actor: so.Mapped[str] = so.mapped_column(sa.String(100))
