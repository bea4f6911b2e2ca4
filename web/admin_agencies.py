"""`/admin/agencies`: the agency tree and, for system administrators, adding and editing agencies
(R2.1). Routes parse, call processes.administration.admin_agencies, render; rights are decided there."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from processes.administration import admin_agencies
from processes.errors import Invalid
from web import refusals
from web.context import services
from web.i18n import _
from web.session import current_roles, login_required

bp = Blueprint("admin_agencies", __name__, url_prefix="/admin/agencies")

FIELDS = ("code", "name", "level", "parent", "email")


@bp.get("")
@login_required
def index() -> str:
    return _page({}, {})


@bp.post("")
@login_required
def add() -> Any:
    form = {k: request.form.get(k, "") for k in FIELDS}
    try:
        row = admin_agencies.add_agency(services(), g.username, form["code"], form["name"], form["level"],
                                        form["parent"], form["email"])
    except Invalid as exc:
        return _page(form, refusals.field_messages(exc)), 422
    flash(_("Đã thêm cơ quan {code}.", code=row["code"]), "success")
    return redirect(url_for(".index"))


@bp.post("/<code>")
@login_required
def edit(code: str) -> Any:
    form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
    try:
        admin_agencies.edit_agency(services(), g.username, code, form["name"], form["email"])
    except Invalid as exc:
        return _page({}, {f"{code}.{k}": v for k, v in refusals.field_messages(exc).items()}), 422
    flash(_("Đã lưu cơ quan {code}.", code=code), "success")
    return redirect(url_for(".index"))


def _page(form: dict[str, str], errors: dict[str, str]) -> str:
    rows = admin_agencies.agency_tree(services(), g.username)
    return render_template("admin/agencies.html", rows=rows, form=form, errors=errors,
                           levels=admin_agencies.LEVEL_NAMES, may_edit="admin" in current_roles())
