"""Two-factor log-in (issue 11): a TOTP code (RFC 6238, pyotp) after the password, for officers and
administrators; administrators must use it while `[sessions] admin_2fa_required` is on.

Enrolment: `begin_enrolment` makes a secret (shown as text and as a QR code by the account page);
`confirm_enrolment` switches it on once one valid code proves the device has it, and returns ten
one-time recovery codes (shown once; only their hashes are kept). Log-in: once the password is right,
`challenge` gives a signed, short-lived token of the half-logged-in state (it carries no rights: it is
not a session); `complete_log_in` checks the code against it and only then opens the session.

Codes are throttled per account (adapters.throttle, atomic); a TOTP code is accepted once (the time
step of the last accepted code is kept and only a later step passes, in one conditional UPDATE); a
recovery code works once (a conditional UPDATE of its `used_at`). An administrator resets another
account's second factor (processes.administration.admin_users.reset_two_factor, audited), the host
operator with `motcua users reset-2fa` (`operator_reset`)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

import pyotp
import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import throttle
from adapters.bootstrap import Services
from models import RecoveryCode, TwoFactor, User, UserSession
from processes import audit
from processes.access import SYSTEM, acting_user
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from processes.people import account_tokens
from processes.people.sessions import WEB, admin_2fa_required, end_all, open_second_factor_session
from processes.uow import UnitOfWork

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_LENGTH = 10
WINDOW = 1  # a code of the step before or after is accepted too (clocks drift, people type slowly)


def may_enrol(user: User) -> bool:
    """Officers and administrators may use a second factor; a citizen-only account does not."""
    return bool(set(user.roles or []) - {"citizen"})


def _issuer(services: Services) -> str:
    return str(services.config.get("sessions", {}).get("totp_issuer") or "MotCua")


def status(services: Services, username: str) -> dict[str, Any]:
    """The caller's own second factor: on, begun, how many recovery codes are left, whether required."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        row = s.get(TwoFactor, user.id)
        left = s.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
        return {"enabled": row is not None and row.enabled_at is not None,
                "enabled_at": row.enabled_at if row is not None else None,
                "may_enrol": may_enrol(user), "recovery_left": int(left),
                "required": user.has_role("admin") and admin_2fa_required(services)}


def begin_enrolment(services: Services, username: str) -> dict[str, Any]:
    """The secret of the caller's enrolment (a new one, or the one begun and not yet confirmed) and its
    `otpauth://` address for the QR code. Nothing changes at log-in until it is confirmed."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        if not may_enrol(user):
            raise Forbidden("two_factor.officers_only")
        row = s.get(TwoFactor, user.id)
        if row is not None and row.enabled_at is not None:
            raise Conflict("two_factor.already_on")
        if row is None:
            row = TwoFactor(user_id=user.id, secret=pyotp.random_base32(), created_at=services.clock.now(),
                            enabled_at=None, last_step=None)
            s.add(row)
            uow.commit()
        return {"secret": row.secret, "uri": pyotp.TOTP(row.secret).provisioning_uri(
            name=user.username, issuer_name=_issuer(services))}


def confirm_enrolment(services: Services, username: str, code: str, session_id: int | None = None) -> list[str]:
    """Switch the caller's second factor on with one valid code of the secret begun; returns the
    recovery codes (shown once). The caller's browser session (`session_id`) counts as having passed
    the second factor; the account's other browser sessions end."""
    user_id = _take_code_attempt(services, username)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        user = acting_user(s, username)
        row = s.get(TwoFactor, user_id)
        if row is not None and row.enabled_at is not None:
            raise Conflict("two_factor.already_on")
        if row is None:
            raise Invalid("two_factor.not_begun", "otp")
        step = _matching_step(row.secret, code, now)
        if step is None:
            raise Invalid("two_factor.code_wrong", "otp")
        row.enabled_at, row.last_step = now, step
        codes = _new_recovery_codes(s, user.id)
        mine = s.get(UserSession, session_id) if session_id is not None else None
        keep = mine.id if mine is not None and mine.user_id == user.id and mine.kind == WEB else None
        if mine is not None and keep is not None:
            mine.second_factor = True
        s.execute(sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.kind == WEB,
                                               UserSession.ended_at.is_(None), UserSession.id != (keep or 0))
                  .values(ended_at=now))
        throttle.clear(s, throttle.configured(services.config, throttle.TWO_FACTOR_CODES), _key(user.username))
        audit.append(s, at=now, actor=user.username, kind="two_factor_enabled", detail={})
        uow.commit()
        return codes


def new_recovery_codes(services: Services, username: str) -> list[str]:
    """Replace the caller's recovery codes (the old ones stop working); shown once."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        row = s.get(TwoFactor, user.id)
        if row is None or row.enabled_at is None:
            raise Conflict("two_factor.not_on")
        codes = _new_recovery_codes(s, user.id)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="two_factor_recovery_codes", detail={})
        uow.commit()
        return codes


def challenge(services: Services, username: str) -> str | None:
    """After `credentials.log_in` proved the password: None when the account logs in with the password
    alone; else the signed half-logged-in state to send back with the code (valid 5 minutes, tied to
    the password and the secret, so a change of either voids it)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        row = s.get(TwoFactor, user.id)
        if row is None or row.enabled_at is None:
            return None
        return account_tokens.make(services.config["app"]["secret_key"], account_tokens.SECOND_FACTOR,
                                   user.username, _bound(user, row), services.clock.now())


def complete_log_in(services: Services, pending: str, code: str) -> tuple[str, str]:
    """The second step of a log-in: (username, session credential) when `code` is a current TOTP code
    not used before, or an unused recovery code, of the account in `pending` (`challenge`).
    Anonymous by nature: the signed state proves the password, the code the device."""
    try:
        username, bound = account_tokens.read(services.config["app"]["secret_key"], account_tokens.SECOND_FACTOR,
                                              pending, services.clock.now())
    except account_tokens.BadToken as exc:
        raise Invalid("two_factor.login_expired" if exc.expired else "two_factor.login_invalid", "otp") from None
    _take_code_attempt(services, username)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        user = s.scalar(sa.select(User).where(User.username == username, User.active.is_(True)))
        row = s.get(TwoFactor, user.id) if user is not None else None
        if user is None or row is None or row.enabled_at is None or not hmac.compare_digest(
                account_tokens.fingerprint(_bound(user, row)), bound):
            raise Invalid("two_factor.login_invalid", "otp")
        how = _use_code(s, user, row, code, now)
        if how is None:
            audit.append(s, at=now, actor=user.username, kind="login_failed", detail={"second_factor": True})
            uow.commit()
            raise Invalid("two_factor.code_wrong", "otp")
        throttle.clear(s, throttle.configured(services.config, throttle.TWO_FACTOR_CODES), _key(user.username))
        credential = open_second_factor_session(s, user, now)
        audit.append(s, at=now, actor=user.username, kind="logged_in", detail={"second_factor": how})
        uow.commit()
        return user.username, credential


def clear(s: so.Session, user_id: int) -> bool:
    """Switch an account's second factor off (inside the caller's transaction); whether it had one."""
    had = s.get(TwoFactor, user_id) is not None
    s.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    s.execute(sa.delete(TwoFactor).where(TwoFactor.user_id == user_id))
    return had


def operator_reset(services: Services, account: str) -> dict[str, Any]:
    """The host operator's tool (`motcua users reset-2fa`): switch an account's second factor off (a
    lost device and lost recovery codes) and end its sessions and tokens. Audited as SYSTEM."""
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        user = s.scalar(sa.select(User).where(User.username == account.strip().lower()))
        if user is None or user.username == SYSTEM:
            raise NotFound("account.not_found", "username", username=account[:100])
        had = clear(s, user.id)
        ended = end_all(s, user.id, now)
        audit.append(s, at=now, actor=SYSTEM, kind="user_changed",
                     detail={"action": "two_factor_reset", "username": user.username, "had": had,
                             "sessions_ended": ended, "by": "motcua users reset-2fa"})
        uow.commit()
        return {"username": user.username, "sessions_ended": ended,
                "must_enrol": user.has_role("admin") and admin_2fa_required(services)}


# -- helpers -----------------------------------------------------------------------------------------------

def _key(username: str) -> str:
    return throttle.key_of("two-factor", username)


def _bound(user: User, row: TwoFactor) -> str:
    return f"{user.password_hash}\x1f{row.secret}"


def _take_code_attempt(services: Services, username: str) -> int:
    """Count one code attempt of the account before the code is checked (its own transaction, like the
    password's); Throttled when the window is full. Returns the account's id."""
    limit = throttle.configured(services.config, throttle.TWO_FACTOR_CODES)
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        if not throttle.take(uow.session, limit, _key(user.username), services.clock.now()):
            wait = throttle.minutes(limit)
            raise Throttled("two_factor.too_many_codes", retry_after=wait * 60, minutes=wait)
        uow.commit()
        return user.id


def _digits(code: str) -> str:
    return "".join(code.split()) if isinstance(code, str) else ""


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is (this step or a neighbour), or None."""
    typed = _digits(code)
    if len(typed) != 6 or not typed.isascii() or not typed.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in (0, -WINDOW, WINDOW):
        if hmac.compare_digest(totp.generate_otp(step + offset), typed):
            return step + offset
    return None


def _use_code(s: so.Session, user: User, row: TwoFactor, code: str, now: datetime) -> str | None:
    """Spend a TOTP code (only a step later than the last one passes) or a recovery code (once); which
    kind it was, or None. Each is one conditional UPDATE, so two requests racing with one code cannot
    both pass."""
    step = _matching_step(row.secret, code, now)
    if step is not None:
        done = s.execute(sa.update(TwoFactor).where(
            TwoFactor.user_id == user.id, sa.or_(TwoFactor.last_step.is_(None), TwoFactor.last_step < step))
            .values(last_step=step))
        return "totp" if done.rowcount == 1 else None  # type: ignore[attr-defined]
    typed = _recovery_form(code)
    if typed is None:
        return None
    done = s.execute(sa.update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(typed), RecoveryCode.used_at.is_(None))
        .values(used_at=now))
    return "recovery" if done.rowcount == 1 else None  # type: ignore[attr-defined]


def _recovery_form(code: str) -> str | None:
    typed = "".join(ch for ch in (code if isinstance(code, str) else "").lower() if ch not in " -")
    return typed if len(typed) == RECOVERY_LENGTH and typed.isascii() and typed.isalnum() else None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _new_recovery_codes(s: so.Session, user_id: int) -> list[str]:
    s.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
             for _ in range(RECOVERY_CODES)]
    s.add_all(RecoveryCode(user_id=user_id, code_hash=_hash(c), used_at=None) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]
