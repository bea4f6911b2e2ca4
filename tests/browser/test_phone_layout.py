"""The portal on a phone (issue 19): the menu folds behind one button, file pickers are large enough to
touch, tables read as cards, and nothing is wider than the screen."""
from __future__ import annotations

from typing import Any

from adapters.bootstrap import Services
from tests.helpers import HKD, submit
from tests.portal_kit import log_in_citizen

PHONE = {"width": 360, "height": 740}



def test_the_menu_folds_on_a_phone_and_stays_open_on_a_desktop(live_server: str, page: Any) -> None:
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/")
    menu = page.get_by_role("button", name="Danh mục")
    track = page.get_by_role("link", name="Tra cứu hồ sơ")
    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false" and not track.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and track.is_visible()
    track.click()
    page.wait_for_url("**/track")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not page.get_by_role("button", name="Danh mục").is_visible()
    assert page.get_by_role("link", name="Tra cứu hồ sơ").is_visible()


def test_file_pickers_are_large_and_tables_are_cards_on_a_phone(live_server: str, page: Any,
                                                               services: Services) -> None:
    submit(services)
    page.set_viewport_size(PHONE)
    log_in_citizen(page, live_server)
    row = page.locator("table.responsive tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"  # a card, its cells labelled
    label = row.locator("td").first.evaluate("c => getComputedStyle(c, '::before').content")
    assert "Mã hồ sơ" in label
    page.goto(live_server + f"/procedures/{HKD}/submit")
    picker = page.locator("input[type=file]").first.bounding_box()
    assert picker is not None and picker["height"] >= 44 and picker["width"] >= PHONE["width"] * 0.8
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
