"""Citizens' accounts (R6.1): register, confirm the e-mail address, read and change the profile.

A self-registered account may log in at once but may submit only after following the link mailed
to it (processes.access.may_submit); accounts made by administrators or the demo seed need no link.
Log-in and passwords are in processes.people.credentials.

Rights: registering and confirming an address are anonymous by nature (there is no account yet, or
the signed link is the proof); every other use case acts on the caller's own account only, and an
unknown or locked caller is refused (`processes.access.acting_user`)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from adapters import throttle
from adapters.bootstrap import Services
from engine.forms import IDENTITY_NUMBER, FormErrors, FormField, clean_form
from models import EmailVerification, OutboxMessage, User
from processes import audit
from processes.access import acting_user
from processes.errors import Conflict, Invalid, Reason, Throttled, collect, form_refusal
from processes.people import account_tokens, consent
from processes.people.account_state import email_confirmed
from processes.people.users import hash_password
from processes.uow import UnitOfWork

MIN_PASSWORD = 10
PROFILE_FIELDS = [
    FormField("full_name", "Họ và tên", "string", required=True),
    FormField("email", "Thư điện tử", "email", required=True),
    FormField("phone", "Số điện thoại", "phone", required=True),
]
# What an applicant may keep on the account to prefill the submission form (issue 19); both optional.
APPLICANT_FIELDS = [
    FormField("identity_number", "Số định danh cá nhân (CCCD)", "string", pattern=IDENTITY_NUMBER),
    FormField("address", "Địa chỉ", "string"),
]
MAX_ADDRESS = 500
USERNAME_FIELD = FormField("username", "Tên đăng nhập", "string", required=True,
                           pattern=r"[a-z0-9][a-z0-9_.\-]{2,39}")


@dataclass
class Registration:
    username: str
    full_name: str
    email: str
    phone: str
    password: str
    password_repeat: str
    # The optional purposes the person ticked (processes.people.consent); none by default (Decree 13 Art. 11).
    consents: tuple[str, ...] = ()


def check_new_password(password: str, repeat: str, username: str, field: str = "password") -> None:
    """Refuse a password that is short, repeats the username, or was not typed twice alike."""
    reasons = []
    if len(password) < MIN_PASSWORD:
        reasons.append(Reason("password.too_short", field, {"min": MIN_PASSWORD}))
    elif password.strip().lower() == username.strip().lower():
        reasons.append(Reason("password.same_as_username", field))
    if password != repeat:
        reasons.append(Reason("password.mismatch", f"{field}_repeat"))
    collect(reasons)


def _clean(fields: list[FormField], data: dict[str, Any]) -> dict[str, Any]:
    try:
        return clean_form(fields, data)
    except FormErrors as exc:
        raise form_refusal(exc.codes, "") from None


def register(services: Services, reg: Registration, ip: str) -> None:
    """Register a citizen account and say nothing about who else has one (issue 11).

    Anonymous by nature: whoever registers has no account yet. The answer is the same for a new
    and for a taken username or e-mail address; only the mailbox learns which it was:
    - both new: the account is created (not logged in) and mailed its confirmation link;
    - the e-mail address already has an account: nothing is created; its owner is told that
      someone tried to register with it (with their own username and the reset page);
    - the username is taken, the address is new: nothing is created; the address is told to
      register again with another name.
    Rate-limited per client address and per e-mail address (every well-formed attempt counts).
    The password is hashed on every path, so the time taken says nothing either."""
    username = reg.username.strip().lower()
    reasons: list[Reason] = []
    values: dict[str, Any] = {}
    try:
        values = _clean([USERNAME_FIELD, *PROFILE_FIELDS], {"username": username, "full_name": reg.full_name,
                                                            "email": reg.email, "phone": reg.phone})
    except Invalid as exc:
        reasons.extend(exc.reasons)
    try:
        check_new_password(reg.password, reg.password_repeat, username)
    except Invalid as exc:
        reasons.extend(exc.reasons)
    reasons += [r for c in reg.consents if (r := consent.choice_refusal(c, consent.GRANTED, "consents"))]
    collect(reasons)  # every bad field at once
    email, password_hash = values["email"].lower(), hash_password(reg.password)
    for last_try in (False, True):
        try:
            _register(services, username, email, password_hash, values, ip, reg.consents)
            return
        except IntegrityError:  # the same name or address registered at the same instant: once more,
            if last_try:        # it is now taken and answered as such
                raise


def _register(services: Services, username: str, email: str, password_hash: str, values: dict[str, Any],
              ip: str, consents: tuple[str, ...]) -> None:
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        _take_registration(services, s, email, ip, now)
        owner = s.scalar(sa.select(User).where(sa.func.lower(User.email) == email))
        if owner is not None:
            _mail_address_taken(services, s, email, owner, now)
            audit.append(s, at=now, actor="-", kind="registration_refused", detail={"taken": "email",
                                                                                   "username": username})
        elif s.scalar(sa.select(User.id).where(User.username == username)) is not None:
            _mail_username_taken(services, s, email, username, now)
            audit.append(s, at=now, actor="-", kind="registration_refused", detail={"taken": "username",
                                                                                   "username": username})
        else:
            user = User(username=username, password_hash=password_hash, full_name=values["full_name"], email=email,
                        phone=values["phone"], roles=["citizen"], active=True, created_at=now)
            s.add(user)
            s.flush()
            s.add(EmailVerification(user_id=user.id, email=email, requested_at=now))
            _mail_confirmation(services, s, user, now)
            audit.append(s, at=now, actor=username, kind="account_registered", detail={"roles": ["citizen"]})
            # Told what the data is processed for (Decree 13 Art. 13, 17), and what was ticked, if anything.
            consent.record(s, services.config, user, consent.PROCESSING, consent.ACKNOWLEDGED, "register", now,
                           username)
            for key in sorted(set(consents)):
                consent.record(s, services.config, user, key, consent.GRANTED, "register", now, username)
        uow.commit()


def _mail_address_taken(services: Services, s: so.Session, email: str, owner: User, now: datetime) -> None:
    site = base_url(services)
    body = (f"Chào {owner.full_name},\n\nVừa có người dùng địa chỉ thư điện tử này để đăng ký một tài khoản mới "
            f"trên Cổng dịch vụ công tỉnh Kon Tum. Địa chỉ này đã gắn với tài khoản '{owner.username}' của bạn, "
            f"nên không có tài khoản mới nào được tạo.\n\nNếu đó là bạn: hãy đăng nhập tại {site}/login; nếu "
            f"quên mật khẩu, hãy lấy lại tại {site}/password/forgot.\nNếu không phải bạn: hãy bỏ qua thư này; "
            f"tài khoản của bạn không thay đổi.")
    mail(s, email, "Có người đăng ký bằng địa chỉ của bạn — Cổng dịch vụ công tỉnh Kon Tum", body,
         f"register-taken:{owner.id}:{secrets.token_hex(8)}", now)


def _mail_address_claimed(services: Services, s: so.Session, email: str, owner: User, now: datetime) -> None:
    site = base_url(services)
    body = (f"Chào {owner.full_name},\n\nVừa có người muốn đổi địa chỉ thư điện tử của một tài khoản khác thành "
            f"địa chỉ này trên Cổng dịch vụ công tỉnh Kon Tum. Địa chỉ này đã gắn với tài khoản "
            f"'{owner.username}' của bạn, nên không có gì thay đổi.\n\nNếu không phải bạn: hãy bỏ qua thư này; "
            f"nếu bạn lo ngại, hãy đổi mật khẩu tại {site}/account/password.")
    mail(s, email, "Có người dùng địa chỉ của bạn — Cổng dịch vụ công tỉnh Kon Tum", body,
         f"profile-taken:{owner.id}:{secrets.token_hex(8)}", now)


def _mail_username_taken(services: Services, s: so.Session, email: str, username: str, now: datetime) -> None:
    body = (f"Chào bạn,\n\nVừa có người dùng địa chỉ thư điện tử này để đăng ký tài khoản với tên đăng nhập "
            f"'{username}' trên Cổng dịch vụ công tỉnh Kon Tum, nhưng tên này đã có người dùng, nên tài khoản "
            f"chưa được tạo.\n\nNếu đó là bạn: hãy đăng ký lại với một tên đăng nhập khác tại "
            f"{base_url(services)}/register.\nNếu không phải bạn: hãy bỏ qua thư này.")
    mail(s, email, "Đăng ký chưa hoàn tất — Cổng dịch vụ công tỉnh Kon Tum", body,
         f"register-name:{secrets.token_hex(12)}", now)


def _take_registration(services: Services, s: so.Session, email: str, ip: str, now: datetime) -> None:
    for limit, key in ((throttle.configured(services.config, throttle.REGISTRATIONS_PER_EMAIL),
                        throttle.key_of("register", email)),
                       (throttle.configured(services.config, throttle.REGISTRATIONS_PER_IP),
                        throttle.key_of("register", ip))):
        if not throttle.take(s, limit, key, now):
            wait = throttle.minutes(limit)
            raise Throttled("account.too_many_registrations", retry_after=wait * 60, minutes=wait)


def _mail_confirmation(services: Services, s: so.Session, user: User, now: datetime) -> None:
    assert user.email
    token = account_tokens.make(services.config["app"]["secret_key"], account_tokens.CONFIRM,
                                user.username, user.email, now)
    link = f"{base_url(services)}/confirm/{token}"
    body = (f"Chào {user.full_name},\n\nĐể xác nhận địa chỉ thư điện tử của tài khoản '{user.username}' trên "
            f"Cổng dịch vụ công tỉnh Kon Tum, hãy mở liên kết sau (hiệu lực 7 ngày):\n{link}\n\n"
            f"Nếu bạn không đăng ký tài khoản, hãy bỏ qua thư này.")
    mail(s, user.email, "Xác nhận thư điện tử — Cổng dịch vụ công tỉnh Kon Tum", body,
         f"confirm:{user.id}:{secrets.token_hex(8)}", now)


def mail(s: so.Session, to: str, subject: str, body: str, key: str, now: datetime) -> None:
    """Queue an e-mail in the outbox; it leaves after this transaction commits."""
    s.add(OutboxMessage(key=key, channel="email", recipient=to, subject=subject, body=body,
                        created_at=now, next_attempt_at=now))


def base_url(services: Services) -> str:
    # The configured public address, never the request's Host header (links in mail must not be
    # steerable by whoever sends the request).
    return str(services.config["app"].get("base_url", "")).rstrip("/")


def confirm_email(services: Services, token: str) -> str:
    """Mark the address in the link confirmed; return the username. Following it twice is fine.
    Anonymous by nature: the signed link is the proof (it is opened from the mailbox, logged in or not)."""
    now = services.clock.now()
    username, bound = account_tokens.read_link(services.config["app"]["secret_key"], account_tokens.CONFIRM,
                                               token, now)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = s.scalar(sa.select(User).where(User.username == username))
        row = s.get(EmailVerification, user.id) if user is not None else None
        if user is None or row is None or account_tokens.fingerprint(row.email) != bound:
            raise Invalid("account.confirm_link_stale", "token")
        if row.confirmed_at is None:
            row.confirmed_at = now
            audit.append(s, at=now, actor=username, kind="email_confirmed", detail={})
            uow.commit()
        return username


def resend_confirmation(services: Services, username: str, ip: str) -> None:
    """Mail the confirmation link of the caller's own account again (at most a few times an hour)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = active_account(s, username)
        row = s.get(EmailVerification, user.id)
        if row is None or row.confirmed_at is not None:
            raise Conflict("account.already_confirmed")
        now = services.clock.now()
        mails = throttle.configured(services.config, throttle.MAIL_REQUESTS)
        if not throttle.take(s, mails, throttle.key_of("resend", username, ip), now):
            wait = throttle.minutes(mails)
            raise Throttled("account.too_many_mails", retry_after=wait * 60, minutes=wait)
        if row.email != (user.email or "").lower():  # the address asked for belongs to another account
            owner = s.scalar(sa.select(User).where(sa.func.lower(User.email) == row.email, User.id != user.id))
            if owner is not None:
                _mail_address_claimed(services, s, row.email, owner, now)  # told again, as a new link would be
                uow.commit()
                return
            user.email = row.email  # free again since: it becomes the account's address, to confirm
        _mail_confirmation(services, s, user, now)
        uow.commit()


def get_profile(services: Services, username: str) -> dict[str, Any]:
    """The caller's own profile."""
    with UnitOfWork(services.session_factory) as uow:
        user = active_account(uow.session, username)
        return {"username": user.username, "full_name": user.full_name, "email": _shown_email(uow.session, user),
                "phone": user.phone or "", "roles": list(user.roles or []),
                "identity_number": user.identity_number or "", "address": user.address or "",
                "email_confirmed": email_confirmed(uow.session, user.id)}


def update_profile(services: Services, username: str, full_name: str, email: str, phone: str) -> bool:
    """Change the caller's own name, address and phone; a new address must be confirmed again
    (returns True then).

    The answer says nothing about who else has an account (issue 11, like `register`): when the new
    address belongs to another account, the answer is the same (True: "open the link we mailed") and
    the profile then shows that address waiting for confirmation, as for a free one; but the account's
    address (where its mail goes) is left as it was, no link is mailed, and the owner of that address
    is told by mail that someone tried to use it. The name and phone are saved either way."""
    values = _clean(PROFILE_FIELDS, {"full_name": full_name, "email": email, "phone": phone})
    new_email = values["email"].lower()
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = active_account(s, username)
        now = services.clock.now()
        reconfirm = _shown_email(s, user).lower() != new_email
        owner = s.scalar(sa.select(User).where(sa.func.lower(User.email) == new_email,
                                               User.id != user.id)) if reconfirm else None
        if owner is not None:
            _mail_address_claimed(services, s, new_email, owner, now)
            _verification_pending(s, user, new_email, now)  # shown as waiting for confirmation; never confirmed
            audit.append(s, at=now, actor=username, kind="profile_email_refused", detail={"taken": "email"})
        email_kept: str | None = user.email if owner is not None else new_email
        changed = sorted(k for k, v in (("full_name", values["full_name"]), ("email", email_kept),
                                        ("phone", values["phone"])) if getattr(user, k) != v)
        user.full_name, user.email, user.phone = values["full_name"], email_kept, values["phone"]
        if owner is not None:
            if changed:
                audit.append(s, at=now, actor=username, kind="profile_changed", detail={"fields": changed})
            uow.commit()
            return True
        if reconfirm:
            _verification_pending(s, user, new_email, now)
            _mail_confirmation(services, s, user, now)
        if changed:
            audit.append(s, at=now, actor=username, kind="profile_changed", detail={"fields": changed})
        uow.commit()
        return reconfirm


def update_applicant_details(services: Services, username: str, identity_number: str, address: str) -> None:
    """The caller's own identity number and address, kept to prefill the submission form; empty clears.
    Saving either is the person's consent to keep them for that purpose (`profile_prefill`, recorded
    once: the page states the purpose beside the fields)."""
    values = _clean(APPLICANT_FIELDS, {"identity_number": identity_number, "address": address})
    kept = " ".join(str(values.get("address") or "").split())
    if len(kept) > MAX_ADDRESS:
        raise Invalid("account.address_too_long", "address", max=MAX_ADDRESS)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = active_account(s, username)
        changed = sorted(k for k, v in (("identity_number", values.get("identity_number") or None),
                                        ("address", kept or None)) if getattr(user, k) != v)
        user.identity_number, user.address = values.get("identity_number") or None, kept or None
        now = services.clock.now()
        if changed:
            audit.append(s, at=now, actor=username, kind="profile_changed", detail={"fields": changed})
        if user.identity_number or user.address:
            consent.record(s, services.config, user, consent.PROFILE_PREFILL, consent.GRANTED, "profile", now,
                           username)
        uow.commit()


def _verification_pending(s: so.Session, user: User, email: str, now: datetime) -> None:
    row = s.get(EmailVerification, user.id)
    if row is None:
        s.add(EmailVerification(user_id=user.id, email=email, requested_at=now))
    else:
        row.email, row.requested_at, row.confirmed_at = email, now, None
    s.flush()


def _shown_email(s: so.Session, user: User) -> str:
    """The address the profile shows: the account's, or the one asked for that belongs to another
    account (`update_profile`), which stays "waiting for confirmation" like any new address."""
    row = s.get(EmailVerification, user.id)
    if row is not None and row.confirmed_at is None and row.email != (user.email or "").lower():
        return row.email
    return user.email or ""


def active_account(s: so.Session, username: str) -> User:
    """The caller's own account; Forbidden for an unknown or locked one."""
    return acting_user(s, username)
