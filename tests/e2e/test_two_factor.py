"""Two-factor log-in (issue 11): enrolment from the account page, the code after the password, codes
used once, recovery codes, administrators who must enrol, resets by an administrator and by the
operator, and API tokens minted only from a session that passed the second factor."""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from models import AuditEvent, RecoveryCode, TwoFactor, User
from tests.e2e.test_sessions import browser_with, csrf, log_in


def _text(resp: Any) -> str:
    return str(resp.get_data(as_text=True))


def enrol(client: Any, clock: Any, username: str = "reception") -> tuple[str, list[str]]:
    """Log in, enrol from the account page; (secret, recovery codes)."""
    assert log_in(client, username).status_code == 303
    page = _text(client.get("/account/two-factor"))
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)
    assert secret is not None and 'src="/account/two-factor/qr.svg"' in page
    code = pyotp.TOTP(secret.group(1)).at(clock.now())
    resp = client.post("/account/two-factor", data={"csrf_token": csrf(client), "otp": code})
    assert resp.status_code == 200, _text(resp)
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", _text(resp))
    assert len(codes) == 10
    return secret.group(1), codes


def step_on(clock: Any) -> None:
    clock.advance(timedelta(seconds=30))  # the next TOTP time step


def second_step(client: Any, code: str) -> Any:
    return client.post("/login/code", data={"csrf_token": csrf(client), "otp": code})


# -- enrolment ------------------------------------------------------------------------------------------

def test_an_officer_enrols_with_a_qr_code_and_one_valid_code(app: Any, client: Any, clock: Any,
                                                            services: Any) -> None:
    assert log_in(client, "reception").status_code == 303
    account = _text(client.get("/account"))
    assert 'href="/account/two-factor"' in account
    page = client.get("/account/two-factor")
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', _text(page)).group(1)  # type: ignore[union-attr]
    assert not re.search(r"<script(?![^>]*\bsrc=)", _text(page))  # no inline script
    qr = client.get("/account/two-factor/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert qr.headers["Cache-Control"] == "no-store"
    wrong = client.post("/account/two-factor", data={"csrf_token": csrf(client), "otp": "000000"})
    assert wrong.status_code == 422 and "Mã xác thực không đúng" in _text(wrong)
    with services.session_factory() as s:
        row = s.scalar(sa.select(TwoFactor).join(User, User.id == TwoFactor.user_id)
                       .where(User.username == "reception"))
        assert row.secret == secret and row.enabled_at is None  # not on before a valid code
    done = client.post("/account/two-factor", data={"csrf_token": csrf(client),
                                                     "otp": pyotp.TOTP(secret).at(clock.now())})
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", _text(done))
    assert len(codes) == 10
    assert client.get("/officer/tasks").status_code == 200  # this browser stays logged in
    again = _text(client.get("/account/two-factor"))
    assert codes[0] not in again and "Còn 10 mã khôi phục chưa dùng." in again  # shown once
    with services.session_factory() as s:
        hashes = s.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not any(c.replace("-", "") in h for c in codes for h in hashes)
        assert "two_factor_enabled" in s.scalars(sa.select(AuditEvent.kind)).all()


def test_a_citizen_has_no_two_factor_page_to_enrol(client: Any) -> None:
    log_in(client, "citizen")
    assert 'href="/account/two-factor"' not in _text(client.get("/account"))
    assert "dành cho cán bộ và quản trị viên" in _text(client.get("/account/two-factor"))
    assert client.get("/account/two-factor/qr.svg").status_code == 403


def test_enrolling_ends_the_other_password_only_sessions(app: Any, client: Any, clock: Any) -> None:
    other = app.test_client()
    log_in(other, "reception")
    enrol(client, clock)
    assert other.get("/officer/tasks").status_code == 302


# -- logging in with the second factor --------------------------------------------------------------------

def test_log_in_asks_for_the_code_after_the_password(app: Any, client: Any, clock: Any) -> None:
    secret, _ = enrol(client, clock)
    step_on(clock)
    browser = app.test_client()
    resp = log_in(browser, "reception", next_url="/officer/tasks?page=1")
    assert resp.status_code == 303 and resp.headers["Location"] == "/login/code"
    # half logged in: nothing is open yet
    assert browser.get("/officer/tasks").status_code == 302
    with browser.session_transaction() as s:
        assert "sid" not in s
    assert "Xác thực hai lớp" in _text(browser.get("/login/code"))
    wrong = second_step(browser, "123456")
    assert wrong.status_code == 401 and "Mã xác thực không đúng" in _text(wrong)
    done = second_step(browser, pyotp.TOTP(secret).at(clock.now()))
    assert done.status_code == 303 and done.headers["Location"] == "/officer/tasks?page=1"
    assert browser.get("/officer/tasks").status_code == 200


def test_a_code_is_not_accepted_twice(app: Any, client: Any, clock: Any) -> None:
    secret, _ = enrol(client, clock)
    step_on(clock)
    code = pyotp.TOTP(secret).at(clock.now())
    first, second = app.test_client(), app.test_client()
    log_in(first, "reception")
    log_in(second, "reception")
    assert second_step(first, code).status_code == 303
    assert second_step(second, code).status_code == 401  # the same code, the same time step: refused
    # nor the code of the step before, once a later one was used
    step_on(clock)
    third = app.test_client()
    log_in(third, "reception")
    assert second_step(third, code).status_code == 401
    assert second_step(third, pyotp.TOTP(secret).at(clock.now())).status_code == 303


def test_a_recovery_code_works_once(app: Any, client: Any, clock: Any, services: Any) -> None:
    _, codes = enrol(client, clock)
    first = app.test_client()
    log_in(first, "reception")
    assert second_step(first, codes[3].upper()).status_code == 303
    assert first.get("/officer/tasks").status_code == 200
    again = app.test_client()
    log_in(again, "reception")
    assert second_step(again, codes[3]).status_code == 401
    with services.session_factory() as s:
        logged = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.kind == "logged_in",
                                                              AuditEvent.actor == "reception")).all()
    assert {"second_factor": "recovery"} in logged


def test_wrong_codes_are_throttled_atomically(app: Any, client: Any, clock: Any) -> None:
    secret, _ = enrol(client, clock)
    step_on(clock)
    browser = app.test_client()
    log_in(browser, "reception")
    for _ in range(5):
        assert second_step(browser, "000000").status_code == 401
    resp = second_step(browser, pyotp.TOTP(secret).at(clock.now()))  # even the right code waits now
    assert resp.status_code == 429 and "thử lại sau 15 phút" in _text(resp)


def test_the_half_logged_in_state_expires_and_opens_nothing(app: Any, client: Any, clock: Any) -> None:
    secret, _ = enrol(client, clock)
    browser = app.test_client()
    log_in(browser, "reception")
    with browser.session_transaction() as s:
        pending = s["pending_2fa"]
    # the state is not a session: put where a session goes, it is nobody
    assert browser_with(app, pending).get("/officer/tasks").status_code == 302
    clock.advance(timedelta(minutes=6))
    resp = second_step(browser, pyotp.TOTP(secret).at(clock.now()))
    assert resp.status_code == 401 and "Đã quá 5 phút" in _text(resp)
    assert app.test_client().get("/login/code").headers["Location"] == "/login"


def test_a_password_only_session_of_an_enrolled_account_is_nobody(app: Any, client: Any, clock: Any) -> None:
    from processes.people.sessions import start_session

    enrol(client, clock)
    credential = start_session(app.extensions["motcua"], "reception")
    assert browser_with(app, credential).get("/officer/tasks").status_code == 302


def test_a_password_change_keeps_the_second_factor_of_this_browser(client: Any, clock: Any) -> None:
    enrol(client, clock)
    new = "mat-khau-moi-123"
    resp = client.post("/account/password", data={"csrf_token": csrf(client), "current_password": "demo",
                                                   "password": new, "password_repeat": new})
    assert resp.status_code == 303
    assert client.get("/officer/tasks").status_code == 200


# -- API tokens ---------------------------------------------------------------------------------------------

def test_a_token_is_minted_only_from_a_session_that_passed_the_second_factor(client: Any, clock: Any,
                                                                            services: Any) -> None:
    from processes.errors import Forbidden
    from processes.people.sessions import issue_token

    enrol(client, clock)
    page = client.post("/account/tokens", data={"csrf_token": csrf(client), "label": "máy"})
    assert re.search(r'<code id="new-token">', _text(page))  # this session passed it (at enrolment)
    with pytest.raises(Forbidden) as refused:
        issue_token(services, "reception", "x")  # no session: no proof of the second factor
    assert refused.value.code == "two_factor.token_needs_second_factor"


# -- administrators must enrol -------------------------------------------------------------------------------

@pytest.fixture
def strict(services: Any) -> Any:
    services.config["sessions"]["admin_2fa_required"] = True
    return services


def test_an_administrator_without_two_factor_must_enrol_first(app: Any, client: Any, clock: Any,
                                                             strict: Any) -> None:
    assert log_in(client, "admin").status_code == 303
    for path in ("/admin", "/admin/users", "/account", "/account/tokens"):
        resp = client.get(path)
        assert resp.status_code == 303 and resp.headers["Location"] == "/account/two-factor", path
    resp = client.post("/admin/users/reception/sign-out", data={"csrf_token": csrf(client)})
    assert resp.status_code == 303 and resp.headers["Location"] == "/account/two-factor"
    page = _text(client.get("/account/two-factor"))
    assert "phải dùng xác thực hai lớp" in page
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page).group(1)  # type: ignore[union-attr]
    client.post("/account/two-factor", data={"csrf_token": csrf(client), "otp": pyotp.TOTP(secret).at(clock.now())})
    assert client.get("/admin/users").status_code == 200


def test_other_roles_are_not_made_to_enrol(client: Any, strict: Any) -> None:
    log_in(client, "reception")
    assert client.get("/officer/tasks").status_code == 200


# -- resets --------------------------------------------------------------------------------------------------

def test_an_administrator_resets_another_accounts_second_factor(app: Any, client: Any, clock: Any,
                                                               services: Any) -> None:
    officer = app.test_client()
    enrol(officer, clock)
    log_in(client, "admin")
    users = _text(client.get("/admin/users"))
    assert "/admin/users/reception/reset-2fa" in users
    resp = client.post("/admin/users/reception/reset-2fa", data={"csrf_token": csrf(client)})
    assert resp.status_code == 302
    assert officer.get("/officer/tasks").status_code == 302  # signed out everywhere
    fresh = app.test_client()
    assert log_in(fresh, "reception").headers["Location"] == "/officer/tasks"  # the password alone again
    with services.session_factory() as s:
        details = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.kind == "user_changed",
                                                               AuditEvent.actor == "admin")).all()
    assert any(d.get("action") == "two_factor_reset" and d.get("username") == "reception" for d in details)


def test_a_citizen_may_not_reset_anyones_second_factor(client: Any) -> None:
    log_in(client, "citizen")
    assert client.post("/admin/users/reception/reset-2fa", data={"csrf_token": csrf(client)}).status_code == 403


def test_the_operator_resets_a_lost_device(app: Any, client: Any, clock: Any, motcua: Any) -> None:
    enrol(client, clock)
    code, out, err = motcua("users", "reset-2fa", "reception")
    assert code == 0, err
    assert "two-factor log-in of 'reception' reset" in out
    assert client.get("/officer/tasks").status_code == 302
    assert log_in(app.test_client(), "reception").headers["Location"] == "/officer/tasks"
    code, _, err = motcua("users", "reset-2fa", "nobody-here")
    assert code == 1 and "nobody-here" in err


def test_new_recovery_codes_replace_the_old_ones(app: Any, client: Any, clock: Any) -> None:
    _, old = enrol(client, clock)
    resp = client.post("/account/two-factor", data={"csrf_token": csrf(client), "action": "recovery"})
    new = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", _text(resp))
    assert len(new) == 10 and not set(new) & set(old)
    browser = app.test_client()
    log_in(browser, "reception")
    assert second_step(browser, old[0]).status_code == 401
    assert second_step(browser, new[0]).status_code == 303


def test_the_two_factor_pages_in_english(app: Any, client: Any, clock: Any) -> None:
    from tests.english_pages import shown_texts, vietnamese

    secret, _ = enrol(client, clock)
    step_on(clock)
    browser = app.test_client()
    with browser.session_transaction() as s:
        s["lang"] = "en"
    log_in(browser, "reception")
    page = _text(browser.get("/login/code"))
    assert "Two-factor log-in" in page and not vietnamese(shown_texts(page))
    second_step(browser, pyotp.TOTP(secret).at(clock.now()))
    page = _text(browser.get("/account/two-factor"))
    assert "Two-factor log-in is on" in page and not vietnamese(shown_texts(page))
