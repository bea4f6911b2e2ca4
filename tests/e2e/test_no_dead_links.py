"""Every link a page offers leads somewhere: crawl the site as each kind of user and follow every
same-site link; none may answer 404 or 500."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest

from tests.e2e.test_api_walkthrough import submit
from tests.helpers import session_of

HREF = re.compile(r'href="([^"#]+)"')
SKIP = ("/logout", "/static/", "mailto:", "?lang=")


def crawl(client: Any, start: str, limit: int = 250) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.mimetype != "text/html":
            continue
        for href in HREF.findall(resp.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            target = urljoin(url, href)
            parsed = urlparse(target)
            if parsed.netloc or any(s in target for s in SKIP) or target.endswith((".pdf", ".svg")):
                continue
            queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return seen


@pytest.mark.parametrize("username", [None, "citizen", "reception", "leader", "admin", "analyst"])
def test_no_page_links_to_a_missing_or_broken_page(client: Any, token: Any, username: str | None) -> None:
    submit(client, token)  # something in every list
    if username:
        with client.session_transaction() as s:
            s["sid"] = session_of(client, username)
    seen = crawl(client, "/")
    for home in ("/my/dossiers", "/officer/tasks", "/admin"):
        seen.update(crawl(client, home, limit=120))
    broken = {url: status for url, status in seen.items() if status in (404, 500)}
    assert broken == {}
