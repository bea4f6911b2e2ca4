"""The printable forms and the documents of a dossier through the JSON API's authentication
(`Authorization: Bearer TOKEN`), numbered as Circular 01/2018/TT-VPCP numbers them:
`GET /api/v1/dossiers/CODE/forms/NN.pdf` (01, 02, 03, 04, 05 where they apply; 404 where not),
`GET /api/v1/forms/06.pdf?from=YYYY-MM-DD&to=YYYY-MM-DD` (form 06, the register of dossiers of the
caller's agency) and `GET /api/v1/dossiers/CODE/documents/ID` (checksum verified). The URLs of the
former numbering (the control sheet as 06, the register as 07 or `/api/v1/register.pdf`) answer
308 with the new one, their query kept."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import g, redirect, request, send_file

from processes.desk import paper, task_page
from processes.errors import Invalid
from web.api import bp
from web.auth import require_token
from web.context import services
from web.documents import send_document

REGISTER_URL = f"/api/v1/forms/{paper.REGISTER}.pdf"


@bp.get("/dossiers/<code>/forms/<form_no>.pdf")
@require_token
def form_pdf(code: str, form_no: str) -> Any:
    data = paper.dossier_form_pdf(services(), g.username, code, form_no, request.args.get("reason"))
    return _send(data, "application/pdf", f"mau-{form_no}-{code}.pdf")


@bp.get(f"/forms/{paper.REGISTER}.pdf")
@require_token
def register_pdf() -> Any:
    first, last = _day("from"), _day("to")
    return _send(paper.register_pdf(services(), g.username, first, last), "application/pdf",
                 f"mau-{paper.REGISTER}-so-theo-doi-ho-so-{first:%Y%m%d}-{last:%Y%m%d}.pdf")


# The former numbering (06 control sheet, 07 register): moved for good, the method and query kept.
@bp.get("/dossiers/<code>/forms/06.pdf")
def former_control_sheet(code: str) -> Any:
    return _moved(f"/api/v1/dossiers/{code}/forms/{paper.CONTROL_SHEET}.pdf")


@bp.get("/dossiers/<code>/forms/07.pdf")
def former_register_of_dossier(code: str) -> Any:
    return _moved(REGISTER_URL)


@bp.get("/register.pdf")
def former_register() -> Any:
    return _moved(REGISTER_URL)


@bp.get("/dossiers/<code>/documents/<int:attachment_id>")
@require_token
def document(code: str, attachment_id: int) -> Any:
    filename, content_type, data = task_page.read_document(services(), g.username, code, attachment_id,
                                                           request.args.get("reason"))
    return send_document(data, content_type, filename)


def _day(name: str) -> date:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid("register.date_required", name) from None


def _moved(path: str) -> Any:
    query = request.query_string.decode("latin-1")
    return redirect(f"{path}?{query}" if query else path, code=308)


def _send(data: bytes, content_type: str, filename: str) -> Any:
    return send_file(io.BytesIO(data), mimetype=content_type, download_name=filename, as_attachment=False,
                     max_age=0, etag=False)
