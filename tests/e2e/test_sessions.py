"""Log-in redirects, sessions the server can end, API tokens, initial passwords (issue 11)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from models import AuditEvent
from web.session import safe_path


def csrf(client: Any) -> str:
    with client.session_transaction() as s:
        s.setdefault("csrf", "t")
        return str(s["csrf"])


def log_in(client: Any, username: str = "citizen", password: str = "demo", next_url: str | None = None) -> Any:
    query = f"?next={quote(next_url, safe='')}" if next_url is not None else ""
    return client.post(f"/login{query}", data={"csrf_token": csrf(client), "username": username,
                                               "password": password})


# -- 1. redirects after log-in ------------------------------------------------------------------------

PROBES = ["/\t/evil.example/phish", "//evil.example", "/\\evil.example", "https://evil.example/",
          "/ok\r\nSet-Cookie: x=1", "/ok\nLocation: //evil", "\x00/", "javascript:alert(1)",
          "/\u200b/evil.example", " //evil.example"]


CONTROL = re.compile(r"[\x00-\x1f]")


@pytest.mark.parametrize("target", PROBES)
def test_log_in_never_redirects_off_site(client: Any, target: str) -> None:
    """A probe with a control character is stopped at the input gate (400 naming `next`, nothing
    logged in); any other goes to the user's home, never to the probe."""
    resp = log_in(client, next_url=target)
    if CONTROL.search(target):
        assert resp.status_code == 400 and "Location" not in resp.headers
        return
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/my/dossiers"  # the user's home, not the probe


def test_the_issue_probe_as_sent(client: Any) -> None:
    resp = client.post("/login?next=/%09/evil.example/phish", data={"csrf_token": csrf(client),
                                                                     "username": "citizen", "password": "demo"})
    assert resp.status_code == 400 and "Location" not in resp.headers
    assert "next" in resp.get_data(as_text=True)  # the sentence names the field


def test_safe_path_refuses_control_characters_behind_the_gate() -> None:
    for target in PROBES:
        assert safe_path(target, "/home") == "/home", repr(target)


def test_log_in_goes_back_to_a_page_of_the_site(client: Any) -> None:
    resp = log_in(client, next_url="/my/dossiers?page=2")
    assert resp.headers["Location"] == "/my/dossiers?page=2"


def test_redirects_never_reflect_the_host_header(client: Any) -> None:
    for path in ("/my/dossiers", "/officer/register.pdf?agency=X"):
        resp = client.get(path, headers={"Host": "evil.example"})
        assert resp.status_code in (302, 303, 308)
        assert resp.headers["Location"].startswith("/"), resp.headers["Location"]


def test_safe_path_keeps_a_prefix() -> None:
    assert safe_path("/officer/tasks?x=1", "/d", prefix="/officer/") == "/officer/tasks?x=1"
    assert safe_path("/admin", "/d", prefix="/officer/") == "/d"
    assert safe_path("/officer/\r\n", "/d", prefix="/officer/") == "/d"


# -- 2. sessions the server can end --------------------------------------------------------------------

def cookie_of(client: Any) -> str:
    with client.session_transaction() as s:
        return str(s["sid"])


def browser_with(app: Any, credential: str) -> Any:
    """Another browser holding a copy of a session cookie."""
    other = app.test_client()
    with other.session_transaction() as s:
        s["sid"], s["csrf"] = credential, "t"
    return other


def logged_in(resp: Any) -> bool:
    return resp.status_code == 200


def test_a_cookie_copied_before_log_out_no_longer_works(app: Any, client: Any) -> None:
    assert log_in(client).status_code == 303
    copy = browser_with(app, cookie_of(client))
    assert logged_in(copy.get("/my/dossiers"))
    client.post("/logout", data={"csrf_token": csrf(client)})
    assert copy.get("/my/dossiers").status_code == 302  # to the log-in page
    assert client.get("/my/dossiers").status_code == 302


def test_a_forged_or_damaged_session_is_nobody(app: Any, client: Any) -> None:
    log_in(client)
    sid = cookie_of(client)
    for forged in (sid[:-2] + "xx", "1.x", "99999999999999999999999.x", "abc", sid.split(".")[0]):
        assert browser_with(app, forged).get("/my/dossiers").status_code == 302, forged


def test_a_password_change_ends_every_other_session_and_token(app: Any, client: Any, token: Any) -> None:
    headers = token("citizen")
    log_in(client)
    other = app.test_client()
    log_in(other)
    new = "mat-khau-moi-123"
    resp = client.post("/account/password", data={"csrf_token": csrf(client), "current_password": "demo",
                                                   "password": new, "password_repeat": new})
    assert resp.status_code == 303
    assert logged_in(client.get("/my/dossiers"))  # this browser goes on, with a new session
    assert other.get("/my/dossiers").status_code == 302
    assert app.test_client().get("/api/v1/tasks", headers=headers).status_code == 401


def test_locking_ends_sessions_and_tokens_and_unlocking_revives_none(app: Any, client: Any, token: Any,
                                                                     services: Any) -> None:
    from processes.administration.admin_users import set_locked

    headers = token("reception")
    officer = app.test_client()
    log_in(officer, "reception")
    set_locked(services, "admin", "reception", True)
    set_locked(services, "admin", "reception", False)
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    assert officer.get("/officer/tasks").status_code == 302
    assert log_in(app.test_client(), "reception").status_code == 303  # a new log-in works again


def test_an_administrator_signs_an_account_out_everywhere(app: Any, client: Any, token: Any, services: Any) -> None:
    headers = token("reception")
    officer = app.test_client()
    log_in(officer, "reception")
    log_in(client, "admin")
    resp = client.post("/admin/users/reception/sign-out", data={"csrf_token": csrf(client)})
    assert resp.status_code == 302
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Đã đăng xuất tài khoản reception khỏi mọi nơi (2 phiên và mã truy cập)." in page
    assert officer.get("/officer/tasks").status_code == 302
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    assert logged_in(client.get("/admin/users"))  # the administrator is still in
    with services.session_factory() as s:
        details = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.kind == "user_changed",
                                                               AuditEvent.actor == "admin")).all()
    assert {"action": "signed_out", "username": "reception", "sessions_ended": 2} in details


def test_a_citizen_may_not_sign_anyone_out(client: Any) -> None:
    log_in(client, "citizen")
    resp = client.post("/admin/users/reception/sign-out", data={"csrf_token": csrf(client)})
    assert resp.status_code == 403


# -- API tokens -----------------------------------------------------------------------------------------

def test_tokens_are_listed_and_revoked_one_by_one(client: Any, token: Any) -> None:
    first, second = token("citizen"), token("citizen")
    listed = client.get("/api/v1/tokens", headers=first).json
    assert len(listed) == 2 and {"id", "label", "created_at", "last_used_at", "expires_at"} <= set(listed[0])
    second_id = second["Authorization"].split()[1].split(".")[0]
    resp = client.delete(f"/api/v1/tokens/{second_id}", headers=first)
    assert resp.status_code == 200 and resp.json["id"] == int(second_id)
    assert client.get("/api/v1/tasks", headers=second).status_code == 401
    assert client.get("/api/v1/tasks", headers=first).status_code == 200
    assert [t["id"] for t in client.get("/api/v1/tokens", headers=first).json] != [int(second_id)]


def test_another_accounts_token_cannot_be_revoked(client: Any, token: Any) -> None:
    mine, theirs = token("citizen"), token("citizen2")
    their_id = theirs["Authorization"].split()[1].split(".")[0]
    resp = client.delete(f"/api/v1/tokens/{their_id}", headers=mine)
    assert resp.status_code == 404 and resp.json["error"]["code"] == "token.not_found"
    assert client.get("/api/v1/tasks", headers=theirs).status_code == 200
    for odd in ("abc", "-1"):
        assert client.delete(f"/api/v1/tokens/{odd}", headers=mine).status_code == 404
    # a number beyond 64 bits is stopped at the input gate, naming the part
    huge = client.delete("/api/v1/tokens/99999999999999999999999", headers=mine)
    assert huge.status_code == 422 and huge.json["error"]["code"].startswith("input.")


def test_a_token_lives_seven_days_by_default(client: Any, token: Any, clock: Any) -> None:
    from datetime import timedelta

    headers = token("citizen")
    listed = client.get("/api/v1/tokens", headers=headers).json
    assert listed[0]["last_used_at"] is not None
    clock.advance(timedelta(days=6, hours=23))
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    clock.advance(timedelta(hours=2))
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401


def test_the_account_page_makes_lists_and_revokes_tokens(client: Any) -> None:
    import re

    log_in(client)
    page = client.post("/account/tokens", data={"csrf_token": csrf(client), "label": "máy chấm công"})
    made = re.search(r'<code id="new-token">([^<]+)</code>', page.get_data(as_text=True))
    assert made is not None
    headers = {"Authorization": f"Bearer {made.group(1)}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert "máy chấm công" in listing and made.group(1) not in listing  # shown once only
    token_id = made.group(1).split(".")[0]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf(client)})
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401


# -- 3. initial passwords are changed at first log-in -----------------------------------------------------

def test_an_account_made_by_an_administrator_must_choose_its_password_first(client: Any, services: Any,
                                                                             token: Any) -> None:
    from processes.administration.admin_users import create_officer

    made = create_officer(services, "admin", "canbo_moi", "Cán Bộ Mới", "cbm@example.vn", ["reception"],
                          "000.00.22.H34")
    headers = token("canbo_moi")
    refused = client.get("/api/v1/tasks", headers=headers)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "account.password_change_required"
    assert log_in(client, "canbo_moi", made["password"], next_url="/officer/tasks").status_code == 303
    for path in ("/officer/tasks", "/account", "/account/tokens", "/"):
        resp = client.get(path)
        assert resp.status_code == 303 and resp.headers["Location"] == "/account/password", path
    page = client.get("/account/password").get_data(as_text=True)
    assert "mật khẩu ban đầu" in page
    new = "mat-khau-rieng-123"
    resp = client.post("/account/password", data={"csrf_token": csrf(client), "current_password": made["password"],
                                                   "password": new, "password_repeat": new})
    assert resp.status_code == 303 and resp.headers["Location"] == "/officer/tasks"
    assert client.get("/officer/tasks").status_code == 200
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401  # ended with the old password
    assert client.get("/api/v1/tasks", headers=token("canbo_moi")).status_code == 200


def test_the_demo_users_have_no_initial_password_to_change(client: Any) -> None:
    log_in(client, "reception")
    assert client.get("/officer/tasks").status_code == 200
