"""Every response carries the security headers (web/headers.py), and no page needs an inline script or
style, which the Content-Security-Policy forbids: pages of each kind of user, error pages, printed forms,
diagrams, static files and API answers."""
from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from adapters.bootstrap import Services
from tests.e2e.test_api_walkthrough import submit
from tests.e2e.test_no_dead_links import crawl
from tests.helpers import session_of

# A data block (`<script type="application/json">`, the studio's data) is never executed: not inline script.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>|<style\b|\sstyle=|\son[a-z]+=|"
                    r"javascript:", re.IGNORECASE)
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


def assert_secure(resp: Any, where: str) -> None:
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, where
    assert "'unsafe-inline'" not in csp and "http" not in csp, where  # nothing inline, no CDN
    assert resp.headers.get("X-Frame-Options") == "DENY", where
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", where
    assert resp.headers.get("Referrer-Policy") == "same-origin", where
    assert "Strict-Transport-Security" not in resp.headers, where  # the test app is on http


def test_no_template_has_an_inline_script_or_style() -> None:
    found = {str(p.relative_to(TEMPLATES)): INLINE.findall(p.read_text()) for p in TEMPLATES.rglob("*.html")}
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.parametrize("username", [None, "citizen", "reception", "leader", "admin"])
def test_every_page_of_each_user_has_the_headers_and_nothing_inline(client: Any, token: Any,
                                                                    username: str | None) -> None:
    code = submit(client, token)
    if username:
        with client.session_transaction() as s:
            s["sid"] = session_of(client, username)
    pages = crawl(client, "/", limit=25)
    for home in ("/my/dossiers", "/officer/tasks", "/admin"):
        pages.update(crawl(client, home, limit=25))
    pages.update({"/no/such/page": 404, "/procedures/1.001612/forms/giay_de_nghi": 200})
    for url in pages:
        resp = client.get(url)
        assert_secure(resp, url)
        if resp.mimetype == "text/html":
            assert INLINE.findall(resp.get_data(as_text=True)) == [], url
    for url in (f"/dossiers/{code}/diagram.svg", "/static/site.css", "/static/pages.js"):
        resp = client.get(url)
        assert_secure(resp, url)
        resp.close()


def test_api_answers_forms_and_refusals_have_the_headers(client: Any, token: Any) -> None:
    code = submit(client, token)
    for url, who in [("/api/v1/procedures", None), ("/api/v1/openapi.json", None),
                     (f"/api/v1/dossiers/{code}", "citizen"),
                     (f"/api/v1/dossiers/{code}/forms/01.pdf", "citizen"), ("/api/v1/dossiers/nope", "citizen"),
                     ("/api/v1/tasks", None)]:
        resp = client.get(url, headers=token(who) if who else {})
        assert_secure(resp, url)
    assert_secure(client.post("/api/v1/dossiers", data="{", headers=token("citizen")
                              | {"Content-Type": "application/json"}), "malformed JSON")


def test_hsts_is_sent_when_the_base_url_is_https(services: Services) -> None:
    from web import create_app

    config = copy.deepcopy(dict(services.config))
    config["app"]["base_url"] = "https://dichvucong.kontum.gov.vn"
    resp = create_app(dataclasses.replace(services, config=config)).test_client().get("/")
    assert resp.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
