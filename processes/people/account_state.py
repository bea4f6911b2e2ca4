"""Facts about an account that access decisions need (read inside the caller's transaction)."""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import EmailVerification

_PENDING = sa.select(EmailVerification.user_id).where(
    EmailVerification.user_id == sa.bindparam("user_id"), EmailVerification.confirmed_at.is_(None))


def email_confirmed(s: so.Session, user_id: int) -> bool:
    """False only for a self-registered account whose e-mail link was not followed yet (R6.1).
    Accounts created by an administrator or by the demo seed have no verification row."""
    pending = s.scalar(_PENDING, {"user_id": user_id})  # a statement built once (hot: every submission)
    return pending is None
