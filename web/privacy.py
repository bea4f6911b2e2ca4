"""The privacy page (issue 18, Decree 13/2023/NĐ-CP): each purpose the caller's personal data is processed
for, its state and history, and the buttons that give or withdraw an optional consent
(`GET|POST /account/privacy`). The rules are processes.people.consent's; the API door is
web/api/consents.py. Routes parse, call, render."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request

from processes.errors import Invalid
from processes.people import consent
from web import refusals
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("privacy", __name__)


@bp.get("/account/privacy")
@login_required
def privacy() -> Any:
    return render_template("accounts/privacy.html", consents=consent.my_consents(services(), g.username), errors={})


@bp.post("/account/privacy")
@login_required
def decide() -> Any:
    purpose, decision = request.form.get("purpose", ""), request.form.get("decision", "")
    try:
        consent.decide_consent(services(), g.username, purpose, decision, "privacy")
    except Invalid as exc:
        return render_template("accounts/privacy.html", consents=consent.my_consents(services(), g.username),
                               errors={"": refusals.message_of(exc)}), 422
    chosen = _(consent.PURPOSES[purpose].title)
    flash(_("Đã ghi nhận: bạn đồng ý “{purpose}”.", purpose=chosen) if decision == consent.GRANTED else
          _("Đã ghi nhận: bạn rút lại sự đồng ý “{purpose}”.", purpose=chosen), "success")
    return redirect("/account/privacy", code=303)
