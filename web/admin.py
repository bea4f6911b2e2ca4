"""`/admin`: the landing page of administration, one link per section the user may open. Each
section decides (through processes.access) who may use it; users without an administrative role
are refused here (403)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template

from processes.administration import admin_home
from processes.errors import Refused
from web.context import services
from web.i18n import _
from web.session import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

# (path, Vietnamese title, Vietnamese description); the English comes from web/translations_en.py.
SECTIONS = [
    ("/admin/definitions", "Quy trình và sơ đồ BPMN",
     "Các phiên bản, lịch sử công bố, tải lên và kiểm tra sơ đồ, so sánh, chuyển hồ sơ, quay lại phiên bản cũ"),
    ("/admin/calendar", "Lịch làm việc", "Ngày nghỉ, ngày làm bù"),
    ("/admin/agencies", "Cơ quan", "Cơ quan, đơn vị xử lý hồ sơ"),
    ("/admin/users", "Người dùng", "Tài khoản và vai trò"),
    ("/admin/reports", "Báo cáo", "Báo cáo định kỳ và theo yêu cầu"),
]


def refused_page(exc: Refused) -> Any:
    """The error page of a refusal on an /admin page: 403 without details, else the reason."""
    status = {"not_found": 404, "forbidden": 403, "conflict": 409}.get(exc.code, 422)
    message = _("Bạn không có quyền thực hiện thao tác này.") if status == 403 else exc.message
    return render_template("error.html", status=status, message=message), status


bp.register_error_handler(Refused, refused_page)


@bp.get("")
@login_required
def index() -> str:
    allowed = admin_home.sections_for(services(), g.username)
    return render_template("admin/index.html",
                           sections=[s for s in SECTIONS if s[0].rsplit("/", 1)[1] in allowed])
