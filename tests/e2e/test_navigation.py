"""After logging in, each person lands where their work is, and the header shows their sections."""
from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import session_of


@pytest.mark.parametrize(("username", "home"), [("citizen", "/my/dossiers"), ("reception", "/officer/tasks"),
                                                ("leader2", "/officer/tasks"), ("admin", "/admin"),
                                                ("analyst", "/admin")])
def test_log_in_lands_on_the_users_own_work(client: Any, username: str, home: str) -> None:
    client.get("/login")
    with client.session_transaction() as s:
        token = s["csrf"]
    resp = client.post("/login", data={"username": username, "password": "demo", "csrf_token": token})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(home)


def test_officers_see_their_tasks_in_the_header_and_citizens_their_dossiers(client: Any) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "specialist")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/officer/tasks"' in page and 'href="/my/dossiers"' not in page
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/my/dossiers"' in page and 'href="/officer/tasks"' not in page
