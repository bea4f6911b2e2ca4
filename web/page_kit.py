"""Small helpers shared by the HTML pages: the caller's address, uploads, refusals shown on a page."""
from __future__ import annotations

from typing import Any

from flask import request

from processes.errors import Refused
from processes.submission.submission import Upload
from web import refusals
from web.errors import refusal_response


def client_ip() -> str:
    """The caller's address as the WSGI server saw it (gunicorn behind a proxy: configure the proxy
    to set REMOTE_ADDR, e.g. with ProxyFix in web/wsgi.py, before trusting X-Forwarded-For)."""
    return request.remote_addr or "-"


def uploads(prefix: str = "documents.") -> list[Upload]:
    """Every non-empty file field named `<prefix><document key>`, in form order."""
    found = []
    for name, file in request.files.items(multi=True):
        if not name.startswith(prefix) or not file or not file.filename:
            continue
        found.append(Upload(name[len(prefix):], file.filename, file.read(), file.mimetype))
    return found


def field_errors(exc: Refused) -> dict[str, str]:
    """Each bad field (as the form names it) with what is wrong; "" for what is about no field."""
    return refusals.field_messages(exc)


def refusal_page(exc: Refused) -> Any:
    """A refusal a page did not handle itself: the one answer of web/errors.py."""
    return refusal_response(exc)
