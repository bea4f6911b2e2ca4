"""The national portal's dossier statuses."""
from __future__ import annotations

STATUS_NAMES = {
    1: ("Mới đăng ký", "Newly registered"),
    2: ("Đã tiếp nhận", "Accepted"),
    3: ("Không được tiếp nhận", "Not accepted"),
    4: ("Đang xử lý", "In process"),
    5: ("Yêu cầu bổ sung", "Supplement requested"),
    6: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Payment requested"),
    7: ("Công dân yêu cầu rút hồ sơ", "Withdrawal requested"),
    8: ("Dừng xử lý", "Processing stopped"),
    9: ("Đã xử lý xong", "Processing finished"),
    10: ("Đã trả kết quả", "Result returned"),
}
# 7: a withdrawal takes effect at once (processes/portal_dossiers.withdraw_dossier cancels the
# workflow), so a withdrawn dossier is closed like a refused or returned one.
FINAL_STATUSES = frozenset({3, 7, 8, 10})


def status_name(code: int, language: str = "vi") -> str:
    vi, en = STATUS_NAMES.get(code, (str(code), str(code)))
    return en if language == "en" else vi
