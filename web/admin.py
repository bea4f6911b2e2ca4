"""`/admin`: the landing page of administration, one link per section the user may open. Each
section decides (through processes.access) who may use it; users without an administrative role
are refused here (403)."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from processes.administration import admin_home
from web.context import services
from web.session import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

# (path, Vietnamese title, Vietnamese description); the English comes from web/translations_en.py.
SECTIONS = [
    ("/admin/definitions", "Quy trình và sơ đồ BPMN",
     "Các phiên bản, lịch sử công bố, tải lên và kiểm tra sơ đồ, so sánh, chuyển hồ sơ, "
     "quay lại phiên bản cũ"),
    ("/admin/calendar", "Lịch làm việc", "Ngày nghỉ, ngày làm bù"),
    ("/admin/agencies", "Cơ quan", "Cơ quan, đơn vị xử lý hồ sơ"),
    ("/admin/users", "Người dùng", "Tài khoản và vai trò"),
    ("/admin/reports", "Báo cáo", "Báo cáo định kỳ và theo yêu cầu"),
]




@bp.get("")
@login_required
def index() -> str:
    allowed = admin_home.sections_for(services(), g.username)
    return render_template("admin/index.html",
                           sections=[s for s in SECTIONS if s[0].rsplit("/", 1)[1] in allowed])
