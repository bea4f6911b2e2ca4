"""The national portal's dossier statuses; their names are Vietnamese source texts, translated by web/."""
from __future__ import annotations

from processes.texts import N_

STATUS_NAMES = {
    1: N_("Mới đăng ký"),
    2: N_("Đã tiếp nhận"),
    3: N_("Không được tiếp nhận"),
    4: N_("Đang xử lý"),
    5: N_("Yêu cầu bổ sung"),
    6: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    7: N_("Công dân yêu cầu rút hồ sơ"),
    8: N_("Dừng xử lý"),
    9: N_("Đã xử lý xong"),
    10: N_("Đã trả kết quả"),
}
# 7: a withdrawal takes effect at once (processes/portal_dossiers.withdraw_dossier cancels the
# workflow), so a withdrawn dossier is closed like a refused or returned one.
FINAL_STATUSES = frozenset({3, 7, 8, 10})


def status_name(code: int) -> str:
    """The status's name (a source text: pages show it through `_()`, e.g. the `status` filter)."""
    return STATUS_NAMES.get(code, str(code))
