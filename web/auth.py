"""Bearer tokens for the API: signed, carrying the username; checked against the database."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from adapters.bootstrap import Services
from web.context import services

TOKEN_MAX_AGE = 30 * 24 * 3600
_SALT = "motcua-api-token"


class Unauthorized(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def make_token(svc: Services, username: str) -> str:
    return URLSafeTimedSerializer(svc.config["app"]["secret_key"], salt=_SALT).dumps({"u": username})


def username_from_token(svc: Services, token: str) -> str | None:
    try:
        data = URLSafeTimedSerializer(svc.config["app"]["secret_key"], salt=_SALT).loads(
            token, max_age=TOKEN_MAX_AGE)
    except BadSignature:
        return None
    return data.get("u") if isinstance(data, dict) else None


def require_token(view: Callable[..., Any]) -> Callable[..., Any]:
    """The API's one authentication check; authorisation happens in processes.access."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Thiếu mã xác thực: gửi 'Authorization: Bearer TOKEN' (missing bearer token)")
        username = username_from_token(services(), token.strip())
        if username is None:
            raise Unauthorized("Mã xác thực không hợp lệ hoặc đã hết hạn (invalid or expired token)")
        g.username = username
        return view(*args, **kwargs)

    return wrapper
