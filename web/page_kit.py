"""Small helpers shared by the HTML pages: the caller's address, uploads, refusals shown on a page."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request

from adapters.throttle import Throttled
from processes.errors import Invalid, NotFound, Refused
from processes.submission.submission import Upload


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
        found.append(Upload(name[len(prefix):], file.filename, file.read()))
    return found


def field_errors(exc: Invalid) -> dict[str, str]:
    """Each bad field (as the form names it) with what is wrong; the message when no field is named."""
    return dict(exc.fields) if exc.fields else {"": exc.message}


def refusal_page(exc: Refused) -> Any:
    """A refusal a page did not handle itself: 404 for what the user may not see, 429 when
    throttled, otherwise the message on an error page with 409/400."""
    if isinstance(exc, NotFound):
        abort(404)
    status = 429 if isinstance(exc, Throttled) else 409 if exc.code == "conflict" else 400
    return render_template("error.html", status=status, message=exc.message), status
