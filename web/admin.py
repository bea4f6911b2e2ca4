"""`/admin`: the landing page of administration, one link per section the user may open. Each
section decides (through processes.access) who may use it; users without an administrative role
are refused here (403)."""
from __future__ import annotations

from flask import Blueprint, g, render_template

from processes.administration import admin_home
from web.context import services
from web.i18n import N_
from web.session import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")

# (path, title, description): source texts, translated where the page shows them.
SECTIONS = [
    ("/admin/definitions", N_("Quy trình và sơ đồ BPMN"),
     N_("Các phiên bản, lịch sử công bố, tải lên và kiểm tra sơ đồ, so sánh, chuyển hồ sơ, "
        "quay lại phiên bản cũ")),
    ("/admin/calendar", N_("Lịch làm việc"), N_("Ngày nghỉ, ngày làm bù")),
    ("/admin/agencies", N_("Cơ quan"), N_("Cơ quan, đơn vị xử lý hồ sơ")),
    ("/admin/users", N_("Người dùng"), N_("Tài khoản và vai trò")),
    ("/admin/reports", N_("Báo cáo"), N_("Báo cáo định kỳ và theo yêu cầu")),
    ("/admin/operations", N_("Vận hành"),
     N_("Hồ sơ đang chạy, sự cố, chạy lại hẹn giờ, gửi lại thư, tạm dừng và dừng hồ sơ")),
]




@bp.get("")
@login_required
def index() -> str:
    allowed = admin_home.sections_for(services(), g.username)
    return render_template("admin/index.html",
                           sections=[s for s in SECTIONS if s[0].rsplit("/", 1)[1] in allowed])
