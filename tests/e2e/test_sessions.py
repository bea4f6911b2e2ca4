"""Log-in redirects, sessions the server can end, API tokens, initial passwords (issue 11)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from web.session import safe_path


def csrf(client: Any) -> str:
    with client.session_transaction() as s:
        s.setdefault("csrf", "t")
        return str(s["csrf"])


def log_in(client: Any, username: str = "citizen", password: str = "demo", next_url: str | None = None) -> Any:
    query = f"?next={quote(next_url, safe='')}" if next_url is not None else ""
    return client.post(f"/login{query}", data={"csrf_token": csrf(client), "username": username,
                                               "password": password})


# -- 1. redirects after log-in ------------------------------------------------------------------------

PROBES = ["/\t/evil.example/phish", "//evil.example", "/\\evil.example", "https://evil.example/",
          "/ok\r\nSet-Cookie: x=1", "/ok\nLocation: //evil", "\x00/", "javascript:alert(1)",
          "/\u200b/evil.example", " //evil.example"]


@pytest.mark.parametrize("target", PROBES)
def test_log_in_never_redirects_off_site(client: Any, target: str) -> None:
    resp = log_in(client, next_url=target)
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/my/dossiers"  # the user's home, not the probe


def test_the_issue_probe_as_sent(client: Any) -> None:
    resp = client.post("/login?next=/%09/evil.example/phish", data={"csrf_token": csrf(client),
                                                                     "username": "citizen", "password": "demo"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/my/dossiers"


def test_log_in_goes_back_to_a_page_of_the_site(client: Any) -> None:
    resp = log_in(client, next_url="/my/dossiers?page=2")
    assert resp.headers["Location"] == "/my/dossiers?page=2"


def test_redirects_never_reflect_the_host_header(client: Any) -> None:
    for path in ("/my/dossiers", "/officer/register.pdf?agency=X"):
        resp = client.get(path, headers={"Host": "evil.example"})
        assert resp.status_code in (302, 303, 308)
        assert resp.headers["Location"].startswith("/"), resp.headers["Location"]


def test_safe_path_keeps_a_prefix() -> None:
    assert safe_path("/officer/tasks?x=1", "/d", prefix="/officer/") == "/officer/tasks?x=1"
    assert safe_path("/admin", "/d", prefix="/officer/") == "/d"
    assert safe_path("/officer/\r\n", "/d", prefix="/officer/") == "/d"
