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

    # -- time and timers (processes/timekeeping) --------------------------------------------------

    # -- accounts (processes/people) --------------------------------------------------------------

    # -- administration and reports (processes/administration, processes/reports) -----------------

    # -- adapters (attachments, configuration) -----------------------------------------------------

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
