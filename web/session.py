"""Who is logged in to the HTML pages: a signed, HttpOnly, SameSite cookie carrying the credential of
a server-side session (processes.people.sessions), checked on every request, so that log-out, a
password change, a lock or "sign out everywhere" end it for real. Authentication only: what a user
may do is decided in processes.access."""
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


# What a holder of an initial password may still open: the page to choose a new one, log-out, files.
PASSWORD_PENDING_ENDPOINTS = {"auth.password_page", "auth.change_password", "auth.logout", "static"}
PASSWORD_PAGE = "/account/password"
# What an administrator who must enrol in two-factor log-in may still open (web.accounts).
ENROL_ENDPOINTS = {"auth.two_factor_page", "auth.two_factor_confirm", "auth.two_factor_qr", "auth.logout",
                   "static", *PASSWORD_PENDING_ENDPOINTS}
ENROL_PAGE = "/account/two-factor"


def current_username() -> str | None:
    """The account of this request's browser session, checked against the server's sessions table
    once per request (an ended session or a locked account is nobody)."""
    holder = g.get("session_holder")
    return holder.username if holder is not None else None


def login_user(username: str, credential: str | None = None, successor_of: int | None = None) -> None:
    """Start a server-side session for an account whose password was just checked (`credential`: the
    session processes.people.two_factor opened once the second factor passed too; `successor_of`: the
    session this one replaces after a password change)."""
    from processes.people.sessions import start_session
    from web.context import services

    lang = session.get("lang")
    session.clear()  # a new session id on login: no fixation
    session["sid"] = credential or start_session(services(), username, successor_of)
    if lang:
        session["lang"] = lang
    session.permanent = False
    g.session_holder = None  # resolved again on the next request


def logout_user() -> None:
    """End this browser's session on the server (a copy of the cookie stops working too)."""
    from processes.people.sessions import end_session
    from web.context import services

    credential = session.get("sid")
    if isinstance(credential, str):
        end_session(services(), credential)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    g.session_holder = None


def _resolve_session() -> Any:
    """Before every request: who holds this browser session, if it still works; an account with an
    initial password is sent to choose its own before anything else."""
    g.session_holder = None
    if request.endpoint == "static" or request.path.startswith("/api/"):
        return None
    credential = session.get("sid")
    if credential is None:
        return None
    from processes.people.sessions import WEB, check
    from web.context import services

    holder = check(services(), WEB, credential) if isinstance(credential, str) else None
    if holder is None:
        session.pop("sid", None)  # ended, expired or locked: the browser is logged out
        return None
    g.session_holder = holder
    if holder.must_change_password and request.endpoint not in PASSWORD_PENDING_ENDPOINTS:
        return redirect(PASSWORD_PAGE, code=303)
    if holder.must_enrol and request.endpoint not in ENROL_ENDPOINTS:
        return redirect(ENROL_PAGE, code=303)
    return None


def password_change_pending() -> bool:
    holder = g.get("session_holder")
    return bool(holder is not None and holder.must_change_password)


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
    app.before_request(_resolve_session)
    app.jinja_env.globals["password_change_pending"] = password_change_pending
    app.jinja_env.globals["current_username"] = current_username
    app.jinja_env.globals["current_roles"] = current_roles
