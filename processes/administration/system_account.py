"""The machine account `SYSTEM` ("system"): what `motcua init` deploys the shipped diagrams as, and
the actor the timer sweeper writes into the audit trail. It holds only the `system` role (it may
deploy diagrams, nothing else), belongs to no agency and cannot log in (its password hash is no
Argon2 hash, so no password ever matches it). Created by `motcua init`, on every database, demo or
not: a fresh production database has no administrator yet, and its first deployment must still be
made by a named account of the audit trail."""
from __future__ import annotations

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import User
from processes import audit
from processes.access import SYSTEM, SYSTEM_ROLE
from processes.uow import UnitOfWork

NO_PASSWORD = "!"  # not an Argon2 hash: verify_password is always False for it


def ensure_system_account(services: Services) -> bool:
    """Create the machine account when it is missing (idempotent); True when it was created. An
    existing one is left as it is: an administrator who locked it meant it."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        if s.scalar(sa.select(User.id).where(User.username == SYSTEM)) is not None:
            return False
        now = services.clock.now()
        s.add(User(username=SYSTEM, password_hash=NO_PASSWORD, full_name="Hệ thống (tài khoản máy)",
                   roles=[SYSTEM_ROLE], agency_id=None, active=True, created_at=now))
        audit.append(s, at=now, actor=SYSTEM, kind="user_changed",
                     detail={"action": "created", "username": SYSTEM, "roles": [SYSTEM_ROLE], "agency": None})
        uow.commit()
        return True
