"""Accounts: passwords hashed with Argon2; look-ups by name."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from adapters.bootstrap import Services
from models import Agency, User
from processes.uow import UnitOfWork, transaction_cache

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not-a-password")  # verify against it for unknown users: same timing


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored Argon2 hash."""
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def authenticate(services: Services, username: str, password: str) -> str | None:
    """The name of the active user with this password, or None (never says which part was wrong)."""
    with UnitOfWork(services.session_factory) as uow:
        user = uow.session.scalar(sa.select(User).where(User.username == username))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        return user.username if user is not None and user.active else None


_OFFICERS = "motcua.officers"
_ACTIVE_OFFICERS = (sa.select(User).where(User.agency_id.in_(sa.bindparam("agencies", expanding=True)),
                                          User.active.is_(True)).order_by(User.id))


def active_officers(session: so.Session, *agency_ids: int) -> list[User]:
    """The active officers of these agencies, by id; each agency read once per transaction (a batch of
    due timers alerts the same agency's leaders for every dossier it fires)."""
    known: dict[int, list[User]] = transaction_cache(session, _OFFICERS)
    missing = sorted({a for a in agency_ids if a not in known})
    if missing:
        for agency_id in missing:
            known[agency_id] = []
        for user in session.scalars(_ACTIVE_OFFICERS, {"agencies": missing}):
            known[user.agency_id or 0].append(user)  # (never 0: the query names the agencies)
    return sorted({u.id: u for a in set(agency_ids) for u in known[a]}.values(), key=lambda u: u.id)


def get_user(session: so.Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == username))


def list_users(services: Services) -> list[dict[str, Any]]:
    """Every account (the operator bootstrap tool `motcua users list`: no acting user, the database
    credentials are the right)."""
    with UnitOfWork(services.session_factory) as uow:
        rows = uow.session.execute(sa.select(User, Agency.code).outerjoin(Agency, Agency.id == User.agency_id)
                                   .order_by(User.username)).all()
        return [{"username": u.username, "roles": list(u.roles), "agency": code} for u, code in rows]


def roles_of(services: Services, username: str) -> list[str]:
    """The roles of an active user (none for an unknown or locked account)."""
    with UnitOfWork(services.session_factory) as uow:
        user = get_user(uow.session, username)
        return list(user.roles) if user is not None and user.active else []
