"""An element whose id SpiffWorkflow keeps for itself (`Start`, `End`) would silently cut the flow
(the engine's own start or end task is replaced), so such a diagram is refused, naming the element
and its line."""
from __future__ import annotations

import pytest

from engine.definitions import load_definition
from tests.unit.test_definitions import line_of, only, refusal


def diagram(start_id: str = "StartEvent_1", end_id: str = "EndEvent_1", task_id: str = "Task_check") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_t" targetNamespace="http://motcua.test/t">
  <bpmn:process id="thu_tuc" isExecutable="true">
    <bpmn:startEvent id="{start_id}" />
    <bpmn:sequenceFlow id="f1" sourceRef="{start_id}" targetRef="{task_id}" />
    <bpmn:userTask id="{task_id}" name="Kiểm tra" camunda:candidateGroups="reception" />
    <bpmn:sequenceFlow id="f2" sourceRef="{task_id}" targetRef="{end_id}" />
    <bpmn:endEvent id="{end_id}" />
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.mark.parametrize("kwargs, element, needle", [
    ({"start_id": "Start"}, "Start", '<bpmn:startEvent id="Start"'),
    ({"end_id": "End"}, "End", '<bpmn:endEvent id="End"'),
    ({"task_id": "End"}, "End", '<bpmn:userTask id="End"'),
])
def test_reserved_element_id_is_refused_naming_element_and_line(kwargs: dict[str, str], element: str,
                                                                  needle: str) -> None:
    text = diagram(**kwargs)
    problem = only(refusal(text))
    assert problem["element"] == element
    assert problem["line"] == line_of(text, needle)
    assert "reserved" in problem["message"] and element in problem["message"]


def test_both_reserved_ids_are_named_at_once() -> None:
    problems = refusal(diagram(start_id="Start", end_id="End"))
    assert [p["element"] for p in problems] == ["Start", "End"]


def test_ids_that_merely_begin_with_start_or_end_are_fine() -> None:
    definition = load_definition(diagram(start_id="StartEvent_1", end_id="EndEvent_1").encode(), "t.bpmn")
    assert set(definition.user_tasks) == {"Task_check"}
