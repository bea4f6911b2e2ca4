"""The channels a notice can take and which of them a user chose (`users.notice_channels`, else the
configured `[notices] default_channels`). Its own room so that consent (processes.people.consent) can
add or take out Zalo without importing the sending of notices, which asks consent in turn."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models import User

CHANNELS = ("email", "sms", "zalo")


def channels_of(config: Mapping[str, Any], user: User) -> list[str]:
    """The user's channels in the order of CHANNELS (their choice, else the configured defaults)."""
    chosen = user.notice_channels
    if chosen is None:
        chosen = list(config.get("notices", {}).get("default_channels", ["email", "sms"]))
    return [c for c in CHANNELS if c in chosen]
