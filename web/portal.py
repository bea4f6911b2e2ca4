"""The public pages: the catalogue, one service, its printable forms, the public look-up and the
general feedback form (R5.1–R5.3, R6.1, R9.1). Routes parse, call, render."""
from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file

from processes.errors import Invalid, NotFound, Throttled
from processes.submission import feedback, portal_catalogue, portal_dossiers
from web import refusals
from web.context import services
from web.i18n import _
from web.page_kit import client_ip, field_errors, refusal_page
from web.session import current_username

bp = Blueprint("portal", __name__)


@bp.get("/")
def index() -> str:
    query = request.args.get("q", "")[:200]
    level = request.args.get("level", "")
    agency = request.args.get("agency", "")[:40]
    view = portal_catalogue.browse(services(), query, int(level) if level in ("2", "3", "4") else None,
                                   agency or None)
    return render_template("portal/index.html", view=view, q=query, level=level, agency=agency)


@bp.get("/procedures/<code>")
def procedure(code: str) -> Any:
    try:
        page = portal_catalogue.procedure_page(services(), code)
    except NotFound as exc:
        return refusal_page(exc)
    return render_template("portal/procedure.html", p=page)


@bp.get("/procedures/<code>/forms/<key>")
def form_template(code: str, key: str) -> Any:
    """A document's form template: the agency's stored file; else a fillable Word file generated from the
    catalogue's form; `?print=1` the printable page (the fallback without a word processor)."""
    try:
        stored = portal_catalogue.template_file(services(), code, key)
        page = portal_catalogue.procedure_page(services(), code)
        generated = None if stored is not None or request.args.get("print") else \
            portal_catalogue.generated_template(services(), code, key)
    except NotFound as exc:
        return refusal_page(exc)
    if stored is not None:
        data, filename, content_type = stored
        return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename)
    if generated is not None:
        data, filename, content_type = generated
        return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename)
    document = next(d for d in page["documents"] if d["key"] == key)
    html = render_template("portal/form_template.html", p=page, document=document)
    return Response(html, content_type="text/html; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{code}-{key}.html"'})


@bp.route("/track", methods=["GET", "POST"])
def track() -> Any:
    """Public look-up: status only, for whoever knows the dossier code and the applicant's phone."""
    if request.method == "GET":  # ?code= prefilled: the QR code on form 01 opens this page
        return render_template("portal/track.html", form={"code": request.args.get("code", "")[:40]},
                               errors={}, result=None)
    form = {"code": request.form.get("code", ""), "phone": request.form.get("phone", "")}
    try:
        result = portal_dossiers.public_status(services(), form["code"], form["phone"], client_ip())
    except Invalid as exc:
        return render_template("portal/track.html", form=form, errors=field_errors(exc), result=None), 422
    except (NotFound, Throttled) as exc:
        wait = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Throttled) else {}
        return render_template("portal/track.html", form=form, errors={"": refusals.message_of(exc)},
                               result=None), refusals.status_of(exc), wait
    return render_template("portal/track.html", form=form, errors={}, result=result)


@bp.route("/feedback", methods=["GET", "POST"])
def general_feedback() -> Any:
    if request.method == "GET":
        return render_template("portal/feedback.html", form={}, errors={})
    form = {k: request.form.get(k, "") for k in ("comment", "name", "contact", "rating")}
    try:
        feedback.give_feedback(services(), current_username(), form["comment"], form["name"], form["contact"],
                               form["rating"], ip=client_ip())
    except Invalid as exc:
        return render_template("portal/feedback.html", form=form, errors=field_errors(exc)), 422
    flash(_("Cảm ơn bạn đã góp ý. Ý kiến đã được ghi nhận để cơ quan xem xét."), "success")
    return redirect("/feedback", code=303)
