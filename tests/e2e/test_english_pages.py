"""Every kind of page read in English (Flask test client): no Vietnamese outside catalogue data, no raw
UTC instant; amounts, dates and counts formatted by Babel in each language; the language switch keeps
the page. The browser test (tests/browser/test_english.py) walks the same pages in Chromium."""
from __future__ import annotations

import re
from typing import Any

from adapters.bootstrap import Services
from tests.english_pages import dossiers_at_every_desk, walk_english
from tests.helpers import HKD, session_of, submit

INSTANT = re.compile(r"\b\d\d/\d\d/\d{4} \d\d:\d\d\b")


def english(client: Any) -> Any:
    """`get(username, path)`: the page in English as that user ("" for nobody), which must answer 200."""
    def get(username: str, path: str) -> str:
        with client.session_transaction() as s:
            s.clear()
            if username:
                s["sid"] = session_of(client, username)
            s["csrf"] = "t"
        resp = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        assert resp.status_code == 200, f"{username} {path}: {resp.status_code}"
        return str(resp.get_data(as_text=True))
    return get


def test_every_kind_of_page_is_english_throughout(client: Any, services: Services) -> None:
    stage = dossiers_at_every_desk(services)
    assert walk_english(english(client), stage) == {}


def test_amounts_dates_and_counts_are_formatted_in_each_language(client: Any, services: Services) -> None:
    stage = dossiers_at_every_desk(services)
    get = english(client)
    procedure = get("", f"/procedures/{HKD}")
    assert "₫100,000" in procedure
    leader_task = next(path for user, path in stage.pages if user == "leader" and path != "/officer/tasks")
    task = get("leader", leader_task)
    assert "₫100,000" in task
    assert "02/03/2026 09:00" in task, "the instant of submission, in Kon Tum's time (UTC+7)"
    tasks = get("reception", "/officer/tasks")
    assert "1 task, soonest due first" in tasks and INSTANT.search(tasks)
    submit(services)
    assert "2 tasks, soonest due first" in get("reception", "/officer/tasks")

    client.get("/?lang=vi")
    vietnamese = client.get(f"/procedures/{HKD}").get_data(as_text=True)
    assert "100.000\xa0₫" in vietnamese
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "leader")
    assert "02/03/2026 09:00" in client.get(leader_task).get_data(as_text=True)


def test_switching_language_keeps_the_page_and_its_query(client: Any, services: Services) -> None:
    submit(services)
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "reception")
    page = client.get("/officer/tasks?queue=mine&code=000.00&lang=vi").get_data(as_text=True)
    assert ('href="/officer/tasks?queue=mine&amp;code=000.00&amp;lang=en" hreflang="en" lang="en">English<'
            in page)
    english_page = client.get("/officer/tasks?queue=mine&code=000.00&lang=en").get_data(as_text=True)
    assert "Task list" in english_page
    assert ('href="/officer/tasks?queue=mine&amp;code=000.00&amp;lang=vi" hreflang="vi" lang="vi">Tiếng Việt<'
            in english_page)


def test_the_dossier_drawing_has_its_legend_in_the_readers_language(client: Any, services: Services) -> None:
    code = submit(services)
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    assert b">Done<" in client.get(f"/dossiers/{code}/diagram.svg?lang=en").data
    assert "Đã xong".encode() in client.get(f"/dossiers/{code}/diagram.svg?lang=vi").data
