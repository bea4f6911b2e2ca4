"""Refusals a use case can give, each mapped to one HTTP status by the web layer."""
from __future__ import annotations

from collections.abc import Mapping


class Refused(Exception):
    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(Refused):
    code = "not_found"


class Forbidden(Refused):
    code = "forbidden"


class Conflict(Refused):
    code = "conflict"


class Invalid(Refused):
    """Input that breaks a rule; `fields` maps each bad field to what is wrong with it."""

    code = "invalid"

    def __init__(self, fields: Mapping[str, str], message: str | None = None):
        self.fields = dict(fields)
        super().__init__(message or "; ".join(f"{k}: {v}" for k, v in self.fields.items()))


class Unprocessable(Refused):
    """The workflow could not advance (a diagram or handler problem); nothing was saved."""

    code = "workflow_error"
