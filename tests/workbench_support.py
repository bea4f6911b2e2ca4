"""Shared by the workbench tests: a test procedure that consults a second agency (R8.2), and short
walks through the use cases."""
from __future__ import annotations

from typing import Any

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from processes.definitions.deploy import deploy_paths
from processes.desk.workbench import task_queue
from processes.submission.submission import Submission, Upload, submit_dossier
from tests.helpers import PDF, PNG

COORDINATION_BPMN = PROJECT_ROOT / "tests" / "fixtures" / "coordination" / "phoi_hop_thu_nghiem.bpmn"
COORD = "TEST.PHOIHOP"
COORD_FORM = {"ho_ten": "Nguyễn Văn An", "so_dinh_danh": "062095001234"}
POLICE = "000.00.90.H34"


def deploy_coordination(services: Services) -> None:
    """Deploy the test procedure that consults the provincial police (its sidecar's [agencies])."""
    [outcome] = deploy_paths(services, "admin", [COORDINATION_BPMN])
    assert outcome.ok, [str(p) for p in outcome.problems]


POSTAL_ADDRESS = "Số 12 đường Trần Hưng Đạo, phường Quyết Thắng, thành phố Kon Tum"


def submit_coordination(services: Services, channel: str = "counter", username: str = "citizen",
                        documents: tuple[str, ...] = ("giay_de_nghi", "giay_to_phap_ly")) -> str:
    uploads = [Upload(key, f"{key}.pdf" if n == 0 else f"{key}.png", PDF if n == 0 else PNG)
               for n, key in enumerate(documents)]
    address = POSTAL_ADDRESS if channel == "post" else None
    created = submit_dossier(services, username, Submission(procedure=COORD, form=COORD_FORM, channel=channel,
                                                            uploads=uploads, declaration=True, postal_address=address))
    return str(created["code"])


def task_of(services: Services, username: str, code: str, queue: str = "group") -> dict[str, Any]:
    """The one open task of this dossier in the officer's queue."""
    items = [t for t in task_queue(services, username, queue, per_page=200).items if t["dossier"] == code]
    assert len(items) == 1, items
    return items[0]
