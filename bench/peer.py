"""The peer process (bench/peer.bpmn: start → user task → script task → user task → end), measured
on the bare engine and through the use-case layer, with the same task data."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.util.task import TaskState

from adapters.bootstrap import Services
from bench.env import PEER_BPMN, PEER_CODE
from bench.stats import Samples
from models import Dossier, UserTask
from processes.desk.tasks import Completion, complete_task
from processes.submission.submission import Submission, submit_dossier

APPLICANT = "citizen"
FORM = {"ho_ten": "Nguyễn Văn An", "amount": 600}
# (officer, data) for the two user tasks, in order: the same data for the bare engine.
STEPS: list[tuple[str, dict[str, Any]]] = [
    ("reception", {"amount": 600, "note": "Đủ điều kiện"}),
    ("specialist", {"approved": True}),
]


class BareEngine:
    """SpiffWorkflow alone: the stock Camunda parser, script engine and serializer; the spec parsed
    once; the workflow serialized to JSON after every user task (what any persistent system must do)."""

    def __init__(self) -> None:
        parser = CamundaParser()
        parser.add_bpmn_file(str(PEER_BPMN))
        self.spec = parser.get_spec("bench_peer")
        self.subprocess_specs = parser.get_subprocess_specs("bench_peer")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
        self.state_bytes = 0

    def instance(self) -> None:
        wf = BpmnWorkflow(self.spec, self.subprocess_specs)
        wf.get_tasks(state=TaskState.READY)[0].data.update(
            {
                "dossier_code": "X",
                "procedure": PEER_CODE,
                "form": dict(FORM),
                "documents": [],
                "result_channel": "counter",
            }
        )
        wf.do_engine_steps()
        for _, data in STEPS:
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(data)
            task.run()
            wf.do_engine_steps()
            self.state_bytes = len(self.serializer.serialize_json(wf))
        assert wf.completed

    def run(self, n: int) -> float:
        """Instances per second over n instances."""
        start = time.perf_counter()
        for _ in range(n):
            self.instance()
        return n / (time.perf_counter() - start)


OPEN_TASK = (
    sa.select(UserTask.id)
    .join(Dossier, Dossier.id == UserTask.dossier_id)
    .where(Dossier.code == sa.bindparam("code"), UserTask.completed_at.is_(None))
)


def open_task_id(services: Services, code: str) -> str:
    """The id of the one open task of a dossier (the harness's look-up; an officer would see it in a list)."""
    with services.session_factory() as s:
        task_id = s.scalar(OPEN_TASK, {"code": code})
        s.rollback()
    if task_id is None:
        raise RuntimeError(f"dossier {code} has no open task")
    return str(task_id)


def usecase_instance(services: Services, samples: Samples) -> None:
    """One peer instance through the use cases: submit, then complete both user tasks."""
    with samples.time("submit"):
        cmd = Submission(PEER_CODE, dict(FORM), "counter", declaration=True)
        code = submit_dossier(services, APPLICANT, cmd)["code"]
    task_id = open_task_id(services, code)
    for n, (officer, data) in enumerate(STEPS):
        with samples.time("complete"):
            view = complete_task(services, officer, Completion(task_id, data))
        if n + 1 < len(STEPS):
            task_id = view["open_tasks"][0]["id"]
    if view["open_tasks"]:
        raise RuntimeError(f"peer dossier {code} did not finish: {view['open_tasks']}")


def run_usecases(services: Services, n: int, samples: Samples) -> float:
    """Instances per second over n instances through the use-case layer."""
    start = time.perf_counter()
    for _ in range(n):
        usecase_instance(services, samples)
    return n / (time.perf_counter() - start)
