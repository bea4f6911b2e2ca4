"""The names pages give to codes: dossier statuses, history events, result channels, proposal states,
diagram changes... Vietnamese source texts marked `N_()` (extracted by `make i18n`), translated when
shown: `{{ d.status_code|status }}`, `{{ c.kind|label("change") }}`. A code without a name shows as
itself. Status names and the diagram's legend live with their use cases (processes/) as source texts."""
from __future__ import annotations

from typing import Any

from flask import Flask
from markupsafe import Markup, escape

from processes.definitions.diagrams import LEGEND
from processes.dossier.status import status_name
from web.i18n import N_, current_language, gettext

RESULT_CHANNELS = {"counter": N_("Nhận trực tiếp tại bộ phận một cửa"),
                   "post": N_("Qua dịch vụ bưu chính công ích"),
                   "online": N_("Trực tuyến trên Cổng dịch vụ công")}

LABELS: dict[str, dict[str, str]] = {
    "result_channel": RESULT_CHANNELS,
    # What the officer's task page calls each event of a dossier's history.
    "history": {"dossier_submitted": N_("Nộp hồ sơ"), "task_claimed": N_("Nhận xử lý"),
                "task_released": N_("Trả về nhóm"), "task_handed_over": N_("Chuyển cho đồng nghiệp"),
                "supplement_requested": N_("Yêu cầu bổ sung"),
                "supplement_answered": N_("Người nộp bổ sung hồ sơ"),
                "dossier_accepted": N_("Tiếp nhận hồ sơ"), "dossier_refused": N_("Từ chối"),
                "processing_finished": N_("Đã xử lý xong"), "result_delivered": N_("Đã trả kết quả"),
                "forward_overdue": N_("Quá hạn chuyển hồ sơ"), "fee_paid": N_("Nộp phí, lệ phí"),
                "note_added": N_("Thêm ghi chú")},
    # What the applicant's dossier page calls them.
    "timeline": {"dossier_submitted": N_("Đã nộp hồ sơ trực tuyến"),
                 "supplement_requested": N_("Cơ quan yêu cầu bổ sung hồ sơ"),
                 "supplement_answered": N_("Đã gửi hồ sơ bổ sung"),
                 "dossier_accepted": N_("Hồ sơ được tiếp nhận"),
                 "dossier_refused": N_("Hồ sơ không được giải quyết"),
                 "processing_finished": N_("Đã giải quyết xong"), "result_delivered": N_("Đã trả kết quả"),
                 "dossier_withdrawn": N_("Rút hồ sơ")},
    # The plain steps of the applicant's dossier page.
    "step": {"received": N_("Đã nộp hồ sơ"), "accepted": N_("Hồ sơ được tiếp nhận"),
             "in_review": N_("Đang thẩm định, giải quyết"), "supplement_requested": N_("Cơ quan yêu cầu bổ sung"),
             "supplement_answered": N_("Bạn đã bổ sung hồ sơ"), "result_ready": N_("Đã có kết quả"),
             "handed_over": N_("Đã nhận kết quả"), "refused": N_("Hồ sơ không được tiếp nhận"),
             "stopped": N_("Dừng giải quyết hồ sơ"), "withdrawn": N_("Bạn đã rút hồ sơ")},
    "proposal_state": {"proposed": N_("Chờ duyệt"), "deployed": N_("Đã triển khai"),
                       "rejected": N_("Đã từ chối")},
    "change": {"added": N_("Thêm"), "removed": N_("Bỏ"), "changed": N_("Sửa")},
    "publication": {"deploy": N_("Triển khai"), "catalogue": N_("Cập nhật danh mục"),
                    "rollback": N_("Quay lại phiên bản cũ")},
    # What an officer or administrator read of a dossier's personal data (its access log, R13.2).
    "access": {"dossier": N_("Xem hồ sơ"), "task_page": N_("Mở hồ sơ để xử lý"), "document": N_("Tải giấy tờ"),
               "form": N_("Tải biểu mẫu"), "disclosure": N_("Chuyển cho cơ quan phối hợp")},
    # How a procedure may be carried out (the catalogue's closed list).
    "channel": {"Trực tiếp": N_("Trực tiếp"), "Bưu chính": N_("Bưu chính"), "Trực tuyến": N_("Trực tuyến")},
    "party": {"applicant": N_("Tổ chức, cá nhân"), "agency": N_("Cơ quan giải quyết")},
    # The hand-over of a result at the desk (R7.1).
    "delivery": {"recipient_name": N_("Họ tên người nhận"),
                 "identity_document": N_("Số giấy tờ tùy thân của người nhận"),
                 "identity_checked": N_("Đã kiểm tra giấy tờ tùy thân của người nhận"),
                 "originals_compared": N_("Đã đối chiếu bản chính các giấy tờ"),
                 "applicant_signed": N_("Người nhận đã ký vào các biểu mẫu")},
    # Payments (issue 13): how a fee was paid, and the states of an online attempt.
    "fee_method": {"counter": N_("Nộp tại bộ phận một cửa"), "online": N_("Trực tuyến qua VNPay"),
                   "transfer": N_("Chuyển khoản")},
    "payment_state": {"created": N_("Chờ xác nhận"), "paid": N_("Đã thanh toán"), "cancelled": N_("Đã hủy"),
                      "expired": N_("Hết thời gian"), "failed": N_("Không thành công"),
                      "refunded": N_("Đã hoàn trả")},
    # Consent records (issue 18, Decree 13/2023): what was decided about a purpose, and where.
    "consent": {"acknowledged": N_("Đã được thông báo"), "granted": N_("Đồng ý"),
                "withdrawn": N_("Đã rút lại sự đồng ý")},
    "consent_door": {"register": N_("Khi đăng ký tài khoản"), "submission": N_("Khi nộp hồ sơ trên cổng"),
                     "api": N_("Qua API"), "privacy": N_("Trang quyền riêng tư"),
                     "profile": N_("Khi lưu thông tin điền sẵn"), "preferences": N_("Khi chọn cách nhận thông báo"),
                     "desk": N_("Tại bộ phận một cửa"), "migration": N_("Khi nâng cấp hệ thống (đã có từ trước)")},
}

# The statuses an officer filters the task list by.
QUEUE_STATUSES = (1, 2, 4, 9)


def label(code: str, table: str) -> str:
    """The name of `code` in `table`, in the reader's language (the code itself if it has none)."""
    name = LABELS[table].get(code)
    return gettext(name) if name else code


def status(code: int) -> str:
    """A dossier status's name in the reader's language."""
    return gettext(status_name(code))


def legend() -> dict[str, str]:
    """The legend of a dossier's drawing in the reader's language."""
    return {state: gettext(text) for state, text in LEGEND.items()}


def catalogue(value: Any) -> Markup:
    """Catalogue data (procedure, document and agency names from the sidecars and the database,
    applicants' data, what officers and citizens wrote): shown as it is, marked Vietnamese
    (`lang="vi"`: right for screen readers, and how tests/english_pages.py tells data from UI text)."""
    if value is None or value == "":
        return Markup("")
    return Markup('<span lang="vi">{}</span>').format(escape(value))


def channel(name: str) -> Markup:
    """A way to carry out a procedure, as the catalogue names it: translated when it is one of the
    usual three, else shown as catalogue data."""
    if name in LABELS["channel"]:
        return escape(label(name, "channel"))
    return catalogue(name)


def procedure_name(p: Any) -> Markup:
    """A procedure's name: its English name on an English page when the catalogue has one."""
    name_en = p.get("name_en") if isinstance(p, dict) else getattr(p, "name_en", None)
    if name_en and current_language() == "en":
        return escape(name_en)
    return catalogue(p["name"] if isinstance(p, dict) else p.name)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(label=label, status=status, catalogue=catalogue, channel=channel,
                                 procedure_name=procedure_name)
    app.jinja_env.globals.update(QUEUE_STATUSES=QUEUE_STATUSES, RESULT_CHANNELS=RESULT_CHANNELS)
