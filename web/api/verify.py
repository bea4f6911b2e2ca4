"""Issue 14 through the JSON API: `POST /api/v1/verify` (the public signature check, multipart field
`file`, no token) and `GET /api/v1/dossiers/CODE/result.pdf` (the signed result handed over online,
for whoever may see the dossier: its applicant and the agencies)."""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from processes.desk import task_page
from processes.dossier import dossiers
from processes.errors import NotFound
from processes.signing import verify_document
from web.api import bp
from web.auth import require_token
from web.context import services
from web.documents import send_document
from web.i18n import gettext
from web.page_kit import client_ip
from web.verify import uploaded_file


@bp.post("/verify")
def verify() -> Response:
    result = verify_document(services(), uploaded_file(), client_ip())
    return jsonify(result | {"label": gettext(str(result["label"]))})


@bp.get("/dossiers/<code>/result.pdf")
@require_token
def result_pdf(code: str) -> Any:
    view = dossiers.get_dossier(services(), g.username, code)
    if view["result_attachment_id"] is None:
        raise NotFound("result.not_available", code=code)
    filename, content_type, data = task_page.read_document(services(), g.username, code,
                                                           int(view["result_attachment_id"]))
    return send_document(data, content_type, filename)
