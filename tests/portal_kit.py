"""Helpers for the portal's tests (use cases, HTTP pages and the browser)."""
from __future__ import annotations

import re
from typing import Any

from adapters.bootstrap import Services
from processes.outbox import dispatch_outbox
from tests.helpers import work

LINK = re.compile(r"https?://\S+")


__all__ = ["mailed_link", "path_of", "work"]


def mailed_link(services: Services, mailer: Any, to: str, path_part: str) -> str:
    """Send the outbox, then return the newest link containing `path_part` mailed to `to`."""
    dispatch_outbox(services)
    for recipient, _subject, body, _key in reversed(mailer.sent):
        if recipient == to:
            for link in LINK.findall(body):
                if path_part in link:
                    return str(link)
    raise AssertionError(f"no mail to {to} with a {path_part} link; sent: {[m[:2] for m in mailer.sent]}")


def path_of(link: str) -> str:
    """The path of a mailed link (mails carry the configured public address, tests their own server)."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def log_in_citizen(page: Any, base: str) -> None:
    """The demo citizen logs in through the real log-in page and lands on their dossiers."""
    page.goto(base + "/login")
    page.get_by_label("Tên đăng nhập").fill("citizen")
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/my/dossiers")
