"""People: citizens and officers, each officer in one agency."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models.base import Base

ROLES = ("citizen", "reception", "specialist", "leader", "agency_admin", "analyst", "admin")


class User(Base):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(100), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(200))
    full_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    # An applicant's identity number (CCCD, 12 digits) and address: they prefill the submission form.
    identity_number: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    address: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    roles: so.Mapped[list[Any]] = so.mapped_column(default=list)
    agency_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column()
    # An initial password (set by an administrator, or generated) must be replaced at first log-in.
    must_change_password: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # How the applicant wants to be told (e-mail, sms, zalo) and in which language; None: the defaults.
    notice_channels: so.Mapped[list[Any] | None] = so.mapped_column()
    notice_language: so.Mapped[str | None] = so.mapped_column(sa.String(5))

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])


class UserSession(Base):
    """A log-in the server can end: a browser session (`web`) or an API token (`api`). The client holds
    `ID.SECRET`; only a hash of the secret is stored. Ended by log-out, by revoking the token, or for
    every session of the user on a password change, a lock or an administrator's "sign out everywhere"
    (an ended row never comes back, so unlocking an account revives nothing)."""

    __tablename__ = "user_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10))
    secret_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    label: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    created_at: so.Mapped[datetime] = so.mapped_column()
    last_used_at: so.Mapped[datetime | None] = so.mapped_column()
    expires_at: so.Mapped[datetime | None] = so.mapped_column()
    ended_at: so.Mapped[datetime | None] = so.mapped_column()
