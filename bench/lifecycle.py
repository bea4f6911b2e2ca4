"""The real procedure: household business registration (bpmn_diagrams/dang_ky_ho_kinh_doanh) from
submission with its papers to delivery of the result, through the use cases as in production."""

from __future__ import annotations

import time
from typing import Any

from adapters.bootstrap import Services
from bench.env import HKD_CODE
from bench.peer import open_task_id
from bench.stats import Samples
from processes.desk.fees import mark_fee_paid
from processes.desk.steps import Delivery
from processes.desk.tasks import Completion, complete_task
from processes.submission.submission import Submission, Upload, submit_dossier

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FORM: dict[str, Any] = {
    "ho_ten_chu_ho": "Nguyễn Văn An",
    "so_dinh_danh": "062095001234",
    "so_dien_thoai": "0912345678",
    "ten_ho_kinh_doanh": "Hộ kinh doanh Phở An",
    "dia_chi_kinh_doanh": "12 Lê Lợi, phường Quyết Thắng",
    "nganh_nghe": "Dịch vụ ăn uống",
    "von_kinh_doanh": 150000000,
    "so_lao_dong": 3,
}
# The affirmative path: reception accepts, the specialist proposes approval, the leader approves,
# reception hands the result over.
STEPS: list[tuple[str, str, dict[str, Any]]] = [
    ("Task_reception_check", "reception", {"reception_decision": "accept", "reception_note": ""}),
    (
        "Task_specialist_review",
        "specialist",
        {"specialist_proposal": "approve", "specialist_note": "Đủ điều kiện"},
    ),
    ("Task_leader_approve", "leader", {"leader_decision": "approve"}),
    ("Task_reception_deliver", "reception", {"result_delivered": True}),
]


def submission() -> Submission:
    return Submission(
        HKD_CODE,
        dict(FORM),
        "counter",
        uploads=[Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)],
        declaration=True,
    )


# What the desk step of each task needs besides the form: the reception checklist at intake, the
# hand-over checks at delivery (the fee is paid at the counter before it, outside the timed completion).
CHECKLIST = {"giay_de_nghi": True, "giay_to_phap_ly": True}
HAND_OVER = Delivery(
    recipient_name="Nguyễn Văn An",
    identity_document="062095001234",
    identity_checked=True,
    originals_compared=True,
    applicant_signed=True,
)


def submit(services: Services, samples: Samples | None = None) -> str:
    samples = samples or Samples()
    with samples.time("submit"):
        return str(submit_dossier(services, "citizen", submission())["code"])


def work(services: Services, code: str, steps: int, samples: Samples | None = None) -> dict[str, Any]:
    """Complete the first `steps` tasks of the affirmative path; return the dossier's last view."""
    samples = samples or Samples()
    task_id = open_task_id(services, code)
    view: dict[str, Any] = {}
    for element, officer, data in STEPS[:steps]:
        cmd = Completion(task_id, data)
        if element == "Task_reception_check":
            cmd.checklist = CHECKLIST
        elif element == "Task_reception_deliver":
            mark_fee_paid(services, officer, code, f"BL-{code[-11:]}")
            cmd.delivery = HAND_OVER
        with samples.time("complete"):
            view = complete_task(services, officer, cmd)
        following = [t for t in view["open_tasks"] if t["name"] != element]
        task_id = following[0]["id"] if following else ""
    return view


def lifecycle(services: Services, samples: Samples | None = None) -> str:
    """One dossier from submission to delivery; returns its code."""
    code = submit(services, samples)
    view = work(services, code, len(STEPS), samples)
    if view.get("status_code") != 10:
        raise RuntimeError(f"dossier {code} ended with status {view.get('status_code')}, not 10 (delivered)")
    return code


def run(services: Services, n: int, samples: Samples) -> float:
    """Full lifecycles per second over n dossiers."""
    start = time.perf_counter()
    for _ in range(n):
        lifecycle(services, samples)
    return n / (time.perf_counter() - start)
