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
    roles: so.Mapped[list[Any]] = so.mapped_column(default=list)
    agency_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("agencies.id"), index=True)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column()

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])
