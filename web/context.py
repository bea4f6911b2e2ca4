"""Access to the wired services from a request."""
from __future__ import annotations

from flask import current_app

from adapters.bootstrap import Services


def services() -> Services:
    return current_app.extensions["motcua"]
