"""The publication history of procedures (R11.1) and diagrams proposed by analysts (D4)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base

PUBLICATION_KINDS = ("deploy", "catalogue", "rollback")
PROPOSAL_STATES = ("proposed", "deployed", "rejected")


class Publication(Base):
    """One act of publishing: from `published_at` until the next row of the same procedure, the
    public saw this definition version with this catalogue entry. Rows are never changed."""

    __tablename__ = "publications"
    __table_args__ = (sa.Index("ix_publications_procedure_at", "procedure_id", "published_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    procedure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("procedures.id"))
    definition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("process_definitions.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # deploy | catalogue | rollback
    published_at: so.Mapped[datetime] = so.mapped_column()
    published_by: so.Mapped[str] = so.mapped_column(sa.String(100))
    catalogue: so.Mapped[dict[str, Any]] = so.mapped_column()  # the sidecar as published
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")


class DefinitionProposal(Base):
    """A diagram and its catalogue sidecar uploaded for review: not published until an
    administrator deploys it."""

    __tablename__ = "definition_proposals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    procedure_code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    filename: so.Mapped[str] = so.mapped_column(sa.String(300))
    bpmn: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    catalogue_filename: so.Mapped[str] = so.mapped_column(sa.String(300))
    catalogue_text: so.Mapped[str] = so.mapped_column(sa.Text)
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    state: so.Mapped[str] = so.mapped_column(sa.String(20), default="proposed")
    proposed_by: so.Mapped[str] = so.mapped_column(sa.String(100))
    proposed_at: so.Mapped[datetime] = so.mapped_column()
    note: so.Mapped[str] = so.mapped_column(sa.String(1000), default="")
    decided_by: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    decided_at: so.Mapped[datetime | None] = so.mapped_column()
    definition_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("process_definitions.id"))
