"""The script engine SpiffWorkflow runs diagrams with: sandboxed, clocked, calling our handlers."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine import sandbox
from engine.calendar import WorkCalendar
from engine.clock import Clock

# (element id, handler topic, the task's variables) -> variables to set on the task
HandlerCall = Callable[[str, str, Mapping[str, Any]], Mapping[str, Any]]


class HandlerFailed(Exception):
    """A service-task handler raised; carries the element id so the error can name it."""

    def __init__(self, element_id: str, topic: str, cause: BaseException):
        super().__init__(f"{element_id}: handler '{topic}' failed: {cause}")
        self.element_id = element_id
        self.topic = topic
        self.cause = cause


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions and runs scripts through RestrictedPython only, charging one budget:
    the runner gives each advance of the workflow a fresh one (`new_budget`)."""

    def __init__(self, limits: sandbox.Limits | None = None):
        super().__init__()
        self.limits = limits or sandbox.Limits()
        self.budget = sandbox.Budget(self.limits)

    def new_budget(self) -> sandbox.Budget:
        self.budget = sandbox.Budget(self.limits)
        return self.budget

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        scope = dict(external_context or {})
        scope.update(context)
        return sandbox.evaluate(expression, scope, self.budget)

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        sandbox.execute(script, context, self.budget)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        raise NotImplementedError("service tasks run as HandlerTask, never through call_service")


def _no_handlers(element_id: str, topic: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    raise LookupError(f"no handler may run here (topic '{topic}')")


class MotCuaScriptEngine(PythonScriptEngine):
    """One per run: knows the clock and how to call the handlers of this unit of work."""

    def __init__(self, clock: Clock, call_handler: HandlerCall | None = None,
                 limits: sandbox.Limits | None = None, calendar: WorkCalendar | None = None):
        self.sandbox = SandboxEnvironment(limits)
        super().__init__(environment=self.sandbox)
        self.clock = clock
        self.calendar = calendar  # timers in working days (engine.specs.WorkingDaysTimer)
        self.handler_call: HandlerCall = call_handler or _no_handlers

    def now(self) -> Any:
        return self.clock.now()

    def call_handler(self, task: Any, topic: str | None) -> None:
        element_id = task.task_spec.bpmn_id
        if not topic:
            raise HandlerFailed(element_id, "-", LookupError("the service task names no handler"))
        try:
            updates = self.handler_call(element_id, topic, task.data)
        except Exception as exc:  # SpiffWorkflow would mask it; we name the element instead
            raise HandlerFailed(element_id, topic, exc) from exc
        task.data.update(updates)
