"""`/admin/calendar`: the administrators' table of extra days off and make-up working days
(docs/time.md rule 3). Routes parse, call processes.timekeeping.calendar_admin, render; who may edit
is decided there."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from processes.errors import Conflict, Invalid
from processes.timekeeping import calendar_admin
from web import refusals
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("admin_calendar", __name__, url_prefix="/admin/calendar")



@bp.get("")
@login_required
def index() -> str:
    return _page(_year(), {}, {})


@bp.post("")
@login_required
def add() -> Any:
    form = {k: request.form.get(k, "") for k in ("day", "kind", "note")}
    try:
        row = calendar_admin.add_override(services(), g.username, form["day"], form["kind"], form["note"])
    except Invalid as exc:
        return _page(_year(form["day"]), form, refusals.field_messages(exc)), 422
    except Conflict as exc:
        return _page(_year(form["day"]), form, {"day": refusals.message_of(exc)}), 409
    flash(_("Đã thêm {day} vào lịch.", day=row["day"]), "success")
    return redirect(url_for(".index", year=row["day"][:4]))


@bp.post("/<day>/delete")
@login_required
def remove(day: str) -> Any:
    row = calendar_admin.remove_override(services(), g.username, day)
    flash(_("Đã xóa {day} khỏi lịch.", day=row["day"]), "success")
    return redirect(url_for(".index", year=row["day"][:4]))


def _page(year: int | None, form: dict[str, str], errors: dict[str, str]) -> str:
    rows = calendar_admin.list_overrides(services(), g.username, year)
    return render_template("admin/calendar.html", rows=rows, year=year, form=form, errors=errors,
                           kinds=calendar_admin.KINDS, first_year=calendar_admin.FIRST_YEAR,
                           last_year=calendar_admin.LAST_YEAR)


def _year(day: str | None = None) -> int | None:
    """The year to show: ?year=, else the year of the date just entered; None (all years) if unreadable."""
    text = request.args.get("year") or (day or "")[:4]
    if not text.isdigit():
        return None
    year = int(text)
    return year if calendar_admin.FIRST_YEAR <= year <= calendar_admin.LAST_YEAR else None
