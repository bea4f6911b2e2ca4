"""Account pages (R6.1): register, confirm the e-mail, log in and out, reset a forgotten password,
change the profile. The blueprint is named "auth": web.session.login_required sends people to
`auth.login`. Routes parse, call, render."""
from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint, Response, flash, g, redirect, render_template, request, session

from processes.errors import Conflict, Forbidden, Invalid, Throttled
from processes.people import accounts, consent, credentials, sessions, two_factor
from web import refusals
from web.context import services
from web.i18n import _
from web.page_kit import client_ip, field_errors
from web.session import current_username, home_path, login_required, login_user, logout_user, safe_path

bp = Blueprint("auth", __name__)
REGISTER_FIELDS = ("username", "full_name", "email", "phone")


def _register_page(form: dict[str, str], errors: dict[str, str], chosen: tuple[str, ...] = (),
                   status: int = 200) -> Any:
    return render_template("accounts/register.html", form=form, errors=errors, chosen=chosen,
                           purposes=consent.PURPOSES, optional=consent.OPTIONAL), status


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    if request.method == "GET":
        return _register_page({}, {})
    form = {k: request.form.get(k, "") for k in REGISTER_FIELDS}
    chosen = tuple(request.form.getlist("consents"))  # an unticked box sends nothing: no consent (Decree 13 Art. 11)
    try:
        accounts.register(services(), accounts.Registration(
            password=request.form.get("password", ""),
            password_repeat=request.form.get("password_repeat", ""), consents=chosen, **form), client_ip())
    except Invalid as exc:
        return _register_page(form, field_errors(exc), chosen, 422)
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
    pending = two_factor.challenge(services(), username)
    if pending is not None:  # half logged in: the password is right, the code is still to come
        lang = session.get("lang")
        session.clear()
        session.update({"pending_2fa": pending, "pending_next": next_url[:2000], **({"lang": lang} if lang else {})})
        return redirect("/login/code", code=303)
    login_user(username)
    return redirect(safe_path(next_url, home_path(username)), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> Any:
    """The second step of a log-in with two-factor log-in on: the code of the authenticator app, or a
    recovery code. The state between the steps is signed, lives 5 minutes and opens nothing."""
    pending = session.get("pending_2fa")
    if not isinstance(pending, str):
        return redirect("/login", code=303)
    if request.method == "GET":
        return render_template("accounts/login_code.html", errors={})
    try:
        username, credential = two_factor.complete_log_in(services(), pending, request.form.get("otp", ""))
    except Invalid as exc:
        return render_template("accounts/login_code.html", errors=field_errors(exc)), 401
    except Throttled as exc:
        return render_template("accounts/login_code.html", errors={"": refusals.message_of(exc)}), 429, {
            "Retry-After": str(exc.retry_after)}
    next_url = str(session.get("pending_next") or "")
    login_user(username, credential)
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


@bp.post("/account/details")
@login_required
def update_details() -> Any:
    """The identity number and address that prefill the submission form."""
    from web.notices_pages import preferences

    form = {k: request.form.get(k, "") for k in ("identity_number", "address")}
    try:
        accounts.update_applicant_details(services(), g.username, **form)
    except Invalid as exc:
        profile = {**accounts.get_profile(services(), g.username), **form}
        return render_template("accounts/account.html", profile=profile, errors=field_errors(exc),
                               notices=preferences()), 422
    flash(_("Đã lưu; các tờ khai mới sẽ được điền sẵn các thông tin này."), "success")
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
    # every session and token ended; this browser starts a new session (a second factor passed carries over)
    login_user(g.username, successor_of=g.session_holder.session_id)
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
    try:
        issued = sessions.issue_token(services(), g.username, request.form.get("label", "").strip()[:100],
                                      g.session_holder.session_id)
    except Forbidden as exc:
        flash(refusals.message_of(exc), "error")
        return redirect("/account/tokens", code=303)
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


@bp.get("/account/two-factor")
@login_required
def two_factor_page() -> Any:
    """Two-factor log-in: its state, or the enrolment (the secret as text and as a QR code)."""
    state = two_factor.status(services(), g.username)
    enrolment = None
    if state["may_enrol"] and not state["enabled"]:
        enrolment = two_factor.begin_enrolment(services(), g.username)
    return render_template("accounts/two_factor.html", state=state, enrolment=enrolment, codes=None, errors={})


@bp.post("/account/two-factor")
@login_required
def two_factor_confirm() -> Any:
    """Confirm the enrolment with one code (switches it on), or make new recovery codes."""
    try:
        if request.form.get("action") == "recovery":
            codes = two_factor.new_recovery_codes(services(), g.username)
        else:
            codes = two_factor.confirm_enrolment(services(), g.username, request.form.get("otp", ""),
                                                 g.session_holder.session_id)
    except (Invalid, Throttled) as exc:
        state = two_factor.status(services(), g.username)
        enrolment = two_factor.begin_enrolment(services(), g.username) if not state["enabled"] else None
        errors = field_errors(exc) if isinstance(exc, Invalid) else {"": refusals.message_of(exc)}
        return render_template("accounts/two_factor.html", state=state, enrolment=enrolment, codes=None,
                               errors=errors), 422 if isinstance(exc, Invalid) else 429
    # The recovery codes are shown on this answer only; only their hashes are kept.
    return render_template("accounts/two_factor.html", state=two_factor.status(services(), g.username),
                           enrolment=None, codes=codes, errors={})


@bp.get("/account/two-factor/qr.svg")
@login_required
def two_factor_qr() -> Any:
    """The enrolment's otpauth:// address as a QR code image (no script, no inline data in the page)."""
    enrolment = two_factor.begin_enrolment(services(), g.username)
    out = io.BytesIO()
    segno.make(enrolment["uri"], error="m").save(out, kind="svg", scale=4, dark="#000", light="#fff")
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})
