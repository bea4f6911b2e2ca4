"""The portal opens in a real browser, in Vietnamese, and switches to English."""
from __future__ import annotations

from typing import Any


def test_home_page_lists_procedures_in_vietnamese_and_switches_to_english(live_server: str, page: Any) -> None:
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_text("Đăng ký thành lập hộ kinh doanh").count() >= 1
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Online administrative procedures").count() == 1
