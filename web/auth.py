"""Bearer tokens for the API: `ID.SECRET` credentials of processes.people.sessions, checked against
the database on every request (a revoked token, a token of a locked account, or one ended by a
password change or "sign out everywhere" stops working at once)."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from adapters.bootstrap import Services
from processes.errors import Forbidden
from processes.people import sessions
from web.context import services


class Unauthorized(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def make_token(svc: Services, username: str, label: str = "motcua token") -> str:
    """A new recorded token for an active account (the operator's `motcua token`, tests, the bench)."""
    return sessions.operator_token(svc, username, label)


def require_token(view: Callable[..., Any]) -> Callable[..., Any]:
    """The API's one authentication check; authorisation happens in processes.access."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("missing bearer token")
        holder = sessions.check(services(), sessions.API, token.strip())
        if holder is None:
            raise Unauthorized("invalid, expired or revoked token")
        if holder.must_change_password:
            raise Forbidden("account.password_change_required")
        g.username = holder.username
        g.token_id = holder.session_id
        return view(*args, **kwargs)

    return wrapper
