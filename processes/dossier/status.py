"""The national portal's dossier statuses: the enumeration (models.status) and their names, which are
Vietnamese source texts that web/ translates (the `status` filter of web/labels.py)."""
from __future__ import annotations

from models.status import FINAL_STATUSES, DossierStatus
from processes.texts import N_

__all__ = ["FINAL_STATUSES", "STATUS_NAMES", "DossierStatus", "shown_status", "status_name"]

STATUS_NAMES: dict[DossierStatus, str] = {
    DossierStatus.NEWLY_REGISTERED: N_("Mới đăng ký"),
    DossierStatus.ACCEPTED: N_("Đã tiếp nhận"),
    DossierStatus.NOT_ACCEPTED: N_("Không được tiếp nhận"),
    DossierStatus.IN_PROCESS: N_("Đang xử lý"),
    DossierStatus.SUPPLEMENT_REQUESTED: N_("Yêu cầu bổ sung"),
    DossierStatus.PAYMENT_REQUESTED: N_("Yêu cầu thực hiện nghĩa vụ tài chính"),
    DossierStatus.WITHDRAWAL_REQUESTED: N_("Công dân yêu cầu rút hồ sơ"),
    DossierStatus.PROCESSING_STOPPED: N_("Dừng xử lý"),
    DossierStatus.PROCESSING_FINISHED: N_("Đã xử lý xong"),
    DossierStatus.RESULT_RETURNED: N_("Đã trả kết quả"),
}


def status_name(code: int) -> str:
    """The status's name (a source text: pages show it through `_()`, e.g. the `status` filter)."""
    try:
        return STATUS_NAMES[DossierStatus(code)]
    except ValueError:
        return str(code)


def shown_status(current: int, marked: list[int]) -> int:
    """The status a dossier shows while these user tasks are open: a task's `status_code` (the highest of
    the open tasks') replaces 1, 2 or 4; a status a handler set otherwise stays (DossierRun.save, and
    the test-run of processes.definitions.simulation)."""
    if current in FINAL_STATUSES or not marked:
        return current
    if current in (DossierStatus.NEWLY_REGISTERED, DossierStatus.ACCEPTED, DossierStatus.IN_PROCESS):
        return max(marked)
    return current
