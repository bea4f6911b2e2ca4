"""The append-only, hash-chained audit trail; the outbox; incidents."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base, Digest


class AuditEvent(Base):
    """One thing that happened. Never updated or deleted (database triggers refuse it).

    Events form one hash chain per dossier (`chain` = the dossier's id) and one for system events
    (`chain` = 0); `seq` orders all events (unique, not gapless), `chain_seq` numbers a chain 1, 2, …
    and `prev_hash` links to the chain's previous event. `state_hash`: the dossier's state and business
    data as the chain head held it when the event was written (see `AuditChain.state_hash`)."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.UniqueConstraint("chain", "chain_seq"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seq: so.Mapped[int] = so.mapped_column(unique=True)
    chain: so.Mapped[int] = so.mapped_column(default=0)
    chain_seq: so.Mapped[int] = so.mapped_column(default=0)
    state_hash: so.Mapped[str | None] = so.mapped_column(Digest())
    at: so.Mapped[datetime] = so.mapped_column()
    actor: so.Mapped[str] = so.mapped_column(sa.String(100))
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(60))
    detail: so.Mapped[dict[str, Any]] = so.mapped_column()
    prev_hash: so.Mapped[str] = so.mapped_column(Digest())
    hash: so.Mapped[str] = so.mapped_column(Digest())


class AuditHead(Base):
    """On SQLite, the counter that numbers `audit_events.seq` (SQLite has one writer at a time anyway);
    PostgreSQL uses the sequence `audit_events_seq`. No longer a chain head."""

    __tablename__ = "audit_head"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    seq: so.Mapped[int] = so.mapped_column(default=0)
    hash: so.Mapped[str] = so.mapped_column(Digest())


class AuditChain(Base):
    """The head of one chain (0: system events, else the dossier's id): its row lock serialises only
    the writers of that dossier. `state_hash`: the dossier's state and business data as committed
    last (sealed by every transaction that touches the dossier), so a direct edit of the row shows."""

    __tablename__ = "audit_chains"

    chain: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    n: so.Mapped[int] = so.mapped_column(default=0)
    hash: so.Mapped[str] = so.mapped_column(Digest())
    last_seq: so.Mapped[int] = so.mapped_column(default=0)
    state_hash: so.Mapped[str | None] = so.mapped_column(Digest())


class OutboxMessage(Base):
    """An effect waiting to leave (mail, SMS, payment, post); sent after commit, idempotently."""

    __tablename__ = "outbox"
    __table_args__ = (sa.Index("ix_outbox_pending", "status", "next_attempt_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)  # idempotency key
    channel: so.Mapped[str] = so.mapped_column(sa.String(20))  # email | sms | zalo | national
    recipient: so.Mapped[str] = so.mapped_column(sa.String(200))
    subject: so.Mapped[str] = so.mapped_column(sa.String(300))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"))
    # pending (queued) -> sent -> delivered (a provider's delivery report) | failed (after the last try,
    # or a report that the provider could not deliver)
    status: so.Mapped[str] = so.mapped_column(sa.String(20), default="pending")
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column()
    next_attempt_at: so.Mapped[datetime] = so.mapped_column()
    sent_at: so.Mapped[datetime | None] = so.mapped_column()
    last_error: so.Mapped[str | None] = so.mapped_column(sa.Text)
    # Rows sharing an `ordering` leave one after the other, by id (the national portal: one per dossier).
    ordering: so.Mapped[str | None] = so.mapped_column(sa.String(100), index=True)
    event: so.Mapped[str | None] = so.mapped_column(sa.String(40))  # what happened: submitted, receipt, …
    provider_ref: so.Mapped[str | None] = so.mapped_column(sa.String(100), index=True)  # SMS/Zalo message id
    delivered_at: so.Mapped[datetime | None] = so.mapped_column()


class Incident(Base):
    """Something that needs an operator (R9.2): a timer that kept failing, a handler bug."""

    __tablename__ = "incidents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[datetime] = so.mapped_column()
    dossier_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("dossiers.id"))
    kind: so.Mapped[str] = so.mapped_column(sa.String(60))
    message: so.Mapped[str] = so.mapped_column(sa.Text)
    resolved_at: so.Mapped[datetime | None] = so.mapped_column()
