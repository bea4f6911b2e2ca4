"""The JSON API (`/api/v1`), as ../shared/CONTRACT.md promises it: one blueprint, routes by area.

Routes parse, call one use case, render; every refusal leaves through `web.errors`."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The route modules attach themselves to `bp`.
from web.api import (  # noqa: E402,F401
    acts,
    apology,
    calendar,
    consents,
    dossiers,
    forms,
    notices,
    payments,
    reports,
    tokens,
    verify,
)
