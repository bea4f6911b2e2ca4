"""Advance one workflow: start it, complete a user task, deliver a message, fire due timers;
then report what waits for a person (ready user tasks) and what waits for time (timers)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.camunda.specs.event_definitions import (
    MessageEventDefinition as CamundaMessageEventDefinition,
)
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine import sandbox
from engine.calendar import WorkCalendar
from engine.clock import Clock
from engine.definitions import Definition, UserTaskInfo
from engine.scripting import HandlerCall, HandlerFailed, MotCuaScriptEngine
from engine.serializer import StateCodec

# What the engine completing one task on its own (a gateway, an event, a plain task) costs in
# script steps: with the default 10^6 steps, at most 10^4 such tasks per advance.
TASK_STEPS = 100


class EngineError(Exception):
    """The workflow cannot advance; names the element where it stopped and why."""

    def __init__(self, element_id: str | None, message: str,
                 budget: sandbox.BudgetExceeded | None = None):
        super().__init__(f"{element_id or '-'}: {message}")
        self.element_id = element_id
        self.message = message
        self.budget = budget  # set when a script or expression spent its budget


class TaskNotReady(Exception):
    """The user task is not (or no longer) waiting for a person."""


@dataclass(frozen=True)
class ReadyTask:
    task_id: str
    info: UserTaskInfo
    # The task's own variables: an instance of a multi-instance task has its element there (e.g. the
    # agency it consults).
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    name: str
    due_at: datetime


class Instance:
    """A running workflow of one definition, with the engine that advances it."""

    def __init__(self, definition: Definition, workflow: BpmnWorkflow, engine: MotCuaScriptEngine):
        self.definition = definition
        self.workflow = workflow
        self.engine = engine

    # -- reading -------------------------------------------------------------------------------
    def ready_tasks(self) -> list[ReadyTask]:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return [ReadyTask(str(t.id), self.definition.user_tasks[t.task_spec.bpmn_id], dict(t.data))
                for t in tasks if t.task_spec.bpmn_id in self.definition.user_tasks]

    def waiting_timers(self) -> list[WaitingTimer]:
        timers = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition):
                continue
            value = task._get_internal_data("event_value")
            if isinstance(value, dict):  # cycle timers keep {"next": …}
                value = value.get("next")
            if value is None:
                continue
            due = TimerEventDefinition.get_datetime(value)
            timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id,
                                       task.task_spec.bpmn_name or task.task_spec.bpmn_id, due))
        return timers

    def waiting_messages(self) -> set[str]:
        return set(self._message_definitions())

    def _message_definitions(self) -> dict[str, MessageEventDefinition]:
        found = {}
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            if isinstance(task.task_spec, CatchingEvent) and isinstance(definition, MessageEventDefinition):
                found[definition.name] = definition
        return found

    @property
    def completed(self) -> bool:
        return bool(self.workflow.completed)

    @property
    def variables(self) -> dict[str, Any]:
        """The variables of the newest finished task (what gateways and handlers last saw)."""
        last = self.workflow.last_task
        return dict(last.data) if last is not None else dict(self.workflow.data)

    def active_elements(self) -> set[str]:
        states = TaskState.READY | TaskState.WAITING | TaskState.STARTED
        return {t.task_spec.bpmn_id for t in self.workflow.get_tasks(state=states) if t.task_spec.bpmn_id}

    def done_elements(self) -> set[str]:
        return {t.task_spec.bpmn_id for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.bpmn_id}

    def passed_since(self, seen: set[str]) -> list[tuple[str, str, str, str]]:
        """The elements completed whose task ids are not in `seen`, in the order they completed, as
        (task id, element id, name, kind); kind is start, end, gateway or element (for a test-run)."""
        done = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                if t.task_spec.bpmn_id and str(t.id) not in seen]
        done.sort(key=lambda t: t.last_state_change)
        passed = []
        for task in done:
            spec, kind = task.task_spec, type(task.task_spec).__name__
            what = ("end" if isinstance(spec, EndEvent) else "gateway" if "Gateway" in kind
                    else "start" if "StartEvent" in kind else "element")
            passed.append((str(task.id), spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, what))
        return passed

    def failed_element(self) -> str | None:
        """The element of a task that failed (the library does not always name it in its error)."""
        failed = self.workflow.get_tasks(state=TaskState.ERROR)
        return failed[0].task_spec.bpmn_id if failed else None

    # -- acting ----------------------------------------------------------------------------------
    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> UserTaskInfo:
        ready = {t.task_id: t for t in self.ready_tasks()}
        if task_id not in ready:
            raise TaskNotReady(task_id)
        task = next(t for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                    if str(t.id) == task_id)
        task.data.update(data)
        self._advance(lambda: (task.run(), self._engine_steps()))
        return ready[task_id].info

    def deliver_message(self, name: str, payload: Mapping[str, Any]) -> bool:
        """Deliver a named message; False when nothing waits for it."""
        definition = self._message_definitions().get(name)
        if definition is None:
            return False
        # The event must carry the catching task's own definition class; Camunda's subclass wants
        # its payload wrapped and stores it in the variable named by result_var (default: the message).
        body: dict[str, Any] = dict(payload)
        if isinstance(definition, CamundaMessageEventDefinition):
            body = {"payload": body, "result_var": definition.result_var or name}
        event = BpmnEvent(definition, body)
        self._advance(lambda: (self.workflow.send_event(event), self._engine_steps()))
        return True

    def fire_due_timers(self) -> list[str]:
        """Fire every timer due by the engine clock's now; return the element ids that fired."""
        now = self.engine.now()
        due = [t.element_id for t in self.waiting_timers() if t.due_at <= now]
        if due:
            self._advance(lambda: (self.workflow.refresh_timers(), self._engine_steps()))
        return due

    def run_engine(self) -> None:
        self._advance(self._engine_steps)

    def cancel(self) -> None:
        """Cancel every open task and timer (the applicant withdrew the dossier); nothing runs after."""
        self._advance(self.workflow.cancel)

    def _engine_steps(self) -> Any:
        self.workflow.do_engine_steps(did_complete_task=self._charge_task)

    def _charge_task(self, task: Any) -> None:
        """Each task the engine completes on its own costs steps: a diagram that loops through
        gateways and plain tasks, with no script in the loop, is cut too."""
        try:
            self.engine.sandbox.budget.tick(TASK_STEPS)
        except sandbox.Exhausted:
            pass
        try:
            self.engine.sandbox.budget.check()
        except sandbox.BudgetExceeded as exc:
            exc.element_id = task.task_spec.bpmn_id
            raise

    def _advance(self, step: Any) -> None:
        """Run one step of the workflow under a fresh script budget (see engine.sandbox.Budget)."""
        self.engine.sandbox.new_budget()
        try:
            step()
        except HandlerFailed as exc:
            raise EngineError(exc.element_id, f"handler '{exc.topic}' failed: {exc.cause}") from exc
        except SpiffWorkflowException as exc:
            task = getattr(exc, "task", None)
            element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
            cause = getattr(exc, "exception", None)
            if isinstance(cause, HandlerFailed):
                raise EngineError(cause.element_id, f"handler '{cause.topic}' failed: {cause.cause}") from exc
            spent = _budget_spent(exc)
            if spent is not None:
                raise EngineError(element, str(spent), spent) from exc
            raise EngineError(element, str(exc).split("\n")[0]) from exc
        except sandbox.BudgetExceeded as exc:
            raise EngineError(exc.element_id, str(exc), exc) from exc
        except sandbox.SandboxError as exc:
            raise EngineError(None, str(exc)) from exc


def _budget_spent(exc: BaseException) -> sandbox.BudgetExceeded | None:
    """The spent budget behind a library exception (SpiffWorkflow wraps what a script raised)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, sandbox.BudgetExceeded):
            return seen
        seen = getattr(seen, "exception", None) or seen.__cause__ or seen.__context__
    return None


class Runner:
    """Starts and loads instances; one per process, shared (it holds no per-dossier state)."""

    def __init__(self, codec: StateCodec | None = None, limits: sandbox.Limits | None = None):
        self.codec = codec or StateCodec()
        self.limits = limits or sandbox.Limits()

    def start(self, definition: Definition, variables: Mapping[str, Any], clock: Clock,
              call_handler: HandlerCall, calendar: WorkCalendar | None = None) -> Instance:
        engine = MotCuaScriptEngine(clock, call_handler, self.limits, calendar)
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=engine)
        for task in workflow.get_tasks(state=TaskState.READY):  # the start task
            task.data.update(variables)
        instance = Instance(definition, workflow, engine)
        instance.run_engine()
        return instance

    def load(self, definition: Definition, state: bytes | str, clock: Clock, call_handler: HandlerCall,
             calendar: WorkCalendar | None = None) -> Instance:
        engine = MotCuaScriptEngine(clock, call_handler, self.limits, calendar)
        workflow = self.codec.load_state(state, definition.spec, definition.subprocess_specs)
        workflow.script_engine = engine
        return Instance(definition, workflow, engine)

    def dump(self, instance: Instance) -> bytes:
        return self.codec.dump_state(instance.workflow)
