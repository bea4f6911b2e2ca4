"""Move a running workflow onto another version of its diagram, or say exactly why it cannot move.

Built on SpiffWorkflow's ``diff_workflow`` / ``migrate_workflow``: task specs are aligned by element
id (and, for a renamed id, by the position in the flow); tasks that wait (READY, WAITING) are reset
onto the new spec and predicted again. What this module adds:

* the rules that keep a dossier whole — it cannot move while it waits in, or has passed through,
  an element the target version removes, or one whose kind changed (a user task that became a
  service task), or a called process the target no longer has;
* the due instants of waiting timers survive the move (a reset would restart them at "now");
* the result is proven by a round trip through the serializer with the target's specs, so what a
  dry run calls movable is what a real migration saves.

The instance handed in is consumed: on refusal it may be half-changed — load a fresh one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.definitions import Definition
from engine.runner import Instance
from engine.serializer import StateCodec

# Obstacle codes (the processes layer words them for people).
WAITS_IN_REMOVED = "waits_in_removed"
PASSED_REMOVED = "passed_removed"
KIND_CHANGED = "kind_changed"
CALLED_PROCESS_REMOVED = "called_process_removed"
UNKNOWN_USER_TASK = "unknown_user_task"
NOT_REALIGNED = "not_realigned"

_WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_HAPPENED = TaskState.COMPLETED | TaskState.CANCELLED


@dataclass(frozen=True)
class Obstacle:
    """Why a workflow cannot move: which element, and what about it."""

    code: str
    element_id: str
    element_name: str


class NotMovable(Exception):
    def __init__(self, obstacles: list[Obstacle]):
        super().__init__("; ".join(f"{o.code}: {o.element_id}" for o in obstacles))
        self.obstacles = obstacles


def migrate_instance(instance: Instance, target: Definition, codec: StateCodec) -> Instance:
    """The workflow of `instance`, moved onto `target` and reloaded from its saved form.

    Raises NotMovable naming every obstacle; nothing outside the given instance is touched."""
    workflow = instance.workflow
    registry = codec.serializer.registry
    top, subs = diff_workflow(registry, workflow, target.spec, target.subprocess_specs)
    obstacles = _obstacles(top)
    for sp_id, sp_diff in subs.items():
        if sp_diff is None:
            caller = workflow.get_task_from_id(sp_id)
            obstacles.append(_obstacle(CALLED_PROCESS_REMOVED, caller.task_spec))
        else:
            obstacles.extend(_obstacles(sp_diff))
    if obstacles:
        raise NotMovable(_unique(obstacles))

    timers = _waiting_timer_values(workflow)
    for sp_id, sp_diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        assert sp_diff is not None
        migrate_workflow(sp_diff, sub, target.subprocess_specs[sub.spec.name])
    migrate_workflow(top, workflow, target.spec)
    _restore_timer_values(workflow, timers)

    state = codec.dump_state(workflow)
    try:
        moved = codec.load_state(state, target.spec, target.subprocess_specs)
    except Exception as exc:  # noqa: BLE001 - a state the target cannot hold is a refusal, not a crash
        raise NotMovable([Obstacle(NOT_REALIGNED, "-", str(exc))]) from None
    moved.script_engine = instance.engine
    lost = [t for t in moved.get_tasks() if t.task_spec is None]
    if lost:
        raise NotMovable([Obstacle(NOT_REALIGNED, "-", f"{len(lost)} steps")])
    result = Instance(target, moved, instance.engine)
    unknown = [t for t in moved.get_tasks(state=TaskState.READY, manual=True)
               if t.task_spec.bpmn_id not in target.user_tasks]
    if unknown:
        raise NotMovable([_obstacle(UNKNOWN_USER_TASK, t.task_spec) for t in unknown])
    return result


def _obstacles(diff: WorkflowDiff) -> list[Obstacle]:
    found = []
    for task in diff.removed:
        if task.has_state(_WAITING):
            found.append(_obstacle(WAITS_IN_REMOVED, task.task_spec))
        elif task.has_state(_HAPPENED):
            found.append(_obstacle(PASSED_REMOVED, task.task_spec))
        # predicted (not yet reached) steps are predicted again from the new version
    for task in diff.changed:
        changes = _changes(diff, task)
        if "typename" in changes and task.has_state(_WAITING | _HAPPENED):
            found.append(_obstacle(KIND_CHANGED, task.task_spec))
    return found


def _changes(diff: WorkflowDiff, task: Any) -> list[str]:
    new = diff.alignment.get(task)
    if new is None:
        return []
    return ["typename"] if type(new) is not type(task.task_spec) else ["attributes"]


def _obstacle(code: str, spec: Any) -> Obstacle:
    element_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "-")
    return Obstacle(code, str(element_id), str(getattr(spec, "bpmn_name", None) or element_id))


def _unique(obstacles: list[Obstacle]) -> list[Obstacle]:
    """One obstacle per element (SpiffWorkflow's helper specs share their element's id)."""
    seen: dict[tuple[str, str], Obstacle] = {}
    for o in obstacles:
        seen.setdefault((o.code, o.element_id), o)
    return list(seen.values())


def _waiting_timer_values(workflow: Any) -> dict[Any, tuple[str | None, dict[str, Any]]]:
    """Internal data of waiting timers (their computed due instant), by task id."""
    kept = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            kept[task.id] = (task.task_spec.bpmn_id, dict(task.internal_data))
    return kept


def _restore_timer_values(workflow: Any, kept: dict[Any, tuple[str | None, dict[str, Any]]]) -> None:
    """A timer that still waits on the same element keeps its due instant; migrate_workflow's reset
    would otherwise compute it again from now (restarting a duration)."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        before = kept.get(task.id)
        definition = getattr(task.task_spec, "event_definition", None)
        if before and before[0] == task.task_spec.bpmn_id and isinstance(definition, TimerEventDefinition):
            task.internal_data.update(before[1])
