"""Logging in (rate-limited, R6.1), resetting a forgotten password by a mailed link, changing it.

Logging in, asking for a reset link and resetting by it are anonymous by nature (the password, the
mailbox or the signed link is the proof); changing the password acts on the caller's own account."""
from __future__ import annotations

import secrets

import sqlalchemy as sa

from adapters import throttle
from adapters.bootstrap import Services
from models import EmailVerification, User
from processes import audit
from processes.errors import Invalid, Throttled
from processes.people import account_tokens
from processes.people.accounts import active_account, base_url, check_new_password, mail
from processes.people.sessions import end_all
from processes.people.users import authenticate, hash_password, verify_password
from processes.uow import UnitOfWork


def log_in(services: Services, username: str, password: str, ip: str) -> str:
    """The username when the password is right; Invalid when not; Throttled after 5 failures for
    this username from this address within 15 minutes (the count lives in the database, so every
    web process sees it)."""
    name = username.strip().lower()
    per_user, per_ip = throttle.key_of(name, ip), throttle.key_of(ip)
    failures = throttle.configured(services.config, throttle.LOGIN_FAILURES)
    failures_per_ip = throttle.configured(services.config, throttle.LOGIN_FAILURES_PER_IP)
    with UnitOfWork(services.session_factory) as uow:  # the attempt is counted before the password is checked
        taken_at = services.clock.now()
        if not (throttle.take(uow.session, failures, per_user, taken_at)
                and throttle.take(uow.session, failures_per_ip, per_ip, taken_at)):
            wait = throttle.minutes(failures)
            raise Throttled("login.too_many_failures", retry_after=wait * 60, minutes=wait,
                            attempts=failures.attempts)
        uow.commit()
    found = authenticate(services, name, password)  # its own transaction (SQLite: one writer at a time)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        if found is None:
            audit.append(s, at=now, actor=name[:100] or "-", kind="login_failed", detail={})
            uow.commit()
            raise Invalid("login.wrong_credentials", "password")
        throttle.clear(s, failures, per_user)
        throttle.give_back(s, failures_per_ip, per_ip, taken_at)  # only failures count per address
        audit.append(s, at=now, actor=found, kind="logged_in", detail={})
        uow.commit()
        return found


def request_password_reset(services: Services, email: str, ip: str) -> None:
    """Mail a one-hour reset link to the account with this address, if there is one. The answer is
    the same either way, so the form does not tell who has an account."""
    address = email.strip().lower()
    if "@" not in address or len(address) > 200:
        raise Invalid("account.email_invalid", "email")
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        # per address of the caller and per account (its e-mail address, whether or not it exists, so
        # that the limit itself says nothing); taken in this transaction, before any mail is queued
        mails = throttle.configured(services.config, throttle.MAIL_REQUESTS)
        for key in (throttle.key_of("reset", address), throttle.key_of("reset", ip)):
            if not throttle.take(s, mails, key, now):
                wait = throttle.minutes(mails)
                raise Throttled("account.too_many_mails", retry_after=wait * 60, minutes=wait)
        user = s.scalar(sa.select(User).where(sa.func.lower(User.email) == address, User.active.is_(True)))
        if user is not None:
            token = account_tokens.make(services.config["app"]["secret_key"], account_tokens.RESET,
                                        user.username, user.password_hash, now)
            link = f"{base_url(services)}/password/reset/{token}"
            mail(s, address, "Đặt lại mật khẩu — Cổng dịch vụ công tỉnh Kon Tum",
                 f"Chào {user.full_name},\n\nĐể đặt mật khẩu mới cho tài khoản '{user.username}', hãy mở "
                 f"liên kết sau trong vòng 1 giờ:\n{link}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này; "
                 f"mật khẩu hiện tại vẫn giữ nguyên.", f"reset:{user.id}:{secrets.token_hex(8)}", now)
            audit.append(s, at=now, actor=user.username, kind="password_reset_requested", detail={})
        uow.commit()


def reset_password(services: Services, token: str, password: str, repeat: str) -> str:
    """Set a new password from a valid link; the link then stops working. Returns the username."""
    now = services.clock.now()
    username, bound = account_tokens.read_link(services.config["app"]["secret_key"], account_tokens.RESET,
                                               token, now)
    check_new_password(password, repeat, username)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = s.scalar(sa.select(User).where(User.username == username, User.active.is_(True)))
        if user is None or account_tokens.fingerprint(user.password_hash) != bound:
            raise Invalid("account.reset_link_used", "token")
        user.password_hash = hash_password(password)
        user.must_change_password = False
        end_all(s, user.id, now)  # whoever held a session or token of this account is out
        row = s.get(EmailVerification, user.id)
        if row is not None and row.confirmed_at is None and row.email == (user.email or "").lower():
            row.confirmed_at = now  # the link reached that mailbox: the address is proven
        audit.append(s, at=now, actor=username, kind="password_reset", detail={})
        uow.commit()
        return username


def change_password(services: Services, username: str, current: str, password: str, repeat: str) -> None:
    """Replace the caller's own password after checking the current one (an initial password too:
    the account may then act). Every session and token of the account ends, this one included: the
    page logs its browser in again."""
    check_new_password(password, repeat, username)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        user = active_account(s, username)
        if not verify_password(user.password_hash, current):
            raise Invalid("account.current_password_wrong", "current_password")
        if password == current:
            raise Invalid("password.unchanged", "password")
        user.password_hash = hash_password(password)
        user.must_change_password = False
        end_all(s, user.id, now)
        audit.append(s, at=now, actor=username, kind="password_changed", detail={})
        uow.commit()
