"""The one place that says a refusal in words and as an HTTP status (API and pages alike).

A use case raises a `processes.errors.Refused` with a stable code, the field it is about and its
parameters; here each kind becomes a status and each code a sentence in the reader's language,
written for the person who must act on it: what to do, never a regex, a byte count or a requirement
ID. `MESSAGES` holds the Vietnamese source texts; English comes from the gettext catalogue."""
from __future__ import annotations

from typing import Any

from processes.errors import LEGACY, Reason, Refused
from web.i18n import N_, gettext

STATUS: dict[str, int] = {
    "malformed": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409,
    "too_large": 413, "invalid": 422, "unprocessable": 422, "throttled": 429, "refused": 400,
}

# What a person reads for each code. `{name}` takes the refusal's parameter of that name.
# Codes are grouped by the room that raises them.
MESSAGES: dict[str, str] = {
    # -- generic --------------------------------------------------------------------------------
    "forbidden": N_("Bạn không có quyền thực hiện thao tác này."),  # pages put it before every 403
    "not_found": N_("Không tìm thấy."),
    "conflict": N_("Dữ liệu vừa được người khác cập nhật; hãy tải lại trang rồi thử lại."),
    "required": N_("Thông tin này là bắt buộc."),
    "malformed_json": N_("Nội dung gửi lên không phải JSON hợp lệ."),
    "must_be_object": N_("Phải là một đối tượng JSON."),
    "must_be_text": N_("Bắt buộc, dạng chuỗi ký tự."),
    # -- documents and diagrams -------------------------------------------------------------------
    "document.damaged": N_("Tài liệu {filename} không khớp mã kiểm tra hoặc không còn trong kho lưu trữ; "
                           "tài liệu không được hiển thị và sự việc đã được ghi vào nhật ký."),
    "diagram.no_layout": N_("Sơ đồ quy trình không có bố cục (BPMN-DI) nên không vẽ được; hãy mở bằng công cụ vẽ "
                            "và lưu lại kèm bố cục."),
    "diagram.cannot_draw": N_("Không vẽ được sơ đồ quy trình: phần tử {element} (dòng {line}): {problem}"),
    "upload.field_name": N_("Tệp phải gửi trong trường documents.<mã giấy tờ>, ví dụ documents.giay_de_nghi."),
    # -- accounts and look-ups (rate limits, R6.1) ------------------------------------------------
    "login.too_many_failures": N_("Đăng nhập sai quá {attempts} lần; hãy thử lại sau {minutes} phút "
                                  "hoặc lấy lại mật khẩu."),
    "account.too_many_mails": N_("Đã gửi nhiều thư; hãy thử lại sau {minutes} phút."),
    "lookup.too_many": N_("Tra cứu quá nhiều lần; hãy thử lại sau {minutes} phút."),
    # -- submission and the applicant's side (processes/submission) -------------------------------

    # -- the desk and task work (processes/desk, processes/dossier) -------------------------------
    "form.not_applicable": N_("Hồ sơ {code} không có mẫu số {form_no}: mẫu này chỉ in được khi hồ sơ "
                              "đã đến bước tương ứng."),
    "forms.font_missing": N_("Máy chủ chưa có phông chữ tiếng Việt để in biểu mẫu; hãy báo quản trị hệ thống "
                             "cài gói fonts-dejavu-core."),
    "register.period_required": N_("Hãy chọn kỳ: từ ngày, đến ngày."),
    "register.date_required": N_("Hãy nhập ngày dạng năm-tháng-ngày, ví dụ 2026-03-31."),
    "register.period_reversed": N_("Ngày cuối kỳ phải sau ngày đầu kỳ."),
    "register.period_too_long": N_("Mỗi lần in sổ tối đa {days} ngày; hãy chọn kỳ ngắn hơn."),
    "register.officers_only": N_("Chỉ cán bộ của cơ quan mới in được sổ theo dõi hồ sơ của cơ quan."),

    # -- definitions and versions (processes/definitions) -----------------------------------------
    "definition.procedure_not_found": N_("Không có thủ tục mã {code}."),
    "definition.version_not_found": N_("Thủ tục {code} không có phiên bản {version}."),
    "definition.version_required": N_("Hãy chọn một số phiên bản."),
    "definition.agency_gone": N_("Cơ quan {agency} của phiên bản {version} không còn trong danh sách cơ "
                                 "quan; hãy thêm lại cơ quan hoặc công bố phiên bản khác."),
    "definition.stored_unreadable": N_("Không đọc được phiên bản đã lưu: phần tử {element} (dòng {line}): "
                                       "{problem}"),
    "definition.proposal_not_found": N_("Không có đề xuất số {id}."),
    "definition.proposal_decided": N_("Đề xuất số {id} đã được xử lý trước đó."),
    "definition.migration_conflict": N_("Một hồ sơ vừa được cập nhật trong lúc chuyển; không hồ sơ nào được "
                                        "chuyển. Hãy thử lại."),
    "definition.bpmn_required": N_("Hãy chọn tệp sơ đồ .bpmn"),
    "definition.upload_too_large": N_("Tệp gửi lên quá lớn: sơ đồ và thông tin danh mục cộng lại tối đa "
                                      "{mb} MB. Chưa có gì được lưu."),

    # -- time and timers (processes/timekeeping) --------------------------------------------------
    "calendar.day_invalid": N_("{value} không phải là ngày; hãy nhập ngày dạng năm-tháng-ngày, ví dụ "
                               "2026-09-02."),
    "calendar.day_out_of_range": N_("Ngày {day} nằm ngoài khoảng cho phép: năm phải từ {first} đến {last}."),
    "calendar.kind_invalid": N_("Hãy chọn ngày nghỉ hoặc ngày làm việc bù."),
    "calendar.note_too_long": N_("Ghi chú tối đa {max} ký tự."),
    "calendar.already_listed": N_("Ngày {day} đã có trong bảng lịch."),
    "calendar.contradiction": N_("Ngày {day} đã được ghi là loại ngày khác; một ngày không thể vừa là ngày "
                                 "nghỉ vừa là ngày làm việc bù — hãy xóa mục cũ trước."),
    "calendar.not_accepted": N_("Không thêm được ngày {day} vào lịch làm việc."),
    "calendar.listed_meanwhile": N_("Ngày {day} vừa được người khác thêm vào lịch; hãy tải lại trang."),
    "calendar.not_listed": N_("Ngày {day} không có trong bảng lịch."),

    # -- accounts (processes/people) --------------------------------------------------------------
    "account.inactive": N_("Tài khoản {username} không tồn tại hoặc đã bị khóa."),
    "password.too_short": N_("Mật khẩu cần ít nhất {min} ký tự."),
    "password.same_as_username": N_("Mật khẩu không được trùng tên đăng nhập."),
    "password.mismatch": N_("Hai lần nhập mật khẩu không khớp."),
    "account.username_taken": N_("Tên đăng nhập {username} đã có người dùng; hãy chọn tên khác."),
    "account.email_taken": N_("Thư điện tử này đã gắn với một tài khoản khác; hãy đăng nhập hoặc lấy lại "
                              "mật khẩu."),
    "account.confirm_link_expired": N_("Liên kết xác nhận đã hết hạn; hãy đăng nhập và gửi lại thư xác "
                                       "nhận."),
    "account.confirm_link_invalid": N_("Liên kết xác nhận không hợp lệ."),
    "account.confirm_link_stale": N_("Liên kết không còn dùng được vì địa chỉ thư điện tử đã thay đổi."),
    "account.already_confirmed": N_("Địa chỉ thư điện tử đã được xác nhận."),
    "login.wrong_credentials": N_("Tên đăng nhập hoặc mật khẩu không đúng."),
    "account.email_invalid": N_("Địa chỉ thư điện tử không hợp lệ."),
    "account.reset_link_expired": N_("Liên kết đặt lại mật khẩu đã hết hạn (quá 1 giờ); hãy yêu cầu liên "
                                     "kết mới."),
    "account.reset_link_invalid": N_("Liên kết đặt lại mật khẩu không hợp lệ."),
    "account.reset_link_used": N_("Liên kết đã được dùng; hãy yêu cầu liên kết mới."),
    "account.current_password_wrong": N_("Mật khẩu hiện tại không đúng."),

    # -- administration and reports (processes/administration, processes/reports) -----------------
    "agency.code_format": N_("Mã cơ quan {code} không đúng dạng mã định danh 000.NN.NN.Hxx, ví dụ "
                             "000.00.22.H34."),
    "agency.level_invalid": N_("Hãy chọn cấp của cơ quan."),
    "agency.parent_required": N_("Cơ quan cấp dưới cần có cơ quan cấp trên."),
    "agency.code_taken": N_("Mã {code} đã được dùng cho một cơ quan khác."),
    "agency.parent_not_found": N_("Không có cơ quan mã {code}."),
    "agency.parent_level": N_("Cơ quan cấp trên {code} phải ở cấp cao hơn cơ quan được thêm."),
    "agency.not_found": N_("Không có cơ quan mã {code}."),
    "agency.name_required": N_("Hãy nhập tên cơ quan."),
    "agency.name_too_long": N_("Tên tối đa {max} ký tự."),
    "admin.email_invalid": N_("{email} không phải địa chỉ thư điện tử."),
    "account.username_format": N_("Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, dấu _ . -"),
    "account.full_name_required": N_("Hãy nhập họ tên (tối đa {max} ký tự)."),
    "account.email_required": N_("Hãy nhập thư điện tử."),
    "account.lock_self": N_("Không thể tự khóa tài khoản của mình."),
    "account.roles_required": N_("Hãy chọn ít nhất một vai trò."),
    "account.roles_not_grantable": N_("Chỉ được chọn vai trò của cán bộ: một cửa, chuyên viên, lãnh đạo, "
                                      "quản trị cơ quan."),
    "account.not_your_agency": N_("Chỉ quản lý được tài khoản của cơ quan mình."),
    "account.role_not_grantable": N_("Bạn không được cấp vai trò quản trị."),
    "account.not_found": N_("Không có tài khoản {username}."),
    "account.system_account": N_("Tài khoản máy của hệ thống không sửa được từ trang quản trị."),
    "account.other_agency_admin": N_("Không được sửa tài khoản của quản trị cơ quan khác."),
    "report.end_before_start": N_("Ngày kết thúc đứng trước ngày bắt đầu."),
    "report.not_your_agency": N_("Chỉ xem được báo cáo của cơ quan mình."),
    "incident.not_found": N_("Không có sự cố số {id}."),
    "incident.already_resolved": N_("Sự cố số {id} đã được xử lý."),

    # -- adapters (attachments, configuration) -----------------------------------------------------
    "upload.empty": N_("Tệp {filename} rỗng; hãy chọn lại tệp."),
    "upload.too_large": N_("Tệp {filename} lớn hơn {max_mb} MB; hãy thu nhỏ tệp (quét ở độ phân giải thấp "
                           "hơn) rồi gửi lại."),
    "upload.type_not_allowed": N_("Tệp {filename}: chỉ nhận tệp PDF, JPEG hoặc PNG; nội dung tệp không phải "
                                  "các loại này."),

}


def status_of(refusal: Refused) -> int:
    return STATUS.get(refusal.kind, 400)


def describe(reason: Reason) -> str:
    """The sentence for one reason, in the current language, its parameters filled in."""
    if reason.code == LEGACY:
        return str(reason.params.get("message", ""))
    text = MESSAGES.get(reason.code)
    if text is None:  # a code without a sentence is a bug; say something true rather than the code
        text = MESSAGES["forbidden"] if reason.code.endswith("forbidden") else N_("Yêu cầu không hợp lệ")
    return gettext(text, **dict(reason.params))


def message_of(refusal: Refused) -> str:
    """One sentence for the whole refusal (its reasons joined)."""
    return " ".join(describe(r) for r in refusal.reasons)


def field_messages(refusal: Refused) -> dict[str, str]:
    """Each bad field with what is wrong; reasons about no field under the key ""."""
    found: dict[str, str] = {}
    for reason in refusal.reasons:
        key = reason.field or ""
        found[key] = f"{found[key]} {describe(reason)}" if key in found else describe(reason)
    return found


def as_json(refusal: Refused) -> dict[str, Any]:
    """The API's error body: `{"error": {"code", "message", "field"?, "fields"?, "params"?}}`."""
    body: dict[str, Any] = {"code": refusal.code if refusal.code != LEGACY else refusal.kind,
                            "message": message_of(refusal)}
    if refusal.field:
        body["field"] = refusal.field
    if refusal.params and refusal.code != LEGACY:
        body["params"] = {k: v for k, v in refusal.params.items() if _plain(v)}
    fields = field_messages(refusal)
    fields.pop("", None)
    if fields:
        body["fields"] = fields  # each bad field with its sentence
    body["reasons"] = [{"code": r.code if r.code != LEGACY else refusal.kind, "field": r.field,
                        "message": describe(r)} for r in refusal.reasons]
    return {"error": body}


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None
