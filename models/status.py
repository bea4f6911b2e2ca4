"""The national portal's dossier statuses (codes 1–10), as a named enumeration.

Stored as a plain integer column (`dossiers.status_code`); an `IntEnum` compares and stores as its
code, so `d.status_code = DossierStatus.ACCEPTED` writes 2. It lives in models/ because the handlers,
below the use cases, set statuses too; processes.dossier.status re-exports it with the names."""
from __future__ import annotations

from enum import IntEnum


class DossierStatus(IntEnum):
    NEWLY_REGISTERED = 1
    ACCEPTED = 2
    NOT_ACCEPTED = 3
    IN_PROCESS = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWAL_REQUESTED = 7
    PROCESSING_STOPPED = 8
    PROCESSING_FINISHED = 9
    RESULT_RETURNED = 10


STATUS_NAMES: dict[DossierStatus, tuple[str, str]] = {
    DossierStatus.NEWLY_REGISTERED: ("Mới đăng ký", "Newly registered"),
    DossierStatus.ACCEPTED: ("Đã tiếp nhận", "Accepted"),
    DossierStatus.NOT_ACCEPTED: ("Không được tiếp nhận", "Not accepted"),
    DossierStatus.IN_PROCESS: ("Đang xử lý", "In process"),
    DossierStatus.SUPPLEMENT_REQUESTED: ("Yêu cầu bổ sung", "Supplement requested"),
    DossierStatus.PAYMENT_REQUESTED: ("Yêu cầu thực hiện nghĩa vụ tài chính", "Payment requested"),
    DossierStatus.WITHDRAWAL_REQUESTED: ("Công dân yêu cầu rút hồ sơ", "Withdrawal requested"),
    DossierStatus.PROCESSING_STOPPED: ("Dừng xử lý", "Processing stopped"),
    DossierStatus.PROCESSING_FINISHED: ("Đã xử lý xong", "Processing finished"),
    DossierStatus.RESULT_RETURNED: ("Đã trả kết quả", "Result returned"),
}

# A withdrawal takes effect at once (processes.submission.portal_dossiers.withdraw_dossier cancels the
# workflow), so a withdrawn dossier is closed like a refused or returned one.
FINAL_STATUSES = frozenset({DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWAL_REQUESTED,
                            DossierStatus.PROCESSING_STOPPED, DossierStatus.RESULT_RETURNED})
