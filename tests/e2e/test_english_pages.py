"""Every kind of page read in English (Flask test client): no Vietnamese outside catalogue data, no raw
UTC instant, amounts and dates formatted by Babel. The browser test (tests/browser/test_english.py)
walks the same pages in Chromium."""
from __future__ import annotations

from typing import Any

from adapters.bootstrap import Services
from tests.english_pages import dossiers_at_every_desk, walk_english


def english(client: Any) -> Any:
    def get(username: str, path: str) -> str:
        with client.session_transaction() as s:
            s.clear()
            if username:
                s["user"] = username
            s["csrf"] = "t"
        resp = client.get(path + ("&" if "?" in path else "?") + "lang=en")
        assert resp.status_code == 200, f"{username} {path}: {resp.status_code}"
        return str(resp.get_data(as_text=True))
    return get


def test_every_kind_of_page_is_english_throughout(client: Any, services: Services) -> None:
    stage = dossiers_at_every_desk(services)
    assert walk_english(english(client), stage) == {}
