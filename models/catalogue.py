"""Agencies (a tree), the catalogue of procedures, their deployed definitions, the calendar table."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base

AGENCY_LEVELS = ("province", "department", "district", "commune")


class Agency(Base):
    __tablename__ = "agencies"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)  # e-code, QCVN 102:2016
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    level: so.Mapped[str] = so.mapped_column(sa.String(20))
    parent_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))

    parent: so.Mapped[Agency | None] = so.relationship(remote_side=[id], lazy="raise")


class Procedure(Base):
    """One administrative procedure of the catalogue (R5.1–R5.3)."""

    __tablename__ = "procedures"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    process_id: so.Mapped[str] = so.mapped_column(sa.String(200))
    name: so.Mapped[str] = so.mapped_column(sa.String(400))
    level: so.Mapped[int] = so.mapped_column()
    sector: so.Mapped[str] = so.mapped_column(sa.String(200))
    field: so.Mapped[str] = so.mapped_column(sa.String(200))
    agency_level: so.Mapped[str] = so.mapped_column(sa.String(20))
    agency_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"))
    processing_time_days: so.Mapped[float] = so.mapped_column()
    same_day: so.Mapped[bool] = so.mapped_column(default=False)
    catalogue: so.Mapped[dict[str, Any]] = so.mapped_column()  # the whole sidecar, as published
    current_definition_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("process_definitions.id", use_alter=True))
    published_at: so.Mapped[datetime | None] = so.mapped_column()

    agency: so.Mapped[Agency | None] = so.relationship(lazy="raise")


class ProcessDefinition(Base):
    """One deployed version of a diagram, stored once by content hash (not in every dossier)."""

    __tablename__ = "process_definitions"
    __table_args__ = (sa.UniqueConstraint("procedure_id", "content_hash", name="uq_definition_hash"),
                      sa.UniqueConstraint("procedure_id", "version", name="uq_definition_version"))

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    procedure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("procedures.id"), index=True)
    version: so.Mapped[int] = so.mapped_column()
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    filename: so.Mapped[str] = so.mapped_column(sa.String(300))
    bpmn: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    spec_json: so.Mapped[str] = so.mapped_column(sa.Text)
    # The processes of other procedures its call activities call, frozen when it was deployed:
    # {process id: {"filename", "hash", "bpmn" (text)}}; {} when it calls none.
    called: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict, server_default=sa.text("'{}'"))
    deployed_by: so.Mapped[str] = so.mapped_column(sa.String(100))
    deployed_at: so.Mapped[datetime] = so.mapped_column()


class CalendarOverride(Base):
    """An administrator's extra day off or make-up working day; wins over the holiday package."""

    __tablename__ = "calendar_overrides"

    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # "day_off" | "working_day"
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
