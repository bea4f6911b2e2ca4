"""Our task specs and the one parser that reads both dialects analysts draw in.

* Camunda 7 (Camunda Modeler): ``camunda:formData`` forms, ``camunda:candidateGroups``,
  ``camunda:properties``, service tasks as ``camunda:type="external" camunda:topic="…"``.
* SpiffWorkflow's own: ``spiffworkflow:serviceTaskOperator id="…"``, ``spiffworkflow:properties``.

Every service task becomes a ``HandlerTask`` that calls the handler registered for its topic
through the script engine; timers read the injected clock instead of ``datetime.now``.
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.TaskParser import TaskParser
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, ServiceTask, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaStartEventParser,
)

from engine.timer_values import working_days_text

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def _now(my_task: Any) -> datetime:
    return my_task.workflow.script_engine.now()


class ClockedTimeDate(TimeDateEventDefinition):
    """A timeDate timer that asks the workflow's clock, and fires at its due instant (not after)."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            event_value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            if isinstance(event_value, datetime):
                event_value = event_value.isoformat()
            my_task._set_internal_data(event_value=event_value)
        try:
            reached = TimerEventDefinition.parse_time_or_duration(event_value) <= _now(my_task)
        except Exception as exc:  # the library fails with AttributeError/TypeError; name the timer
            raise WorkflowTaskException(f"timer date {event_value!r} is not an ISO 8601 date-time",
                                        task=my_task, exception=exc) from exc
        if reached:
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class ClockedDuration(DurationTimerEventDefinition):
    """A timeDuration timer that starts counting at the workflow clock's now."""

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        now = _now(my_task)
        if event_value is None:
            expression = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            try:
                parsed = TimerEventDefinition.parse_iso_duration(expression)
            except Exception as exc:  # the library raises a bare Exception; name the timer
                raise WorkflowTaskException(f"timer duration {expression!r} is not an ISO 8601 duration",
                                            task=my_task, exception=exc) from exc
            delta = TimerEventDefinition.get_timedelta_from_start(parsed, now)
            event_value = (now + delta).astimezone(UTC).isoformat()
            my_task._set_internal_data(event_value=event_value)
        if TimerEventDefinition.get_datetime(event_value) <= now:
            my_task._set_internal_data(event_fired=True)
        return bool(my_task._get_internal_data("event_fired", False))


class WorkingDaysTimer(ClockedTimeDate):
    """A timer that waits a number of working days of the province's calendar from the moment it starts
    waiting: the event's `camunda:property name="working_days"` (what the studio's panel writes). Its
    expression is that number; the due instant is fixed once, from the script engine's calendar."""

    def has_fired(self, my_task: Any) -> bool:
        if my_task._get_internal_data("event_value") is None:
            calendar = getattr(my_task.workflow.script_engine, "calendar", None)
            if calendar is None:
                raise WorkflowTaskException("a timer in working days needs the working calendar, and this run "
                                            "has none", task=my_task)
            due = calendar.add_working_days(_now(my_task), float(self.expression))
            my_task._set_internal_data(event_value=due.astimezone(UTC).isoformat())
        return super().has_fired(my_task)


_CLOCKED = {TimeDateEventDefinition: ClockedTimeDate, DurationTimerEventDefinition: ClockedDuration}


def working_days_of(node: Any) -> str | None:
    """The `working_days` property of a timer event, as written (None when it has none)."""
    return working_days_text(_properties(node).get("working_days")) or None


class _ClockedTimers:
    """Mixin for event parsers: build clocked timer definitions (in working days when the event says so)."""

    def parse_timer_event(self, event: Any) -> Any:
        days = working_days_of(self.node)  # type: ignore[attr-defined]
        if days is not None:
            return WorkingDaysTimer(self.node.get("name", self.node.get("id")), days,  # type: ignore[attr-defined]
                                    description=self.get_event_description(event))  # type: ignore[attr-defined]
        definition = super().parse_timer_event(event)  # type: ignore[misc]
        clocked = _CLOCKED.get(type(definition))
        if clocked is None:
            return definition  # cycles keep the library's behaviour
        return clocked(definition.name, definition.expression, description=definition.description)


class StartEventParser(_ClockedTimers, CamundaStartEventParser):
    pass


class CatchEventParser(_ClockedTimers, CamundaIntermediateCatchEventParser):
    pass


class BoundaryEventParser(_ClockedTimers, CamundaBoundaryEventParser):
    pass


class HandlerTask(ServiceTask):
    """A service task that runs the handler registered for ``extensions['topic']``."""

    def _run_hook(self, my_task: Any) -> bool:
        my_task.workflow.script_engine.call_handler(my_task, self.extensions.get("topic"))
        return True


class HandlerTaskParser(TaskParser):
    """Reads the handler name from either dialect: Camunda external topic or Spiff operator id."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        node = self.node if node is None else node
        extensions: dict[str, Any] = _properties(node)
        topic = node.get(f"{{{CAMUNDA_NS}}}topic")
        if topic is None:
            operators = node.xpath(".//spiff:serviceTaskOperator", namespaces={"spiff": SPIFF_NS})
            if operators:
                topic = operators[0].get("id")
                extensions["operation_params"] = {
                    p.get("id"): p.get("value")
                    for p in operators[0].xpath(".//spiff:parameter", namespaces={"spiff": SPIFF_NS})}
        extensions["topic"] = topic
        return extensions


class UserTaskExtensions:
    """Mixin: user tasks keep camunda and spiff properties plus candidate groups in extensions."""

    def parse_extensions(self, node: Any = None) -> dict[str, Any]:
        node = self.node if node is None else node  # type: ignore[attr-defined]
        extensions = _properties(node)
        groups = node.get(f"{{{CAMUNDA_NS}}}candidateGroups")
        if groups:
            extensions["candidate_groups"] = [g.strip() for g in groups.split(",") if g.strip()]
        return extensions


def _properties(node: Any) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for prop in node.xpath("./bpmn:extensionElements/camunda:properties/camunda:property",
                           namespaces={"bpmn": node.nsmap.get(None) or
                                       "http://www.omg.org/spec/BPMN/20100524/MODEL",
                                       "camunda": CAMUNDA_NS}):
        props[prop.get("name")] = prop.get("value")
    for prop in node.xpath("./*[local-name()='extensionElements']/spiff:properties/spiff:property",
                           namespaces={"spiff": SPIFF_NS}):
        props[prop.get("name")] = prop.get("value")
    return props


def _user_task_parser() -> type:
    from SpiffWorkflow.camunda.parser.task_spec import UserTaskParser

    return type("UserTaskParser", (UserTaskExtensions, UserTaskParser), {})


class MotCuaParser(CamundaParser):
    """The Camunda parser plus handler-backed service tasks (both dialects) and clocked timers."""

    OVERRIDE_PARSER_CLASSES = dict(CamundaParser.OVERRIDE_PARSER_CLASSES)
    OVERRIDE_PARSER_CLASSES.update({
        full_tag("serviceTask"): (HandlerTaskParser, HandlerTask),
        full_tag("startEvent"): (StartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (CatchEventParser, IntermediateCatchEvent),
        full_tag("boundaryEvent"): (BoundaryEventParser, BoundaryEvent),
    })


def _install_user_task_parser() -> None:
    from SpiffWorkflow.camunda.specs.user_task import UserTask

    MotCuaParser.OVERRIDE_PARSER_CLASSES[full_tag("userTask")] = (_user_task_parser(), UserTask)


_install_user_task_parser()
