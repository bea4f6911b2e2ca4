"""Sessions the server can end: every browser log-in and every API token is a row of `user_sessions`
(models.users.UserSession); the client holds `ID.SECRET`, the database only a hash of the secret.

A credential works while its row is not ended, not expired, and its account is active. Log-out ends
one row; revoking a token ends one row; a password change or reset, a lock and an administrator's
"sign out everywhere" end every row of the account (`end_all`). An ended row never comes back, so
unlocking an account revives no old session or token.

A browser session also ends when unused for `[sessions] idle_minutes` or older than `[sessions]
absolute_hours` (the server ends it on the next request). For an account with two-factor log-in on,
only a browser session whose log-in passed the second factor counts (processes.people.two_factor opens
those); an administrator without two-factor log-in, while `[sessions] admin_2fa_required` is on, holds
a session that may only enrol (`Holder.must_enrol`).

Rights: `check` and `end_session` take a credential (the secret is the proof); `start_session` is
called by the log-in door once `credentials.log_in` proved the password; `operator_token` is the host
operator's bootstrap tool (`motcua token`); listing and revoking tokens act on the caller's own
account only."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import TwoFactor, User, UserSession
from processes import audit
from processes.access import SYSTEM, acting_user
from processes.errors import Forbidden, NotFound
from processes.uow import UnitOfWork

WEB, API = "web", "api"
DEFAULT_TOKEN_DAYS = 7
DEFAULT_IDLE_MINUTES = 60
DEFAULT_ABSOLUTE_HOURS = 12
TOUCH_EVERY = timedelta(minutes=1)  # "last used" is written at most this often (no write per request)
MAX_CREDENTIAL = 200
MAX_ROW_ID = 2**31 - 1  # ids are INTEGER columns: a larger number names no row (PostgreSQL refuses to look)


@dataclass(frozen=True)
class Holder:
    """Who a valid credential belongs to."""

    username: str
    session_id: int
    must_change_password: bool
    must_enrol: bool = False  # an administrator without two-factor log-in where it is required
    second_factor: bool = False  # this browser session's log-in passed the second factor


def token_days(services: Services) -> float:
    return float(services.config.get("sessions", {}).get("token_days", DEFAULT_TOKEN_DAYS))


def _setting(services: Services, key: str, default: float) -> float:
    value = services.config.get("sessions", {}).get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"[sessions] {key} must be a number of at least 0, not {value!r}")
    return float(value)


def web_limits(services: Services) -> tuple[timedelta | None, timedelta | None]:
    """(idle limit, absolute limit) of a browser session; None where switched off (0)."""
    idle = _setting(services, "idle_minutes", DEFAULT_IDLE_MINUTES)
    absolute = _setting(services, "absolute_hours", DEFAULT_ABSOLUTE_HOURS)
    return (timedelta(minutes=idle) if idle else None), (timedelta(hours=absolute) if absolute else None)


def admin_2fa_required(services: Services) -> bool:
    """`[sessions] admin_2fa_required`: true, false, or "auto" (the default): required unless `app.demo` is
    on, so a production database always asks and the demo's `admin` / `demo` logs in as the contract says."""
    value = services.config.get("sessions", {}).get("admin_2fa_required", "auto")
    if value == "auto":
        return not bool(services.config.get("app", {}).get("demo"))
    return value is True or str(value).lower() in ("true", "1", "yes", "on")


def two_factor_on(s: so.Session, user_id: int) -> bool:
    """Whether the account logs in with a second factor (enrolment confirmed)."""
    row = s.get(TwoFactor, user_id)
    return row is not None and row.enabled_at is not None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _parse(credential: str) -> tuple[int, str] | None:
    if not isinstance(credential, str) or len(credential) > MAX_CREDENTIAL:
        return None
    head, _, secret = credential.strip().partition(".")
    if not head.isascii() or not head.isdigit() or len(head) > 18 or not secret or int(head) > MAX_ROW_ID:
        return None
    return int(head), secret


def _open(s: so.Session, user: User, kind: str, now: datetime, label: str,
          expires_at: datetime | None, second_factor: bool = False) -> tuple[UserSession, str]:
    secret = secrets.token_urlsafe(32)
    row = UserSession(user_id=user.id, kind=kind, secret_hash=_hash(secret), label=label[:100],
                      created_at=now, last_used_at=None, expires_at=expires_at, ended_at=None,
                      second_factor=second_factor)
    s.add(row)
    s.flush()
    return row, f"{row.id}.{secret}"


def start_session(services: Services, username: str, successor_of: int | None = None) -> str:
    """A new browser session for an account whose password the log-in door has just checked (or
    that has just registered); returns the credential the cookie carries. `successor_of`: the session
    this one replaces (after a password change ended it): a second factor it passed carries over.
    For an account with two-factor log-in on, a session that passed no second factor is nobody
    (`check`): processes.people.two_factor.complete_log_in opens those."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        before = s.get(UserSession, successor_of) if successor_of is not None else None
        passed = bool(before is not None and before.user_id == user.id and before.kind == WEB
                      and before.second_factor)
        _, credential = _open(s, user, WEB, services.clock.now(), "", None, second_factor=passed)
        uow.commit()
        return credential


def open_second_factor_session(s: so.Session, user: User, now: datetime) -> str:
    """A browser session whose log-in passed the second factor (processes.people.two_factor only)."""
    return _open(s, user, WEB, now, "", None, second_factor=True)[1]


def issue_token(services: Services, username: str, label: str = "", session_id: int | None = None) -> dict[str, Any]:
    """A new API token of the caller's own account, valid for [sessions] token_days; the token itself
    is in the answer once (`token`) and never shown again. For an account with two-factor log-in on,
    only from a browser session (`session_id`) whose log-in passed the second factor."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        if user.username == SYSTEM:
            raise Forbidden("account.system_account")
        if two_factor_on(uow.session, user.id):
            row = uow.session.get(UserSession, session_id) if session_id is not None else None
            if row is None or row.user_id != user.id or row.kind != WEB or row.ended_at is not None \
                    or not row.second_factor:
                raise Forbidden("two_factor.token_needs_second_factor")
        row, credential = _issue(services, uow.session, user, label or "API")
        audit.append(uow.session, at=row.created_at, actor=user.username, kind="token_issued",
                     detail={"id": row.id})
        uow.commit()
        return {**_token_view(row), "token": credential}


def operator_token(services: Services, account: str, label: str = "motcua token") -> str:
    """The host operator's bootstrap tool (`motcua token USERNAME`): a token for an existing active
    account, recorded like any other (listed and revocable by its owner). Not in the audit trail: the
    host operator acts with the database credentials, outside the application's accounts."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, account)
        if user.username == SYSTEM:
            raise Forbidden("account.system_account")
        _, credential = _issue(services, uow.session, user, label)
        uow.commit()
        return credential


def _issue(services: Services, s: so.Session, user: User, label: str) -> tuple[UserSession, str]:
    now = services.clock.now()
    return _open(s, user, API, now, label, now + timedelta(days=token_days(services)))


def check(services: Services, kind: str, credential: str) -> Holder | None:
    """The holder of a valid credential of this kind; None when it is unknown, forged, ended,
    expired, or its account is locked."""
    parsed = _parse(credential)
    if parsed is None:
        return None
    sid, secret = parsed
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        row = s.get(UserSession, sid)
        if row is None or row.kind != kind or row.ended_at is not None:
            return None
        if not hmac.compare_digest(row.secret_hash, _hash(secret)):
            return None
        now = services.clock.now()
        if row.expires_at is not None and now >= row.expires_at:
            return None
        if kind == WEB:
            idle, absolute = web_limits(services)
            last = row.last_used_at or row.created_at
            if (idle is not None and now - last > idle) or (absolute is not None and now - row.created_at > absolute):
                row.ended_at = now  # ended for good: a copy of the cookie stays out too
                uow.commit()
                return None
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            return None
        must_enrol = False
        if kind == WEB:
            on = two_factor_on(s, user.id)
            if on and not row.second_factor:
                return None  # a password-only session of an account that logs in with a second factor
            must_enrol = not on and user.has_role("admin") and admin_2fa_required(services)
        holder = Holder(user.username, row.id, bool(user.must_change_password), must_enrol, bool(row.second_factor))
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            row.last_used_at = now
            uow.commit()
        return holder


def end_session(services: Services, credential: str) -> None:
    """Log-out: the credential stops working at once (a copy of the cookie included)."""
    parsed = _parse(credential)
    if parsed is None:
        return
    with UnitOfWork(services.session_factory) as uow:
        row = uow.session.get(UserSession, parsed[0])
        if row is not None and row.ended_at is None and hmac.compare_digest(row.secret_hash, _hash(parsed[1])):
            row.ended_at = services.clock.now()
            uow.commit()


def end_all(s: so.Session, user_id: int, now: datetime, keep: int | None = None) -> int:
    """End every open session and token of an account (inside the caller's transaction), but `keep`;
    returns how many were ended."""
    query = sa.update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep)
    return int(s.execute(query.values(ended_at=now)).rowcount or 0)  # type: ignore[attr-defined]


def list_tokens(services: Services, username: str) -> list[dict[str, Any]]:
    """The caller's own API tokens that still work (newest first)."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        now = services.clock.now()
        rows = uow.session.scalars(
            sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.kind == API,
                                         UserSession.ended_at.is_(None), UserSession.expires_at > now)
            .order_by(UserSession.id.desc())).all()
        return [_token_view(r) for r in rows]


def revoke_token(services: Services, username: str, token_id: object) -> dict[str, Any]:
    """End one of the caller's own API tokens; another account's token is not found."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        number = token_id if isinstance(token_id, int) else int(token_id) if (
            isinstance(token_id, str) and token_id.isascii() and token_id.isdigit() and len(token_id) < 19) else 0
        row = uow.session.get(UserSession, number) if 0 < number <= MAX_ROW_ID else None
        if row is None or row.user_id != user.id or row.kind != API or row.ended_at is not None:
            raise NotFound("token.not_found", "id", id=str(token_id)[:20])
        now = services.clock.now()
        row.ended_at = now
        audit.append(uow.session, at=now, actor=user.username, kind="token_revoked", detail={"id": row.id})
        uow.commit()
        return _token_view(row)


def _token_view(row: UserSession) -> dict[str, Any]:
    return {"id": row.id, "label": row.label, "created_at": row.created_at, "last_used_at": row.last_used_at,
            "expires_at": row.expires_at}
