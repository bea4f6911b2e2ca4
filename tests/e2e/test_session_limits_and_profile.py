"""Through the pages (issue 11): a browser session idle past `[sessions] idle_minutes` is logged out;
the profile form answers the same whether the new address is free or someone else's."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.e2e.test_sessions import csrf, log_in


def test_an_idle_browser_is_logged_out(client: Any, clock: Any, services: Any) -> None:
    services.config["sessions"].update(idle_minutes=60, absolute_hours=12)
    log_in(client)
    clock.advance(timedelta(minutes=50))
    assert client.get("/my/dossiers").status_code == 200
    clock.advance(timedelta(minutes=61))
    resp = client.get("/my/dossiers")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_the_profile_form_says_the_same_for_a_taken_address(app: Any, client: Any) -> None:
    answers = []
    for username, address in (("citizen", "citizen2@example.vn"), ("citizen2", "an.moi@example.vn")):
        browser = app.test_client()
        log_in(browser, username)
        resp = browser.post("/account", data={"csrf_token": csrf(browser), "full_name": "Nguyễn Văn An",
                                              "email": address, "phone": "0912345678"}, follow_redirects=True)
        assert resp.status_code == 200
        flashed = resp.get_data(as_text=True)
        answers.append("Hãy mở liên kết trong thư vừa gửi" in flashed
                       and "đã gắn với một tài khoản khác" not in flashed
                       and f"Địa chỉ thư điện tử {address} chưa được xác nhận" in flashed)
    assert answers == [True, True]


def test_motcua_maintenance_purge_deletes_expired_idempotency_keys(motcua: Any, services: Any) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from models import IdempotentRequest

    with services.session_factory() as s:
        s.add_all([IdempotentRequest(username="citizen", key=k, fingerprint="f" * 64, answer={},
                                     created_at=at) for k, at in (("old", datetime(2020, 1, 1, tzinfo=UTC)),
                                                                  ("new", datetime(2999, 1, 1, tzinfo=UTC)))])
        s.commit()
    code, out, err = motcua("maintenance", "purge")
    assert code == 0, err
    assert out == "1 expired idempotency keys purged"
    with services.session_factory() as s:
        assert s.scalars(sa.select(IdempotentRequest.key)).all() == ["new"]
