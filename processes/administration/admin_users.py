"""Officer accounts (R2.1): list (by agency, by role), create, change roles and agency, lock and
unlock, sign out everywhere, reset the two-factor log-in. A system administrator manages every
account; an agency administrator only the accounts of its own agency and never grants the
agency-administrator role. Locking an account ends its sessions and tokens (unlocking revives none
of them); an account made here must choose its own password at first log-in. Every change is
audited."""
from __future__ import annotations

import re
import secrets
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from adapters.bootstrap import Services
from models import Agency, TwoFactor, User
from processes import audit
from processes.access import (
    GRANTABLE_ROLES,
    SYSTEM,
    authorise,
    may_administer_accounts,
    may_grant_roles,
    may_manage_users,
)
from processes.administration.admin_agencies import MAX_NAME, email_field
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, collect
from processes.people.accounts import check_new_password
from processes.people.sessions import end_all
from processes.people.users import hash_password
from processes.texts import N_
from processes.uow import UnitOfWork

USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.\-]{2,39}$")
ROLE_NAMES = {"reception": N_("một cửa (tiếp nhận)"), "specialist": N_("chuyên viên"),
              "leader": N_("lãnh đạo"), "agency_admin": N_("quản trị cơ quan"), "citizen": N_("công dân"),
              "analyst": N_("phân tích nghiệp vụ"), "admin": N_("quản trị hệ thống")}


def list_accounts(services: Services, username: str, agency_code: str = "",
                  role: str = "") -> list[dict[str, Any]]:
    """The accounts the user may manage (an agency administrator: its agency's), filtered."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        query = (sa.select(User, Agency.code).outerjoin(Agency, Agency.id == User.agency_id)
                 .order_by(User.username))
        if not me.has_role("admin"):
            query = query.where(User.agency_id == me.agency_id)
        if agency_code:
            query = query.where(Agency.code == agency_code)
        rows = s.execute(query).all()
        second = set(s.scalars(sa.select(TwoFactor.user_id).where(TwoFactor.enabled_at.is_not(None))))
        return [{"username": u.username, "full_name": u.full_name, "email": u.email or "",
                 "roles": list(u.roles or []), "agency": code or "", "active": u.active,
                 "two_factor": u.id in second}
                for u, code in rows if not role or role in (u.roles or [])]


def create_officer(services: Services, username: str, new_username: object, full_name: object,
                   email: object, roles: list[str], agency_code: object,
                   password: str = "") -> dict[str, Any]:
    """Create an officer account of an agency. With no password given one is generated and returned
    once (`password`); it is never stored in clear nor shown again."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        reasons: list[Reason] = []
        name = new_username.strip().lower() if isinstance(new_username, str) else ""
        if not USERNAME.match(name):
            reasons.append(Reason("account.username_format", "username"))
        full = full_name.strip() if isinstance(full_name, str) else ""
        if not full or len(full) > MAX_NAME:
            reasons.append(Reason("account.full_name_required", "full_name", {"max": MAX_NAME}))
        mail = email_field(email, reasons)
        if not mail and not any(r.field == "email" for r in reasons):
            reasons.append(Reason("account.email_required", "email"))
        wanted = _roles(roles, reasons)
        generated = not password
        secret = secrets.token_urlsafe(12) if generated else password
        if not generated and name:
            try:
                check_new_password(password, password, name)
            except Invalid as exc:
                reasons.extend(exc.reasons)
        collect(reasons)
        agency = _agency(s, agency_code)
        _check(me, agency.id, wanted)
        if s.scalar(sa.select(User.id).where(User.username == name)) is not None:
            raise Invalid("account.username_taken", "username", username=name)
        s.add(User(username=name, password_hash=hash_password(secret), full_name=full, email=mail,
                   roles=sorted(wanted), agency_id=agency.id, active=True, created_at=services.clock.now(),
                   must_change_password=True))
        audit.append(s, at=services.clock.now(), actor=me.username, kind="user_changed",
                     detail={"action": "created", "username": name, "roles": sorted(wanted),
                             "agency": agency.code})
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict("account.username_taken", "username", username=name) from None
    return {"username": name, "roles": sorted(wanted), "agency": agency.code,
            "password": secret if generated else None}


def change_account(services: Services, username: str, target: str, roles: list[str],
                   agency_code: object) -> dict[str, Any]:
    """Give an officer other roles and/or move it to another agency (both within the user's rights)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        user = _target(s, me, target)
        reasons: list[Reason] = []
        wanted = _roles(roles, reasons)
        collect(reasons)
        agency = _agency(s, agency_code)
        _check(me, agency.id, wanted)
        before = {"roles": list(user.roles or []), "agency_id": user.agency_id}
        user.roles, user.agency_id = sorted(wanted), agency.id
        audit.append(s, at=services.clock.now(), actor=me.username, kind="user_changed",
                     detail={"action": "changed", "username": user.username, "before": before,
                             "roles": sorted(wanted), "agency": agency.code})
        uow.commit()
        return {"username": user.username, "roles": sorted(wanted), "agency": agency.code}


def set_locked(services: Services, username: str, target: str, locked: bool) -> dict[str, Any]:
    """Lock (no more log-in, no more token use) or unlock an account; nobody locks himself."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        user = _target(s, me, target)
        if user.id == me.id:
            raise Invalid("account.lock_self", "username")
        user.active = not locked
        now = services.clock.now()
        ended = end_all(s, user.id, now) if locked else 0
        audit.append(s, at=now, actor=me.username, kind="user_changed",
                     detail={"action": "locked" if locked else "unlocked", "username": user.username,
                             **({"sessions_ended": ended} if locked else {})})
        uow.commit()
        return {"username": user.username, "active": user.active}


def sign_out_everywhere(services: Services, username: str, target: str) -> dict[str, Any]:
    """End every browser session and API token of an account the user manages (a lost phone, a
    leaked token): its holder must log in again; nothing else changes."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        user = _target(s, me, target)
        now = services.clock.now()
        ended = end_all(s, user.id, now)
        audit.append(s, at=now, actor=me.username, kind="user_changed",
                     detail={"action": "signed_out", "username": user.username, "sessions_ended": ended})
        uow.commit()
        return {"username": user.username, "sessions_ended": ended}


def reset_two_factor(services: Services, username: str, target: str) -> dict[str, Any]:
    """Switch off the two-factor log-in of an account the user manages (its owner lost the device and
    the recovery codes) and end its sessions and tokens; its owner logs in with the password and enrols
    again (an administrator must). Nobody resets his own: another administrator does, or the operator."""
    from processes.people.two_factor import clear

    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_administer_accounts)
        user = _target(s, me, target)
        if user.id == me.id:
            raise Invalid("two_factor.reset_self", "username")
        now = services.clock.now()
        had = clear(s, user.id)
        ended = end_all(s, user.id, now)
        audit.append(s, at=now, actor=me.username, kind="user_changed",
                     detail={"action": "two_factor_reset", "username": user.username, "had": had,
                             "sessions_ended": ended})
        uow.commit()
        return {"username": user.username, "had": had, "sessions_ended": ended}


def _roles(roles: list[str], reasons: list[Reason]) -> set[str]:
    wanted = {r for r in roles if r}
    if not wanted:
        reasons.append(Reason("account.roles_required", "roles"))
    elif not wanted <= set(GRANTABLE_ROLES):
        reasons.append(Reason("account.roles_not_grantable", "roles"))
    return wanted


def _agency(s: so.Session, code: object) -> Agency:
    text = code.strip() if isinstance(code, str) else ""
    agency = s.scalar(sa.select(Agency).where(Agency.code == text)) if text else None
    if agency is None:
        raise Invalid("agency.not_found", "agency", code=text[:40])
    return agency


def _check(me: User, agency_id: int, roles: set[str]) -> None:
    if not may_manage_users(me, agency_id):
        raise Forbidden("account.not_your_agency")
    if not may_grant_roles(me, roles):
        raise Forbidden("account.role_not_grantable")


def _target(s: so.Session, me: User, target: str) -> User:
    """An account the user may manage; the machine account `SYSTEM` is no one's to change."""
    user = s.scalar(sa.select(User).where(User.username == target))
    if user is None:
        raise NotFound("account.not_found", "username", username=target[:100])
    if user.username == SYSTEM:
        raise Forbidden("account.system_account")
    if not may_manage_users(me, user.agency_id) or (user.has_role("admin") and not me.has_role("admin")):
        raise Forbidden("account.not_your_agency")
    if not me.has_role("admin") and user.has_role("agency_admin") and user.id != me.id:
        raise Forbidden("account.other_agency_admin")
    return user


FIRST_ACCOUNT_ROLES = ("admin", "analyst", *GRANTABLE_ROLES)


def create_first_account(services: Services, account: object, roles: list[str], email: object,
                         full_name: object, agency_code: object = "") -> dict[str, Any]:
    """The host operator's bootstrap tool (`motcua users create`): an account the admin pages cannot
    make, above all the first administrator of a production database. The password is generated,
    returned once and must be changed at first log-in. Recorded in the audit trail as `SYSTEM`."""
    name = account.strip().lower() if isinstance(account, str) else ""
    reasons: list[Reason] = []
    if not USERNAME.match(name) or name == SYSTEM:
        reasons.append(Reason("account.username_format", "username"))
    wanted = {r for r in roles if r}
    if not wanted or not wanted <= set(FIRST_ACCOUNT_ROLES):
        reasons.append(Reason("account.roles_not_grantable", "roles"))
    mail = email_field(email, reasons) if email else None
    full = full_name.strip() if isinstance(full_name, str) else ""
    if not full or len(full) > MAX_NAME:
        reasons.append(Reason("account.full_name_required", "full_name", {"max": MAX_NAME}))
    collect(reasons)
    secret = secrets.token_urlsafe(12)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        officer = bool(wanted & set(GRANTABLE_ROLES))
        agency = _agency(s, agency_code) if officer or agency_code else None
        if s.scalar(sa.select(User.id).where(User.username == name)) is not None:
            raise Invalid("account.username_taken", "username", username=name)
        now = services.clock.now()
        s.add(User(username=name, password_hash=hash_password(secret), full_name=full, email=mail,
                   roles=sorted(wanted), agency_id=agency.id if agency else None, active=True, created_at=now,
                   must_change_password=True))
        audit.append(s, at=now, actor=SYSTEM, kind="user_changed",
                     detail={"action": "created", "username": name, "roles": sorted(wanted),
                             "agency": agency.code if agency else None, "by": "motcua users create"})
        try:
            uow.commit()
        except IntegrityError:
            raise Conflict("account.username_taken", "username", username=name) from None
    return {"username": name, "roles": sorted(wanted), "password": secret}
