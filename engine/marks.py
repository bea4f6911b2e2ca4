"""Which steps of a running workflow are done, active or overdue: the marks of its drawing."""
from __future__ import annotations

from collections.abc import Iterable

from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.util.task import TaskState

from engine.runner import Instance

_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def progress_marks(instance: Instance, overdue: Iterable[str] = ()) -> dict[str, str]:
    """Element id -> "done" | "active" | "overdue". A step that is active again (a loop) is active;
    `overdue` (active user tasks past their due instant) wins over both. A boundary event that
    merely watches its task (a deadline timer) is no step of its own and is not marked active."""
    marks = {e: "done" for e in instance.done_elements()}
    for task in instance.workflow.get_tasks(state=_ACTIVE):
        spec = task.task_spec
        if spec.bpmn_id and not (isinstance(spec, BoundaryEvent) and task.has_state(TaskState.WAITING)):
            marks[spec.bpmn_id] = "active"
    marks.update({e: "overdue" for e in overdue if marks.get(e) == "active"})
    return marks
