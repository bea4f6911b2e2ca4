"""Signed links sent by e-mail (confirm an address, reset a password). The issue instant comes
from the injected clock; a fingerprint ties the token to what it may change, so a reset link stops
working once the password changed and a confirmation link once the address changed."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from processes.errors import Invalid

CONFIRM = "confirm-email"
RESET = "reset-password"
SECOND_FACTOR = "second-factor"  # the half-logged-in state between the password and the code (not a link)
MAX_AGE = {CONFIRM: timedelta(days=7), RESET: timedelta(hours=1), SECOND_FACTOR: timedelta(minutes=5)}
REFUSAL = {  # (purpose, expired) -> the code of the refusal
    (CONFIRM, True): "account.confirm_link_expired", (CONFIRM, False): "account.confirm_link_invalid",
    (RESET, True): "account.reset_link_expired", (RESET, False): "account.reset_link_invalid",
}


class BadToken(Exception):
    """The link is forged, damaged, for another purpose, or expired (`expired` says which)."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]


def make(secret: str, purpose: str, username: str, bound_to: str, now: datetime) -> str:
    data = {"u": username, "f": fingerprint(bound_to), "t": int(now.timestamp())}
    return str(URLSafeSerializer(secret, salt=purpose).dumps(data))


def read(secret: str, purpose: str, token: str, now: datetime) -> tuple[str, str]:
    """(username, fingerprint) of a valid token; BadToken otherwise."""
    try:
        data: Any = URLSafeSerializer(secret, salt=purpose).loads(token)
    except BadSignature:
        raise BadToken(expired=False) from None
    if not isinstance(data, dict) or not {"u", "f", "t"} <= set(data):
        raise BadToken(expired=False)
    issued = datetime.fromtimestamp(int(data["t"]), tz=UTC)
    if now - issued > MAX_AGE[purpose] or issued - now > timedelta(minutes=5):
        raise BadToken(expired=True)
    return str(data["u"]), str(data["f"])


def read_link(secret: str, purpose: str, token: str, now: datetime) -> tuple[str, str]:
    """`read`, for a use case: a bad link is refused as expired or invalid, on the field `token`."""
    try:
        return read(secret, purpose, token, now)
    except BadToken as exc:
        raise Invalid(REFUSAL[purpose, exc.expired], "token") from None
