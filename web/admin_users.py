"""`/admin/users`: officer accounts — list, create, change roles and agency, lock and unlock (R2.1).
Routes parse, call processes.administration.admin_users, render; rights are decided there."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from processes.access import GRANTABLE_ROLES
from processes.administration import admin_agencies, admin_users
from processes.errors import Invalid, Refused
from web import refusals
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("admin_users", __name__, url_prefix="/admin/users")


@bp.get("")
@login_required
def index() -> str:
    return _page({}, {})


@bp.post("")
@login_required
def create() -> Any:
    form = {k: request.form.get(k, "") for k in ("username", "full_name", "email", "agency", "password")}
    roles = request.form.getlist("roles")
    try:
        row = admin_users.create_officer(services(), g.username, form["username"], form["full_name"],
                                         form["email"], roles, form["agency"], form["password"])
    except Invalid as exc:
        form.pop("password")
        return _page({**form, "roles": roles}, refusals.field_messages(exc)), 422
    if row["password"]:
        # Shown once, on this page only; never stored in clear, never in a redirect or the log.
        return _page({}, {}, created=row)
    flash(_("Đã tạo tài khoản {username}.", username=row["username"]), "success")
    return redirect(url_for(".index"))


@bp.post("/<username>")
@login_required
def change(username: str) -> Any:
    try:
        admin_users.change_account(services(), g.username, username, request.form.getlist("roles"),
                                   request.form.get("agency", ""))
    except Invalid as exc:
        return _page({}, {f"{username}.{k}": v for k, v in refusals.field_messages(exc).items()}), 422
    flash(_("Đã lưu tài khoản {username}.", username=username), "success")
    return redirect(url_for(".index"))


@bp.post("/<username>/lock")
@login_required
def lock(username: str) -> Any:
    locked = request.form.get("locked", "1") == "1"
    try:
        admin_users.set_locked(services(), g.username, username, locked)
    except Invalid as exc:
        return _page({}, {f"{username}.{k}": v for k, v in refusals.field_messages(exc).items()}), 422
    flash(_("Đã khóa tài khoản {username}.", username=username) if locked
          else _("Đã mở khóa tài khoản {username}.", username=username), "success")
    return redirect(url_for(".index"))


@bp.post("/<username>/sign-out")
@login_required
def sign_out(username: str) -> Any:
    """End every session and API token of the account (a lost device, a leaked token)."""
    done = admin_users.sign_out_everywhere(services(), g.username, username)
    flash(_("Đã đăng xuất tài khoản {username} khỏi mọi nơi ({count} phiên và mã truy cập).",
            username=username, count=done["sessions_ended"]), "success")
    return redirect(url_for(".index"))


@bp.post("/<username>/reset-2fa")
@login_required
def reset_two_factor(username: str) -> Any:
    """Switch off the account's two-factor log-in (a lost device): it logs in with its password and
    enrols again."""
    try:
        admin_users.reset_two_factor(services(), g.username, username)
    except Invalid as exc:
        return _page({}, {f"{username}.{k}": v for k, v in refusals.field_messages(exc).items()}), 422
    flash(_("Đã đặt lại xác thực hai lớp của tài khoản {username}; tài khoản đã được đăng xuất khỏi mọi nơi.",
            username=username), "success")
    return redirect(url_for(".index"))


def _page(form: dict[str, Any], errors: dict[str, str], created: dict[str, Any] | None = None) -> str:
    agency, role = request.args.get("agency", ""), request.args.get("role", "")
    rows = admin_users.list_accounts(services(), g.username, agency, role)
    try:
        agencies = admin_agencies.agency_tree(services(), g.username)
    except Refused:
        agencies = []
    return render_template("admin/users.html", rows=rows, form=form, errors=errors, created=created,
                           agencies=agencies, agency=agency, role=role, grantable=GRANTABLE_ROLES,
                           role_names=admin_users.ROLE_NAMES)
