"""The checking an analyst relies on tells the whole truth: every problem of a diagram at once, each at
its element and line, in words an analyst understands (never the workflow library's own text)."""
from __future__ import annotations

import re

import pytest

from engine.definitions import analyst_words, load_definition
from engine.problems import DiagramRefused

PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+|-): (?P<element>\S+): (?P<message>.+)$")
LIBRARY_WORDS = ("Expected 1 result", "perhaps a form", "SubWorkflow", "task spec", "Received")

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_s" targetNamespace="http://motcua.test/s">
"""


def diagram(body: str, declarations: str = "") -> str:
    return f"""{HEAD}{declarations}  <bpmn:process id="thu_tuc" isExecutable="true">
{body}
  </bpmn:process>
</bpmn:definitions>
"""


def problems_of(text: str) -> list[tuple[int, str, str]]:
    """(line, element, message) of each problem line the refused diagram prints."""
    with pytest.raises(DiagramRefused) as caught:
        load_definition(text.encode("utf-8"), "thu_tuc.bpmn")
    found = []
    for line in str(caught.value).splitlines():
        match = PROBLEM_LINE.match(line)
        assert match, f"not a problem line: {line!r}"
        assert not any(words in match["message"] for words in LIBRARY_WORDS), line
        found.append((int(match["line"]) if match["line"] != "-" else 0, match["element"], match["message"]))
    return found


def line_of(text: str, needle: str) -> int:
    return text.count("\n", 0, text.index(needle)) + 1


LEADER_DEAD_END = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_check" />
    <bpmn:userTask id="Task_check" name="Kiểm tra" camunda:candidateGroups="specialist" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_check" targetRef="Task_sign" />
    <bpmn:userTask id="Task_sign" name="Lãnh đạo ký" camunda:candidateGroups="leader" />
    <bpmn:endEvent id="EndEvent_1" />""")


def test_a_leader_task_with_no_outgoing_flow_is_a_dead_end() -> None:
    found = problems_of(LEADER_DEAD_END)
    sign = line_of(LEADER_DEAD_END, 'id="Task_sign"')
    assert (sign, "Task_sign") in [(line, element) for line, element, _ in found]
    message = next(m for line, e, m in found if e == "Task_sign")
    assert message.startswith("dead end: nothing leaves this user task")
    # The end event nothing leads to is said too: the two problems are one mistake seen from both sides.
    end = next(m for line, e, m in found if e == "EndEvent_1")
    assert end.startswith("unreachable: no flow leads to this end event")


def test_a_gateway_with_no_outgoing_flow_is_a_dead_end() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" />
    <bpmn:endEvent id="EndEvent_1" />""")
    found = problems_of(text)
    assert (line_of(text, 'id="Gateway_1"'), "Gateway_1",
            "dead end: nothing leaves this gateway, so a dossier that reaches it can never finish; draw a flow "
            "from it to the next step or to an end event") in found


def test_a_user_task_with_no_lane_and_no_candidate_group_nobody_can_claim() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_orphan" />
    <bpmn:userTask id="Task_orphan" name="Xử lý" camunda:candidateGroups="ke_toan" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_orphan" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />""")
    [(line, element, message)] = problems_of(text)
    assert (line, element) == (line_of(text, 'id="Task_orphan"'), "Task_orphan")
    assert message.startswith("user task has no role, so nobody can claim it")
    assert "reception, specialist, leader" in message


def test_a_flow_to_a_missing_task_is_named_at_the_flow_not_as_the_library_s_duplicate_id_guess() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_gone" />
    <bpmn:endEvent id="EndEvent_1" />""")
    found = problems_of(text)
    assert (line_of(text, 'id="f1"'), "f1",
            "this flow leads to 'Task_gone', which is not an element of this process (deleted, renamed or drawn "
            "in another pool); connect it to an existing element or delete the flow") in found


def test_an_event_using_an_undeclared_message_is_said_plainly() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Catch_answer" />
    <bpmn:intermediateCatchEvent id="Catch_answer">
      <bpmn:messageEventDefinition id="Def_1" messageRef="Message_nowhere" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Catch_answer" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />""")
    [(line, element, message)] = problems_of(text)
    assert (line, element) == (line_of(text, 'id="Def_1"'), "Catch_answer")
    assert message.startswith("this event uses the message 'Message_nowhere', which the diagram does not declare")


def test_a_gateway_whose_conditions_may_all_be_false_needs_a_default() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="Gateway_1" targetRef="EndEvent_1">
      <bpmn:conditionExpression>approved == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="Gateway_1" targetRef="EndEvent_1">
      <bpmn:conditionExpression>approved == False</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="EndEvent_1" />""")
    [(line, element, message)] = problems_of(text)
    assert (line, element) == (line_of(text, 'id="Gateway_1"'), "Gateway_1")
    assert message.startswith("this gateway has no default flow: when none of its conditions holds")
    fixed = text.replace('<bpmn:exclusiveGateway id="Gateway_1" />',
                         '<bpmn:exclusiveGateway id="Gateway_1" default="f_no" />')
    assert load_definition(fixed.encode(), "thu_tuc.bpmn").process_id == "thu_tuc"


def test_a_loop_with_no_way_out_is_named_and_a_dead_end_is_not_said_twice() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_draft" />
    <bpmn:userTask id="Task_draft" camunda:candidateGroups="specialist" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_draft" targetRef="Task_review" />
    <bpmn:userTask id="Task_review" camunda:candidateGroups="leader" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_review" targetRef="Task_draft" />
    <bpmn:endEvent id="EndEvent_1" />""")
    found = problems_of(text)
    loop = {element for _, element, message in found if message.startswith("no path from this user task leads")}
    assert loop == {"Task_draft", "Task_review"}
    # Upstream of a dead end: the dead end explains it, nothing more is said.
    assert not [m for _, e, m in problems_of(LEADER_DEAD_END) if m.startswith("no path from")]


def test_a_condition_reading_a_field_nobody_sets_is_a_warning_not_a_refusal() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_decide" />
    <bpmn:userTask id="Task_decide" camunda:candidateGroups="leader">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="leader_decision" label="Quyết định" type="string" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_decide" targetRef="Script_note" />
    <bpmn:scriptTask id="Script_note"><bpmn:script>noted = len(documents) > 0</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="Script_note" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="f_no" />
    <bpmn:sequenceFlow id="f_yes" sourceRef="Gateway_1" targetRef="EndEvent_1">
      <bpmn:conditionExpression>leader_desicion == "sign" and noted and complete and any(x for x in [1])
      </bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_no" sourceRef="Gateway_1" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />""")
    definition = load_definition(text.encode(), "thu_tuc.bpmn", known_variables={"documents", "complete"})
    assert [(w.line, w.element_id) for w in definition.warnings] == [(line_of(text, "leader_desicion"), "f_yes")]
    assert definition.warnings[0].message.startswith("the condition reads 'leader_desicion', which no form field")
    assert load_definition(text.encode(), "thu_tuc.bpmn").warnings == []  # nothing known: not judged


def test_an_element_no_flow_leads_to_is_unreachable() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="EndEvent_1" />
    <bpmn:userTask id="Task_island" camunda:candidateGroups="reception" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_island" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />""")
    [(line, element, message)] = problems_of(text)
    assert (line, element) == (line_of(text, 'id="Task_island"'), "Task_island")
    assert message.startswith("unreachable: no flow leads to this user task")


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_a" />
    <bpmn:userTask id="Task_a" />
    <bpmn:sequenceFlow id="f2" sourceRef="Task_a" targetRef="Task_missing" />
    <bpmn:serviceTask id="Service_b" />
    <bpmn:sequenceFlow id="f3" sourceRef="Service_b" targetRef="EndEvent_1">
      <bpmn:conditionExpression>${approved}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:endEvent id="EndEvent_1" />""")
    found = problems_of(text)
    elements = [element for _, element, _ in found]
    # role, missing target, unreachable service task and its JUEL condition: four mistakes, all named
    assert {"Task_a", "f2", "Service_b", "f3"} <= set(elements)
    assert [line for line, _, _ in found] == sorted(line for line, _, _ in found)


def test_compensation_handlers_event_subprocesses_boundary_and_link_events_are_not_dead_ends() -> None:
    text = diagram("""    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Throw_link" />
    <bpmn:intermediateThrowEvent id="Throw_link"><bpmn:linkEventDefinition id="L1" name="jump" />
    </bpmn:intermediateThrowEvent>
    <bpmn:intermediateCatchEvent id="Catch_link"><bpmn:linkEventDefinition id="L2" name="jump" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="Catch_link" targetRef="Task_work" />
    <bpmn:userTask id="Task_work" camunda:candidateGroups="specialist" />
    <bpmn:sequenceFlow id="f3" sourceRef="Task_work" targetRef="EndEvent_1" />
    <bpmn:boundaryEvent id="Boundary_1" attachedToRef="Task_work">
      <bpmn:compensateEventDefinition id="C1" />
    </bpmn:boundaryEvent>
    <bpmn:serviceTask id="Service_undo" isForCompensation="true" camunda:type="external" camunda:topic="t" />
    <bpmn:endEvent id="EndEvent_1" />
    <bpmn:association id="A1" associationDirection="One" sourceRef="Boundary_1" targetRef="Service_undo" />""")
    from engine.structure import structure_problems
    from engine.xml_safety import parse_xml
    tree = parse_xml(text.encode(), "x.bpmn")
    found, blocking = structure_problems(tree, "x.bpmn", ("reception", "specialist", "leader"), {})
    assert not blocking
    assert [str(p) for p in found] == []


@pytest.mark.parametrize("library, words", [
    ("Expected 1 result. Received 0 results.", "missing or declared twice"),
    ("When looking for a task spec, we found two items, perhaps a form has the same ID? (Task_x)",
     "a flow leads to 'Task_x', which is not an element of this process"),
    ("Exactly one start event is required in a SubWorkflow Task; found 2.",
     "a sub-process needs exactly one start event; this one has 2"),
    ("Multiple outgoing flows are not supported for tasks of type", "put a gateway after it"),
])
def test_the_library_s_words_become_an_analyst_s(library: str, words: str) -> None:
    assert words in analyst_words(library)
    assert analyst_words("something nobody mapped") == "something nobody mapped"
