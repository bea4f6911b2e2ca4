"""Rate-limited pages answer 429 with Retry-After and a sentence to act on (issue 11)."""
from __future__ import annotations

from typing import Any

import pytest

from adapters import throttle
from tests.e2e.test_portal_pages import csrf

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def register(client: Any, n: int) -> Any:
    return client.post("/register", data={
        "csrf_token": csrf(client, "/register"), "username": f"nguoidan{n}", "full_name": "Người Dân",
        "email": f"dan{n}@example.vn", "phone": "0905123456", "password": "mật-khẩu-đủ-dài",
        "password_repeat": "mật-khẩu-đủ-dài"})


def test_registration_from_one_address_is_limited(app: Any) -> None:
    for n in range(throttle.REGISTRATIONS_PER_IP.attempts):
        assert register(app.test_client(), n).status_code == 303
    refused = register(app.test_client(), 99)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "Đã có nhiều lượt đăng ký gần đây; hãy thử lại sau 60 phút." in refused.get_data(as_text=True)


def test_anonymous_feedback_from_one_address_is_limited(client: Any) -> None:
    token = csrf(client, "/feedback")
    for n in range(throttle.FEEDBACK_PER_IP.attempts):
        assert client.post("/feedback", data={"csrf_token": token, "comment": f"Góp ý {n}"}).status_code == 303
    refused = client.post("/feedback", data={"csrf_token": token, "comment": "Thêm"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "Bạn đã gửi nhiều góp ý; hãy thử lại sau 60 phút." in refused.get_data(as_text=True)


def test_look_ups_and_reset_requests_say_when_to_retry(client: Any) -> None:
    token = csrf(client, "/track")
    for n in range(throttle.LOOKUP_FAILURES.attempts):
        client.post("/track", data={"csrf_token": token, "code": f"X-{n}", "phone": "0912345678"})
    refused = client.post("/track", data={"csrf_token": token, "code": "X-x", "phone": "0912345678"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    token = csrf(client, "/password/forgot")
    for _ in range(throttle.MAIL_REQUESTS.attempts):
        assert client.post("/password/forgot", data={"csrf_token": token, "email": "citizen@example.vn"}
                           ).status_code == 303
    refused = client.post("/password/forgot", data={"csrf_token": token, "email": "citizen@example.vn"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "Đã gửi nhiều thư; hãy thử lại sau 60 phút." in refused.get_data(as_text=True)
