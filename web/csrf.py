"""CSRF protection for every HTML form: a per-session token, checked on every unsafe request
outside the bearer-token API (which carries no cookies to forge)."""
from __future__ import annotations

import hmac
import secrets

from flask import Flask, abort, request, session

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def csrf_token() -> str:
    token = session.get("csrf")
    if not token:
        token = session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


def _check() -> None:
    if request.method not in UNSAFE or request.path.startswith(("/api/", "/_sim/")):  # _sim: demo simulators
        return
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf") or ""
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="csrf")


def init_app(app: Flask) -> None:
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = csrf_token
