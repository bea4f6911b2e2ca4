"""Timers of a diagram: values checked at deploy where the diagram states them literally, and which
user tasks the diagram escalates itself with a timer boundary event.

A timer's value is a Python expression (DESIGN: `"PT4H"` with its quotes, or a variable such as
`forward_due` that a handler computes in working time). A literal that is no ISO 8601 value would only
fail when a dossier reaches the timer, days later; a bare `PT4H` (no quotes) reads a variable that never
exists. Both are refused at deploy, naming the element and line (bare values: engine/definitions.py;
quoted literals: here). Values computed at run time are checked when the timer starts waiting
(engine/specs.py): the workflow stops at the timer, naming it.
"""
from __future__ import annotations

import ast
from datetime import datetime

from lxml import etree
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.problems import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
_EXAMPLES = {"timeDate": '"2026-03-05T08:00:00+07:00"', "timeDuration": '"PT4H" or "P3D"',
             "timeCycle": '"R3/PT1H"'}


def timer_value_problem(tag: str, value: object) -> str | None:
    """What is wrong with `value` as the value of a timer of kind `tag`, or None when it is usable."""
    example = _EXAMPLES[tag]
    if not isinstance(value, str):
        return f"timer value {value!r} is not text; write an ISO 8601 value in quotes, e.g. {example}"
    text = value.strip()
    if tag == "timeDate":
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            return f"timer date {value!r} is not an ISO 8601 date-time, e.g. {example}"
        if instant.tzinfo is None:
            return (f"timer date {value!r} has no UTC offset: it would be read in the server's timezone; "
                    f"add one, e.g. {example}")
        return None
    try:
        if tag == "timeDuration":
            if not text.upper().startswith("P") or not TimerEventDefinition.parse_iso_duration(text):
                raise ValueError(text)
        else:
            TimerEventDefinition.parse_iso_recurring_interval(text)
    except Exception:  # the library raises bare Exceptions, AttributeErrors and IndexErrors here
        what = "duration" if tag == "timeDuration" else "cycle (repeating interval)"
        return f"timer {what} {value!r} is not ISO 8601, e.g. {example}"
    return None


def check_timer_values(tree: etree._ElementTree, path: str) -> list[Problem]:
    """Problems of timer values written as literals (quoted text, numbers) that no timer can use."""
    problems = []
    for tag in TIMER_TAGS:
        for el in tree.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (el.text or "").strip()
            try:
                body = ast.parse(text, mode="eval").body
            except SyntaxError:
                continue  # the expression check names it
            owner = el.getparent()  # the timerEventDefinition; name the event an analyst sees drawn
            while owner is not None and (owner.get("id") is None or owner.tag.endswith("EventDefinition")):
                owner = owner.getparent()
            owner_id = owner.get("id") if owner is not None else None
            message = timer_value_problem(tag, body.value) if isinstance(body, ast.Constant) else None
            if message:
                problems.append(Problem(path, el.sourceline, owner_id, message))
    for definition in tree.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        for prop in event.iterfind(f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}properties/"
                                   f"{{{CAMUNDA_NS}}}property[@name='working_days']"):
            message = working_days_problem(prop.get("value"))
            if message:
                problems.append(Problem(path, prop.sourceline, event.get("id"), message))
    return problems


def working_days_text(value: object) -> str:
    """The `working_days` of a timer event as the engine reads it: trimmed, a decimal comma as a point."""
    return str(value if value is not None else "").strip().replace(",", ".")


def working_days_problem(value: str | None) -> str | None:
    """What is wrong with the `working_days` of a timer event (engine.specs.WorkingDaysTimer), or None."""
    try:
        days = float(working_days_text(value))
    except ValueError:
        return f"working_days {value!r} is not a number of working days; write e.g. 2 or 0.5"
    if not (0 <= days <= 365):
        return f"working_days {value!r} is out of range: from 0 to 365 working days"
    return None


def timer_boundary_hosts(specs: list[BpmnProcessSpec]) -> dict[str, str]:
    """Timer boundary event id -> id of the activity it is attached to: the diagram escalates that
    activity itself when the timer fires."""
    found = {}
    for spec in specs:
        for task_spec in spec.task_specs.values():
            timer = isinstance(getattr(task_spec, "event_definition", None), TimerEventDefinition)
            if isinstance(task_spec, BoundaryEvent) and timer:
                for split in task_spec.inputs:  # <host>.BoundaryEventSplit, whose first output is the host
                    if split.outputs:
                        found[task_spec.name] = split.outputs[0].name
    return found
