"""Two-factor log-in in a real browser (issue 11): an officer enrols from the account page (the QR code
is an image the CSP lets through), logs out, and logs in again with the password and then the code."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp


def log_in(page: Any, live_server: str, username: str) -> None:
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    page.get_by_role("button", name="Đăng nhập").click()


def test_an_officer_enrols_and_logs_in_with_a_code(live_server: str, page: Any, clock: Any) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, "reception")
    page.goto(live_server + "/account")
    page.get_by_role("link", name="Bật hoặc xem xác thực hai lớp").click()
    qr = page.locator('img[src="/account/two-factor/qr.svg"]')
    qr.wait_for()
    page.wait_for_function("img => img.complete", arg=qr.element_handle())  # loaded (slow under load)
    assert qr.evaluate("img => img.naturalWidth > 0")  # the QR code is drawn
    secret = page.locator("#totp-secret").inner_text()
    page.fill("input[name=otp]", pyotp.TOTP(secret).at(clock.now()))
    page.get_by_role("button", name="Bật xác thực hai lớp").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("navigation", name="Tài khoản").get_by_role("button", name="Đăng xuất").click()

    clock.advance(timedelta(seconds=30))
    log_in(page, live_server, "reception")
    assert page.url.endswith("/login/code")
    page.fill("input[name=otp]", pyotp.TOTP(secret).at(clock.now()))
    page.get_by_role("button", name="Xác nhận").click()
    assert page.url.endswith("/officer/tasks")
    assert not refused, refused
