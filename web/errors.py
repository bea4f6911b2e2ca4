"""Every error leaves as JSON `{"error": {"code", "message"}}` (API) — never a stack trace."""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused, Unprocessable
from web.auth import Unauthorized
from web.i18n import _

log = logging.getLogger("motcua.web")
STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, Unprocessable: 422}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def init_app(app: Flask) -> None:
    @app.errorhandler(Refused)
    def refused(exc: Refused) -> Any:
        status = 400 if exc.code == "bad_request" else next(
            (s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        if not request.path.startswith("/api/"):  # a page that did not handle it shows a page
            message = _("Không tìm thấy trang này.") if status == 404 else exc.message
            return render_template("error.html", status=status, message=message), status
        extra = {"fields": exc.fields} if isinstance(exc, Invalid) else {}
        return jsonify(error_body(exc.code, exc.message, **extra)), status

    @app.errorhandler(Unauthorized)
    def unauthorized(exc: Unauthorized) -> Any:
        return jsonify(error_body("unauthorized", exc.message)), 401, {"WWW-Authenticate": "Bearer"}

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if not request.path.startswith("/api/"):
            return html_error(exc)
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed",
                413: "too_large"}.get(exc.code or 500, "http_error")
        message = {413: "Yêu cầu quá lớn (request too large)",
                   404: "Không có địa chỉ này (no such endpoint)"}.get(exc.code or 0, exc.description or "")
        return jsonify(error_body(code, message)), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Any:
        log.exception("unexpected error on %s %s", request.method, request.path)
        if not request.path.startswith("/api/"):
            return render_template("error.html", status=500, message=_(
                "Lỗi hệ thống; sự cố đã được ghi nhận.")), 500
        return jsonify(error_body("internal", "Lỗi hệ thống; sự cố đã được ghi nhận (internal error)")), 500


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
