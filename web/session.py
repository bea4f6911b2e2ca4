"""Who is logged in to the HTML pages (a signed, HttpOnly, SameSite cookie). Authentication only:
what a user may do is decided in processes.access."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for


def safe_path(target: str | None, default: str, prefix: str = "/") -> str:
    """A redirect target: a path on this site only, else `default`. Refused: anything with a control
    or format character (tabs, CR/LF, NUL, zero-width: browsers strip some of them, turning
    `/\t/evil` into `//evil`), a backslash, `//`, a scheme or host, anything outside `prefix`."""
    if not target or len(target) > 2000 or not target.startswith(prefix):
        return default
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in target) or " " in target:
        return default
    if "\\" in target or target.startswith("//") or "//" in target.split("?", 1)[0]:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    return target


def current_username() -> str | None:
    return session.get("user")


def login_user(username: str) -> None:
    lang = session.get("lang")
    session.clear()  # a new session id on login: no fixation
    session["user"] = username
    if lang:
        session["lang"] = lang
    session.permanent = False


def logout_user() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        username = current_username()
        if username is None:
            return redirect(url_for("auth.login", next=request.full_path))
        g.username = username
        return view(*args, **kwargs)

    return wrapper


OFFICER_HOME_ROLES = {"reception", "specialist", "leader"}


def current_roles() -> list[str]:
    """The logged-in user's roles, read once per request (for navigation only, not for rights)."""
    if "roles" not in g:
        from processes.people.users import roles_of
        from web.context import services

        username = current_username()
        g.roles = roles_of(services(), username) if username else []
    return list(g.roles)


def home_path(username: str) -> str:
    """Where a user lands after logging in: officers on their tasks, administrators on /admin."""
    from processes.people.users import roles_of
    from web.context import services

    roles = set(roles_of(services(), username))
    if roles & OFFICER_HOME_ROLES:
        return "/officer/tasks"
    if roles & {"admin", "analyst", "agency_admin"}:
        return "/admin"
    return "/my/dossiers"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["current_username"] = current_username
    app.jinja_env.globals["current_roles"] = current_roles
