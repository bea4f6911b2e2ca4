"""English for the Vietnamese texts of the pages (Vietnamese is the source language)."""
from __future__ import annotations

EN: dict[str, str] = {
    "Cổng dịch vụ công tỉnh Kon Tum": "Kon Tum Province Public Service Portal",
    "Cổng dịch vụ công — Một cửa": "Public Service Portal — One-stop desk",
    "Ủy ban nhân dân tỉnh Kon Tum · Hệ thống một cửa điện tử":
        "Kon Tum Provincial People's Committee · Electronic one-stop system",
    "Thủ tục hành chính trực tuyến": "Online administrative procedures",
    "Mã": "Code",
    "Tên thủ tục": "Procedure",
    "Mức độ": "Level",
    "Lĩnh vực": "Field",
    "Thời hạn": "Time limit",
    "ngày làm việc": "working days",
    "Chưa có thủ tục nào được công bố.": "No procedure has been published yet.",
    "Đăng nhập": "Log in",
    "Đăng xuất": "Log out",
    "Tiếng Việt": "Tiếng Việt",
    "Yêu cầu không hợp lệ": "Invalid request",
    "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ; hãy tải lại trang và gửi lại.":
        "The form has expired or lacks its protection token; reload the page and submit again.",
    "Lỗi hệ thống; sự cố đã được ghi nhận.": "System error; the incident has been recorded.",
    "Không tìm thấy trang này.": "Page not found.",
    "Tệp gửi lên quá lớn.": "The upload is too large.",
    "Thao tác không được phép.": "This action is not allowed.",
    "Về trang chủ": "Back to the home page",
}

# The officers' workbench keeps its texts in its own file; an entry above wins over one of its.
from web.translations_officer import EN_OFFICER  # noqa: E402

for _vi, _en in EN_OFFICER.items():
    EN.setdefault(_vi, _en)

# The citizens' portal keeps its texts in its own file too.
from web.translations_portal import EN_PORTAL  # noqa: E402

for _vi, _en in EN_PORTAL.items():
    EN.setdefault(_vi, _en)

# The working-calendar pages keep their texts in their own file too.
from web.translations_time import EN_TIME  # noqa: E402

for _vi, _en in EN_TIME.items():
    EN.setdefault(_vi, _en)

# The definitions pages of /admin keep their texts in their own file too.
from web.translations_definitions import EN_DEFINITIONS  # noqa: E402

for _vi, _en in EN_DEFINITIONS.items():
    EN.setdefault(_vi, _en)

# The agencies, users and reports pages of /admin keep their texts in their own file too.
from web.translations_admin import EN_ADMIN  # noqa: E402

for _vi, _en in EN_ADMIN.items():
    EN.setdefault(_vi, _en)
