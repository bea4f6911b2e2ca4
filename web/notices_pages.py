"""Pages of issue 15: how an applicant wants notices (the account page's section, POST /account/notices),
the notices of a dossier with their delivery states (a part of the dossier and task pages), and the
administrators' national-portal sync page (/admin/national)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request

from processes.errors import Invalid, Refused
from processes.notices import deliveries
from web import refusals
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("notices_pages", __name__)


def deliveries_of(code: str) -> dict[str, Any] | None:
    """The dossier's notices for its page part (_deliveries.html); None when the caller may not see them."""
    try:
        return deliveries.dossier_deliveries(services(), g.username, code)
    except Refused:
        return None


def preferences() -> dict[str, Any] | None:
    try:
        return deliveries.notice_preferences(services(), g.username)
    except Refused:
        return None


@bp.post("/account/notices")
@login_required
def save_preferences() -> Any:
    try:
        deliveries.set_notice_preferences(services(), g.username, request.form.getlist("channels"),
                                          request.form.get("language", "vi"))
    except Invalid as exc:
        flash(refusals.message_of(exc), "error")
        return redirect("/account", code=303)
    flash(_("Đã lưu cách nhận thông báo."), "success")
    return redirect("/account", code=303)


@bp.get("/admin/national")
@login_required
def national() -> Any:
    try:
        backlog = deliveries.national_backlog(services(), g.username)
    except Refused as exc:
        return render_template("error.html", status=403, message=refusals.message_of(exc)), 403
    return render_template("admin/national.html", backlog=backlog)
