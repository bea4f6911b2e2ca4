"""The printable forms and the documents of a dossier through the JSON API's authentication
(`Authorization: Bearer TOKEN`): `GET /api/v1/dossiers/CODE/forms/NN.pdf` (01, 02, 03, 04, 06 where
they apply; 404 where not), `GET /api/v1/dossiers/CODE/documents/ID` (checksum verified) and
`GET /api/v1/register.pdf?from=YYYY-MM-DD&to=YYYY-MM-DD` (form 07 of the caller's agency)."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import g, request, send_file

from processes.desk import paper, task_page
from processes.errors import Invalid
from web.api import bp
from web.auth import require_token
from web.context import services


@bp.get("/dossiers/<code>/forms/<form_no>.pdf")
@require_token
def form_pdf(code: str, form_no: str) -> Any:
    return _send(paper.dossier_form_pdf(services(), g.username, code, form_no), "application/pdf",
                 f"mau-{form_no}-{code}.pdf")


@bp.get("/dossiers/<code>/documents/<int:attachment_id>")
@require_token
def document(code: str, attachment_id: int) -> Any:
    filename, content_type, data = task_page.read_document(services(), g.username, code, attachment_id)
    return _send(data, content_type, filename)


@bp.get("/register.pdf")
@require_token
def register_pdf() -> Any:
    first, last = _day("from"), _day("to")
    return _send(paper.register_pdf(services(), g.username, first, last), "application/pdf",
                 f"so-theo-doi-ho-so-{first:%Y%m%d}-{last:%Y%m%d}.pdf")


def _day(name: str) -> date:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("must_be_date", name) from None


def _send(data: bytes, content_type: str, filename: str) -> Any:
    return send_file(io.BytesIO(data), mimetype=content_type, download_name=filename, as_attachment=False,
                     max_age=0, etag=False)
