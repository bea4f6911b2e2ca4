"""Every error leaves the same way: JSON `{"error": {"code", "message", ...}}` under /api/, an error
page elsewhere, with the status `web/refusals.py` gives its kind. Never a stack trace."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from processes.errors import Forbidden, NotFound, Refused, Throttled
from web import refusals
from web.auth import Unauthorized
from web.i18n import _

log = logging.getLogger("motcua.web")


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def wants_json() -> bool:
    """The API, and the pages' own `.json` endpoints (the studio's check and propose), answer in JSON."""
    return request.path.startswith("/api/") or request.path.endswith(".json")


def refusal_response(exc: Refused) -> Any:
    """The one answer to a refusal: its status, its code and its sentence (page or JSON)."""
    status = refusals.status_of(exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Throttled) else {}
    if wants_json():
        return jsonify(refusals.as_json(exc)), status, headers
    if isinstance(exc, NotFound):
        message = _("Không tìm thấy trang này.")
    elif isinstance(exc, Forbidden) and exc.code != "forbidden":  # it is about a right; say which one
        message = _("Bạn không có quyền thực hiện thao tác này.") + " " + refusals.message_of(exc)
    else:
        message = refusals.message_of(exc)
    return render_template("error.html", status=status, message=message), status, headers


def init_app(app: Flask) -> None:
    app.register_error_handler(Refused, refusal_response)

    @app.errorhandler(Unauthorized)
    def unauthorized(exc: Unauthorized) -> Any:
        return jsonify(error_body("unauthorized", _("Hãy đăng nhập (gửi mã truy cập hợp lệ)."))), 401, {
            "WWW-Authenticate": "Bearer"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if not wants_json():
            return html_error(exc)
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                413: "too_large"}.get(exc.code or 500, "http_error")
        message = {413: _too_large(), 404: _("Không có địa chỉ này."), 405: _("Thao tác không được phép."),
                   }.get(exc.code or 0, _("Yêu cầu không hợp lệ"))
        return jsonify(error_body(code, message)), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        message = _("Lỗi hệ thống; sự cố đã được ghi nhận.")
        if not wants_json():
            return render_template("error.html", status=500, message=message), 500
        return jsonify(error_body("internal", message)), 500


def html_error(exc: HTTPException) -> Any:
    """Pages get a page, in the user's language, never a stack trace."""
    if exc.code == 400 and exc.description == "csrf":
        message = _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; hãy tải lại trang và gửi lại.")
    else:
        message = {404: _("Không tìm thấy trang này."), 413: _too_large(),
                   405: _("Thao tác không được phép.")}.get(exc.code or 0, _("Yêu cầu không hợp lệ"))
    return render_template("error.html", status=exc.code, message=message), exc.code or 500


def _too_large() -> str:
    """Name the limits, so that the applicant knows what to send instead (nothing was stored)."""
    per_file = int(current_app.extensions["motcua"].config["storage"]["max_upload_bytes"])
    total = int(current_app.config["MAX_CONTENT_LENGTH"] or 0)
    return _("Tệp gửi lên quá lớn: mỗi tệp tối đa {file_mb} MB, cả lần gửi tối đa {total_mb} MB. "
             "Chưa có gì được lưu; hãy thu nhỏ tệp (quét ở độ phân giải thấp hơn) rồi gửi lại.",
             file_mb=per_file // (1024 * 1024), total_mb=total // (1024 * 1024))
