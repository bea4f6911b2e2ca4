"""Consent in a real browser (Debian's Chromium): a citizen keeps their identity number on the account
to prefill forms, sees that as a consent on the privacy page, withdraws it there, and finds the number
gone from the account and from the next form; the history keeps both decisions."""
from __future__ import annotations

import re
from typing import Any

from adapters.bootstrap import Services
from tests.helpers import HKD
from tests.portal_kit import log_in_citizen


def test_a_citizen_gives_and_withdraws_the_prefill_consent_and_the_number_is_erased(
        live_server: str, page: Any, services: Services) -> None:
    log_in_citizen(page, live_server)
    page.goto(live_server + "/account/privacy")
    prefill = page.locator("#state-profile_prefill")
    assert prefill.inner_text() == "Chưa đồng ý"  # nothing ticked, nothing saved: no consent

    page.goto(live_server + "/account")
    page.get_by_label(re.compile("^Số định danh cá nhân")).fill("062095001234")
    page.locator("form[action='/account/details']").get_by_role("button", name="Lưu").click()
    page.goto(live_server + "/account/privacy")
    assert prefill.inner_text().startswith("Đồng ý")  # saving the number was the consent
    page.goto(live_server + f"/procedures/{HKD}/submit")
    assert page.get_by_label("Số định danh cá nhân").input_value() == "062095001234"  # prefilled

    page.goto(live_server + "/account/privacy")
    page.locator("section.purpose", has=page.locator("#state-profile_prefill")).get_by_role(
        "button", name="Rút lại sự đồng ý").click()
    assert page.locator("#state-profile_prefill").inner_text().startswith("Đã rút lại sự đồng ý")
    history = page.locator("section[aria-labelledby='history-title'] tbody tr")
    assert history.count() == 2  # the grant and the withdrawal: both kept, neither rewritten

    page.goto(live_server + "/account")
    assert page.get_by_label(re.compile("^Số định danh cá nhân")).input_value() == ""
    page.goto(live_server + f"/procedures/{HKD}/submit")
    assert page.get_by_label("Số định danh cá nhân").input_value() == ""
