"""The first answer to a request sent with an `Idempotency-Key`, kept so that a retry gets it again."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base


class IdempotentRequest(Base):
    """One key of one caller: what was asked (a SHA-256 of the command) and what was answered. Written in
    the same transaction as the effect, so that neither exists without the other."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (sa.UniqueConstraint("username", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(100))
    key: so.Mapped[str] = so.mapped_column(sa.String(200))
    fingerprint: so.Mapped[str] = so.mapped_column(sa.String(64))
    answer: so.Mapped[dict[str, Any]] = so.mapped_column()
    created_at: so.Mapped[datetime] = so.mapped_column()
