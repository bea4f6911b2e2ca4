"""An applicant's submission in progress (issue 19): what they typed and the files they chose, kept on the
server so that a refused submission, a closed tab or a log-out loses nothing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base


class SubmissionDraft(Base):
    """One draft per applicant and procedure; deleted in the transaction that registers the dossier."""

    __tablename__ = "submission_drafts"
    __table_args__ = (sa.UniqueConstraint("user_id", "procedure_id", name="uq_submission_drafts_user_procedure"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    procedure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("procedures.id"))
    # The answers exactly as typed (text), checked only when the dossier is submitted.
    answers: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    channel: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    agency_code: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    postal_address: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    declaration: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column()
    updated_at: so.Mapped[datetime] = so.mapped_column()


class DraftFile(Base):
    """A file chosen for a document of the draft, already checked (type, size, content) and stored."""

    __tablename__ = "draft_files"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    draft_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("submission_drafts.id", ondelete="CASCADE"),
                                                index=True)
    document_key: so.Mapped[str] = so.mapped_column(sa.String(100))
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column()
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_at: so.Mapped[datetime] = so.mapped_column()
