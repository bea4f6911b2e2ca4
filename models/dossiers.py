"""Dossiers: business facts + workflow state + version, and the projections read by lists."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base
from models.folding import fold


class Dossier(Base):
    __tablename__ = "dossiers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    procedure_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("procedures.id"), index=True)
    definition_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("process_definitions.id"))
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    # None: registered at the counter or from the post for someone without an account (R7.1, R14),
    # until the applicant links it to an account with the code and the phone number.
    applicant_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    applicant_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    applicant_phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    applicant_id_number: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # CMND/CCCD
    applicant_address: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    # Folded code, name, identity number and phone (models/folding.py), kept by the mapper events below.
    search_text: so.Mapped[str] = so.mapped_column(sa.Text, default="", server_default="")
    status_code: so.Mapped[int] = so.mapped_column(index=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # how it was submitted
    result_channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # counter | post | online
    postal_address: so.Mapped[str | None] = so.mapped_column(sa.String(500))  # where a result by post goes
    form: so.Mapped[dict[str, Any]] = so.mapped_column()
    received_at: so.Mapped[datetime] = so.mapped_column()
    accepted_at: so.Mapped[datetime | None] = so.mapped_column()
    due_at: so.Mapped[datetime | None] = so.mapped_column()
    finished_at: so.Mapped[datetime | None] = so.mapped_column()
    delivered_at: so.Mapped[datetime | None] = so.mapped_column()
    paused_at: so.Mapped[datetime | None] = so.mapped_column()  # waiting for the applicant
    supplement_count: so.Mapped[int] = so.mapped_column(default=0)
    late: so.Mapped[bool] = so.mapped_column(default=False)
    refund_flagged: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())  # R8.6
    # Suspended by an operator (the console): no task completes and no timer fires until resumed.
    suspended_at: so.Mapped[datetime | None] = so.mapped_column()
    # SpiffWorkflow JSON, spec stripped, packed (engine.serializer.pack_state); bytes since 0016.
    state: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # a concurrent writer gets StaleDataError

    def searchable(self) -> str:
        form = self.form or {}
        parts = [self.code, self.applicant_name, self.applicant_id_number, self.applicant_phone,
                 *(str(form.get(k) or "") for k in ("so_dinh_danh", "so_cccd", "so_dien_thoai"))]
        return fold(" | ".join(p for p in parts if p))


@sa.event.listens_for(Dossier, "before_insert")
@sa.event.listens_for(Dossier, "before_update")
def _keep_search_text(_mapper: Any, _connection: Any, dossier: Dossier) -> None:
    dossier.search_text = dossier.searchable()


class DossierIntake(Base):
    """How a dossier came in at the desk (R7.1, R14): at the counter or by post, who registered it,
    the papers seen at the counter instead of a scan, and for the post its sender and arrival."""

    __tablename__ = "dossier_intakes"

    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), primary_key=True)
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # counter | post
    officer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    registered_at: so.Mapped[datetime] = so.mapped_column()
    arrived_at: so.Mapped[datetime | None] = so.mapped_column()  # post: when it reached the agency
    sender: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # post: who sent it
    papers_seen: so.Mapped[list[Any]] = so.mapped_column(default=list)  # document keys seen on paper


class DossierSequence(Base):
    """The daily sequence of dossier codes per agency: <e-code>-<yymmdd>-<NNNN>."""

    __tablename__ = "dossier_sequences"

    agency_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    last: so.Mapped[int] = so.mapped_column(default=0)


class UserTask(Base):
    """Projection: ready user tasks, rewritten with the state in the same transaction."""

    __tablename__ = "user_tasks"
    __table_args__ = (sa.Index("ix_user_tasks_queue", "agency_id", "role", "completed_at", "due_at"),)

    id: so.Mapped[str] = so.mapped_column(sa.String(36), primary_key=True)  # SpiffWorkflow task id
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    element_id: so.Mapped[str] = so.mapped_column(sa.String(200))
    name: so.Mapped[str] = so.mapped_column(sa.String(300))
    role: so.Mapped[str] = so.mapped_column(sa.String(30))
    agency_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("agencies.id"))
    assignee_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    due_at: so.Mapped[datetime | None] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column()
    # Kept after completion so that a second completion is told "already done" (409), not "unknown".
    completed_at: so.Mapped[datetime | None] = so.mapped_column()
    completed_by: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    overdue_at: so.Mapped[datetime | None] = so.mapped_column()  # its own limit passed (R14.4, R8.2)


class Timer(Base):
    """Durable timer: the database is the source of truth; the sweeper claims and fires rows."""

    __tablename__ = "timers"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(30))  # "bpmn" | deadline kinds
    task_id: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    element_id: so.Mapped[str] = so.mapped_column(sa.String(200))
    due_at: so.Mapped[datetime] = so.mapped_column(index=True)
    lease_owner: so.Mapped[str | None] = so.mapped_column(sa.String(100))
    lease_expires_at: so.Mapped[datetime | None] = so.mapped_column()
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Deadline timers are kept once fired, so a recomputation does not escalate one overrun twice.
    fired_at: so.Mapped[datetime | None] = so.mapped_column()


class Attachment(Base):
    """A file of a dossier, stored by SHA-256 under the attachments folder."""

    __tablename__ = "attachments"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    document_key: so.Mapped[str] = so.mapped_column(sa.String(100))
    filename: so.Mapped[str] = so.mapped_column(sa.String(255))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(100))
    size: so.Mapped[int] = so.mapped_column()
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    uploaded_at: so.Mapped[datetime] = so.mapped_column()
    uploaded_by: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    # A later file of the same document replaced this one (a supplement); kept, shown as an older version.
    superseded_at: so.Mapped[datetime | None] = so.mapped_column()


class DossierNotice(Base):
    """The copy kept on the dossier of every electronic notice sent about it."""

    __tablename__ = "dossier_notices"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    dossier_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    at: so.Mapped[datetime] = so.mapped_column()
    form_no: so.Mapped[str | None] = so.mapped_column(sa.String(10))  # "01", "02", … national forms
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)


class Notification(Base):
    """An in-app notification to one user (issue 12): its kind and values (the page words it in the
    reader's language), the dossier it is about, read or not. Officers: new work in the group's queue,
    a task returned, a consultation, a deadline near or passed; applicants: each notice on their dossiers."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_inbox", "user_id", "read_at", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(40))
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"))
    params: so.Mapped[dict[str, Any]] = so.mapped_column(default=dict)
    created_at: so.Mapped[datetime] = so.mapped_column()
    read_at: so.Mapped[datetime | None] = so.mapped_column()
