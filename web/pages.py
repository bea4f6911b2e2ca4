"""HTML pages (Vietnamese by default) and the health check."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from processes import dossiers
from web.context import services

bp = Blueprint("pages", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/")
def index() -> str:
    return render_template("index.html", procedures=dossiers.list_procedures(services()))
