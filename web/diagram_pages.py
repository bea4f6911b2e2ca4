"""The dossier's drawing for the logged-in pages (`<img src="/dossiers/CODE/diagram.svg">`): the
same picture as the API's, for the applicant and the officers involved, by session cookie."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g

from processes.definitions import diagrams
from web.context import services
from web.labels import legend
from web.session import login_required

bp = Blueprint("diagram_pages", __name__)


@bp.get("/dossiers/<code>/diagram.svg")
@login_required
def dossier_diagram(code: str) -> Any:
    svg = diagrams.dossier_diagram(services(), g.username, code, legend())
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"})
