"""The health check. (The portal's pages are in web/portal.py, web/accounts.py, web/citizen.py.)"""
from __future__ import annotations

from flask import Blueprint, Response, jsonify

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})
