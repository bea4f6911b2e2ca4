"""Every kind of page switched to English in Chromium (portal, the citizen's pages, the task list and a
task page at reception, the specialist and the leader, the administration): no Vietnamese outside
catalogue data (elements marked `lang="vi"` or `data-catalogue`), no raw UTC instant, amounts with
the currency sign; and the language link keeps the page and its query. The Flask-client twin of this
test is tests/e2e/test_english_pages.py; what counts as Vietnamese is in tests/english_pages.py."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.bootstrap import Services
from tests.english_pages import dossiers_at_every_desk, problems
from tests.helpers import HKD

# Every text node of the page and the attributes a browser shows (title, placeholder, aria-label,
# alt, button values), outside catalogue data, scripts, styles and drawings; and the window's title.
SHOWN_TEXTS = """() => {
  const data = '[lang="vi"], [data-catalogue], script, style, svg';
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, ' ').trim();
    if (text && !node.parentElement.closest(data)) texts.push(text);
  }
  const shown = '[title], [placeholder], [aria-label], [alt], input[type=submit]';
  for (const el of document.querySelectorAll(shown)) {
    if (el.closest(data)) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt', 'value']) {
      const value = el.getAttribute(name);
      if (value && (name !== 'value' || el.type === 'submit')) texts.push(value);
    }
  }
  const title = document.querySelector('title');
  if (title && !title.closest(data)) texts.push(document.title);
  return texts;
}"""


@pytest.fixture
def browse_as(playwright_browser: Any, live_server: str) -> Iterator[Any]:
    """`browse_as(username)`: a fresh browser logged in as that user ("" for nobody), in English."""
    contexts: list[Any] = []

    def open_as(username: str) -> Any:
        context = playwright_browser.new_context(locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login?lang=en")
        if username:
            page.locator("#f-username").fill(username)
            page.locator("#f-password").fill("demo")
            page.locator('main form[action="/login"] button[type=submit]').click()
            page.wait_for_load_state()
            assert "/login" not in page.url, f"{username} could not log in"
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_every_kind_of_page_in_english_shows_no_vietnamese_outside_catalogue_data(
        browse_as: Any, services: Services, live_server: str) -> None:
    stage = dossiers_at_every_desk(services)
    pages: dict[str, Any] = {}
    found: dict[str, list[str]] = {}
    for username, path in stage.pages:
        if username not in pages:
            pages[username] = browse_as(username)
        page = pages[username]
        response = page.goto(live_server + path)
        assert response is not None and response.ok, f"{username} {path}: {response and response.status}"
        assert page.locator("html").get_attribute("lang") == "en", f"{path} is not in English"
        if wrong := problems(page.evaluate(SHOWN_TEXTS)):
            found[f"{username or 'anonymous'} {path}"] = wrong
    assert found == {}

    procedure = pages[""]
    procedure.goto(f"{live_server}/procedures/{HKD}")
    assert procedure.get_by_text("₫100,000").count() >= 1, "the fee, with the currency sign"


def test_the_language_link_keeps_the_page_and_its_query(browse_as: Any, live_server: str) -> None:
    page = browse_as("reception")
    page.goto(live_server + "/officer/tasks?queue=mine&overdue=1&lang=vi")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/officer/tasks?queue=mine&overdue=1&lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("checkbox", name="Overdue only").is_checked()
    page.get_by_role("link", name="Tiếng Việt").click()
    page.wait_for_url("**/officer/tasks?queue=mine&overdue=1&lang=vi")
    assert page.get_by_role("heading", name="Danh sách công việc").count() == 1
