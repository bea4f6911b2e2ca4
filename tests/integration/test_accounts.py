"""Citizens' accounts through the use cases (R6.1), on SQLite and PostgreSQL: registration,
e-mail confirmation, the rate-limited log-in, password reset and change, the profile."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import AuditEvent, User
from processes.errors import Forbidden, Invalid, Throttled
from processes.outbox import dispatch_outbox
from processes.people import accounts, credentials
from processes.people.accounts import Registration
from processes.submission.submission import Submission, Upload, submit_dossier
from tests.helpers import HKD, HKD_FORM, PDF
from tests.portal_kit import mailed_link, path_of

IP = "203.0.113.7"


def new_account(services: Services, username: str = "tranvanbao", email: str = "bao@example.vn") -> str:
    accounts.register(services, Registration(username, "Trần Văn Bảo", email, "0905111222",
                                             "mot-mat-khau-dai", "mot-mat-khau-dai"), IP)
    return username


def token_of(link: str) -> str:
    return path_of(link).rsplit("/", 1)[1]


def submit(services: Services, username: str) -> dict[str, Any]:
    return submit_dossier(services, username, Submission(procedure=HKD, form=HKD_FORM, declaration=True,
                                                         uploads=[Upload("giay_de_nghi", "a.pdf", PDF),
                                                                  Upload("giay_to_phap_ly", "b.pdf", PDF)]))


def test_a_registered_citizen_submits_only_after_confirming_the_address(services: Services, mailer: Any) -> None:
    username = new_account(services)
    with services.session_factory() as s:
        user = s.scalar(sa.select(User).where(User.username == username))
        assert user is not None and user.roles == ["citizen"] and user.password_hash.startswith("$argon2")
    with pytest.raises(Forbidden, match="submission.applicants_only"):
        submit(services, username)
    link = mailed_link(services, mailer, "bao@example.vn", "/confirm/")
    assert link.startswith(services.config["app"]["base_url"])  # never the request's Host header
    assert accounts.confirm_email(services, token_of(link)) == username
    assert accounts.confirm_email(services, token_of(link)) == username  # following it twice is fine
    assert submit(services, username)["status_code"] == 1


def users_named(services: Services, username: str) -> list[str]:
    with services.session_factory() as s:
        return list(s.scalars(sa.select(User.email).where(User.username == username)))


def test_a_taken_name_or_address_creates_nothing_and_only_the_mailbox_is_told(services: Services,
                                                                             mailer: Any) -> None:
    new_account(services)
    new_account(services, "tranvanbao", "other@example.vn")  # no refusal: the answer says nothing
    new_account(services, "someoneelse", "BAO@example.vn")
    assert users_named(services, "tranvanbao") == ["bao@example.vn"] and users_named(services, "someoneelse") == []
    dispatch_outbox(services)
    mails = {(to, subject): body for to, subject, body, _key in mailer.sent}
    taken_name = mails[("other@example.vn", "Đăng ký chưa hoàn tất — Cổng dịch vụ công tỉnh Kon Tum")]
    assert "'tranvanbao'" in taken_name and "/register" in taken_name and "/confirm/" not in taken_name
    taken_address = mails[("bao@example.vn", "Có người đăng ký bằng địa chỉ của bạn — Cổng dịch vụ công tỉnh Kon Tum")]
    assert "'tranvanbao'" in taken_address and "/password/forgot" in taken_address
    assert [to for to, *_ in mailer.sent].count("bao@example.vn") == 2  # its confirmation, then the notice


def test_registration_refuses_weak_passwords(services: Services) -> None:
    with pytest.raises(Invalid) as weak:
        accounts.register(services, Registration("nguoimoi", "Người Mới", "moi@example.vn", "0905111333",
                                                 "ngan", "khac"), IP)
    assert {"password", "password_repeat"} <= set(weak.value.fields)


def test_registrations_of_one_address_are_limited_whether_it_is_taken_or_not(services: Services) -> None:
    for n in range(3):
        new_account(services, f"nguoi{n}", "bao@example.vn")
    with pytest.raises(Throttled, match="account.too_many_registrations"):
        new_account(services, "nguoi9", "bao@example.vn")


def test_a_confirmation_link_expires_after_seven_days(services: Services, mailer: Any, clock: ManualClock) -> None:
    new_account(services)
    link = mailed_link(services, mailer, "bao@example.vn", "/confirm/")
    clock.advance(timedelta(days=8))
    with pytest.raises(Invalid, match="account.confirm_link_expired"):
        accounts.confirm_email(services, token_of(link))
    with pytest.raises(Invalid, match="account.confirm_link_invalid"):
        accounts.confirm_email(services, token_of(link)[:-3] + "abc")


def test_five_failed_log_ins_lock_that_name_from_that_address_for_fifteen_minutes(services: Services,
                                                                                clock: ManualClock) -> None:
    for _ in range(5):
        with pytest.raises(Invalid):
            credentials.log_in(services, "citizen", "sai-mat-khau", IP)
    with pytest.raises(Throttled) as blocked:
        credentials.log_in(services, "citizen", "demo", IP)
    assert blocked.value.retry_after == 15 * 60
    assert credentials.log_in(services, "citizen", "demo", "198.51.100.1") == "citizen"  # another address
    clock.advance(timedelta(minutes=16))
    assert credentials.log_in(services, "CITIZEN ", "demo", IP) == "citizen"
    with services.session_factory() as s:
        kinds = list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.actor == "citizen")))
    assert kinds.count("login_failed") == 5 and "logged_in" in kinds


def test_password_reset_link_works_once_and_for_one_hour(services: Services, mailer: Any,
                                                        clock: ManualClock) -> None:
    credentials.request_password_reset(services, "Citizen@Example.vn", IP)
    token = token_of(mailed_link(services, mailer, "citizen@example.vn", "/password/reset/"))
    assert credentials.reset_password(services, token, "mat-khau-moi-9", "mat-khau-moi-9") == "citizen"
    assert credentials.log_in(services, "citizen", "mat-khau-moi-9", IP) == "citizen"
    with pytest.raises(Invalid, match="account.reset_link_used"):
        credentials.reset_password(services, token, "mat-khau-khac-9", "mat-khau-khac-9")
    credentials.request_password_reset(services, "citizen@example.vn", IP)
    late = token_of(mailed_link(services, mailer, "citizen@example.vn", "/password/reset/"))
    clock.advance(timedelta(hours=2))
    with pytest.raises(Invalid, match="account.reset_link_expired"):
        credentials.reset_password(services, late, "mat-khau-khac-9", "mat-khau-khac-9")


def test_reset_requests_are_limited_and_say_nothing_about_unknown_addresses(services: Services,
                                                                           mailer: Any) -> None:
    credentials.request_password_reset(services, "khong-co@example.vn", IP)  # no error: nothing said
    credentials.request_password_reset(services, "citizen2@example.vn", IP)
    for n in range(3):
        credentials.request_password_reset(services, f"x{n}@example.vn", IP)
    with pytest.raises(Throttled):
        credentials.request_password_reset(services, "citizen@example.vn", IP)
    dispatch_outbox(services)
    assert [m[0] for m in mailer.sent] == ["citizen2@example.vn"]


def test_changing_the_address_needs_a_new_confirmation(services: Services, mailer: Any) -> None:
    assert accounts.get_profile(services, "citizen")["email_confirmed"] is True  # demo: no link needed
    assert accounts.update_profile(services, "citizen", "Nguyễn Văn An", "an.moi@example.vn", "0912345678")
    assert accounts.get_profile(services, "citizen")["email_confirmed"] is False
    with pytest.raises(Forbidden):
        submit(services, "citizen")
    link = mailed_link(services, mailer, "an.moi@example.vn", "/confirm/")
    accounts.confirm_email(services, token_of(link))
    assert submit(services, "citizen")["status_code"] == 1
    assert not accounts.update_profile(services, "citizen", "Nguyễn Văn An", "an.moi@example.vn", "0912 000 111")


def test_change_password_checks_the_current_one(services: Services) -> None:
    with pytest.raises(Invalid) as wrong:
        credentials.change_password(services, "citizen", "not-it", "mat-khau-moi-9", "mat-khau-moi-9")
    assert "current_password" in wrong.value.fields
    credentials.change_password(services, "citizen", "demo", "mat-khau-moi-9", "mat-khau-moi-9")
    assert credentials.log_in(services, "citizen", "mat-khau-moi-9", IP) == "citizen"


def test_resending_the_confirmation_is_limited(services: Services, mailer: Any) -> None:
    username = new_account(services)
    for _ in range(5):
        accounts.resend_confirmation(services, username, IP)
    with pytest.raises(Throttled):
        accounts.resend_confirmation(services, username, IP)
