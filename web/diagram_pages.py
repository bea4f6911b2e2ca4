"""The dossier's drawing for the logged-in pages (`<img src="/dossiers/CODE/diagram.svg">`): the
same picture as the API's, for the applicant and the officers involved, by session cookie."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, render_template

from processes.definitions import diagrams
from processes.errors import Refused
from web.context import services
from web.i18n import current_language
from web.session import login_required

bp = Blueprint("diagram_pages", __name__)


@bp.get("/dossiers/<code>/diagram.svg")
@login_required
def dossier_diagram(code: str) -> Any:
    try:
        svg = diagrams.dossier_diagram(services(), g.username, code, current_language())
    except Refused as exc:
        status = 404 if exc.code == "not_found" else 422
        return render_template("error.html", status=status, message=exc.message), status
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
