"""Account pages (R6.1): register, confirm the e-mail, log in and out, reset a forgotten password,
change the profile. The blueprint is named "auth": web.session.login_required sends people to
`auth.login`. Routes parse, call, render."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request

from processes.errors import Conflict, Invalid, Throttled
from processes.people import accounts, credentials, sessions
from web import refusals
from web.context import services
from web.i18n import _
from web.page_kit import client_ip, field_errors
from web.session import current_username, home_path, login_required, login_user, logout_user, safe_path

bp = Blueprint("auth", __name__)
REGISTER_FIELDS = ("username", "full_name", "email", "phone")


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    if request.method == "GET":
        return render_template("accounts/register.html", form={}, errors={})
    form = {k: request.form.get(k, "") for k in REGISTER_FIELDS}
    try:
        accounts.register(services(), accounts.Registration(
            password=request.form.get("password", ""),
            password_repeat=request.form.get("password_repeat", ""), **form), client_ip())
    except Invalid as exc:
        return render_template("accounts/register.html", form=form, errors=field_errors(exc)), 422
    # The same answer whether the name or the address was free or taken: the mail says which.
    flash(_("Đã nhận đăng ký. Chúng tôi đã gửi thư tới {email}: hãy làm theo hướng dẫn trong thư (mở liên kết "
            "để xác nhận địa chỉ), rồi đăng nhập.", email=form["email"].strip()), "success")
    return redirect("/login", code=303)


@bp.get("/confirm/<token>")
def confirm(token: str) -> Any:
    try:
        accounts.confirm_email(services(), token)
    except Invalid as exc:
        message = refusals.field_messages(exc).get("token", refusals.message_of(exc))
        return render_template("error.html", status=400, message=message), 400
    flash(_("Đã xác nhận địa chỉ thư điện tử. Bạn có thể nộp hồ sơ trực tuyến."), "success")
    return redirect("/account" if current_username() else "/login", code=303)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("accounts/login.html", form={}, errors={}, next=next_url)
    form = {"username": request.form.get("username", "")}
    try:
        username = credentials.log_in(services(), form["username"], request.form.get("password", ""),
                                      client_ip())
    except Invalid as exc:
        return render_template("accounts/login.html", form=form, errors=field_errors(exc), next=next_url), 401
    except Throttled as exc:
        return render_template("accounts/login.html", form=form, errors={"": _(
            "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút, hoặc lấy lại mật khẩu.",
            minutes=exc.retry_after // 60)}, next=next_url), 429
    login_user(username)
    return redirect(safe_path(next_url, home_path(username)), code=303)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Any:
    if request.method == "GET":
        return render_template("accounts/logout.html")
    logout_user()
    flash(_("Bạn đã đăng xuất."), "success")
    return redirect("/", code=303)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot() -> Any:
    if request.method == "GET":
        return render_template("accounts/forgot.html", form={}, errors={})
    form = {"email": request.form.get("email", "")}
    try:
        credentials.request_password_reset(services(), form["email"], client_ip())
    except Invalid as exc:
        return render_template("accounts/forgot.html", form=form, errors=field_errors(exc)), 422
    except Throttled as exc:
        return render_template("accounts/forgot.html", form=form, errors={"": refusals.message_of(exc)}), 429, {
            "Retry-After": str(exc.retry_after)}
    flash(_("Nếu địa chỉ này gắn với một tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi; "
            "liên kết có hiệu lực 1 giờ."), "success")
    return redirect("/login", code=303)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Any:
    if request.method == "GET":
        return render_template("accounts/reset.html", errors={})
    try:
        credentials.reset_password(services(), token, request.form.get("password", ""),
                                   request.form.get("password_repeat", ""))
    except Invalid as exc:
        return render_template("accounts/reset.html", errors=field_errors(exc)), 422
    logout_user()
    flash(_("Đã đặt mật khẩu mới. Hãy đăng nhập."), "success")
    return redirect("/login", code=303)


@bp.get("/account")
@login_required
def account() -> Any:
    from web.notices_pages import preferences

    profile = accounts.get_profile(services(), g.username)
    return render_template("accounts/account.html", profile=profile, errors={}, notices=preferences())


@bp.post("/account")
@login_required
def update_account() -> Any:
    form = {k: request.form.get(k, "") for k in ("full_name", "email", "phone")}
    try:
        reconfirm = accounts.update_profile(services(), g.username, **form)
    except Invalid as exc:
        profile = {**accounts.get_profile(services(), g.username), **form}
        return render_template("accounts/account.html", profile=profile, errors=field_errors(exc)), 422
    flash(_("Đã lưu thông tin tài khoản.") + (" " + _("Hãy mở liên kết trong thư vừa gửi để xác nhận địa chỉ "
                                                  "thư điện tử mới.") if reconfirm else ""), "success")
    return redirect("/account", code=303)


@bp.get("/account/password")
@login_required
def password_page() -> Any:
    """Change the password; the only page an account with an initial password may open."""
    return render_template("accounts/password.html", errors={})


@bp.post("/account/password")
@login_required
def change_password() -> Any:
    try:
        credentials.change_password(services(), g.username, request.form.get("current_password", ""),
                                    request.form.get("password", ""), request.form.get("password_repeat", ""))
    except Invalid as exc:
        return render_template("accounts/password.html", errors=field_errors(exc)), 422
    login_user(g.username)  # every session and token ended; this browser starts a new session
    flash(_("Đã đổi mật khẩu. Các phiên đăng nhập và mã truy cập khác của tài khoản đã bị hủy."), "success")
    return redirect(home_path(g.username), code=303)


@bp.get("/account/tokens")
@login_required
def tokens_page() -> Any:
    """The caller's own API tokens: when made, last used, until when; each can be revoked."""
    return render_template("accounts/tokens.html", tokens=sessions.list_tokens(services(), g.username),
                           issued=None, days=sessions.token_days(services()))


@bp.post("/account/tokens")
@login_required
def issue_token() -> Any:
    issued = sessions.issue_token(services(), g.username, request.form.get("label", "").strip()[:100])
    # Shown once, on this answer only; only its hash is kept.
    return render_template("accounts/tokens.html", tokens=sessions.list_tokens(services(), g.username),
                           issued=issued, days=sessions.token_days(services()))


@bp.post("/account/tokens/<token_id>/revoke")
@login_required
def revoke_token(token_id: str) -> Any:
    sessions.revoke_token(services(), g.username, token_id)
    flash(_("Đã thu hồi mã truy cập."), "success")
    return redirect("/account/tokens", code=303)


@bp.post("/account/confirmation")
@login_required
def resend_confirmation() -> Any:
    try:
        accounts.resend_confirmation(services(), g.username, client_ip())
    except Conflict:
        flash(_("Địa chỉ thư điện tử đã được xác nhận."), "success")
    except Throttled:
        flash(_("Đã gửi nhiều thư xác nhận; hãy thử lại sau 1 giờ."), "error")
    else:
        flash(_("Đã gửi lại thư xác nhận."), "success")
    return redirect("/account", code=303)
