"""A procedure diagram is deployed only when it is safe and complete; otherwise every problem is named
as ``PATH:LINE: ELEMENT_ID: MESSAGE`` so the analyst can go straight to it."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from lxml import etree

from engine.definitions import Definition, load_definition
from engine.forms import FormField, Option
from engine.problems import DiagramRefused, Problem
from engine.xml_safety import MAX_DIAGRAM_BYTES, parse_xml, safe_parser

DIAGRAMS = Path(__file__).parent / "diagrams"
MIWG = sorted((Path(__file__).parents[1] / "conformance" / "miwg").glob("*.bpmn"))
MINI = (DIAGRAMS / "mini.bpmn").read_text(encoding="utf-8")
CALL = (DIAGRAMS / "call_activity.bpmn").read_text(encoding="utf-8")
PROBLEM_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+|-): (?P<element>\S+): (?P<message>.+)$")


def load(name: str, **kwargs: object) -> Definition:
    return load_definition((DIAGRAMS / name).read_bytes(), name, **kwargs)  # type: ignore[arg-type]


def refusal(text: str | bytes, path: str = "thu_tuc.bpmn", **kwargs: object) -> list[dict[str, str]]:
    """The problem lines a refused diagram prints, split into their parts."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(DiagramRefused) as caught:
        load_definition(data, path, **kwargs)  # type: ignore[arg-type]
    lines = str(caught.value).splitlines()
    assert len(lines) == len(caught.value.problems)
    parts = []
    for line in lines:
        match = PROBLEM_LINE.match(line)
        assert match, f"not a problem line: {line!r}"
        assert match["path"] == path
        parts.append(match.groupdict())
    return parts


def only(problems: list[dict[str, str]]) -> dict[str, str]:
    assert len(problems) == 1, problems
    return problems[0]


def line_of(text: str, needle: str) -> str:
    """The 1-based line on which ``needle`` first appears, as the problem line prints it."""
    index = text.index(needle)
    return str(text.count("\n", 0, index) + 1)


def with_task(task_xml: str) -> str:
    """A one-process diagram whose only activity is ``task_xml`` (an element with id="Activity")."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_t" targetNamespace="http://motcua.test/t">
  <bpmn:process id="thu_tuc" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Activity" />
    {task_xml}
    <bpmn:sequenceFlow id="f2" sourceRef="Activity" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


# --- what a deployable diagram tells the system -------------------------------------------------

def test_mini_diagram_names_its_process() -> None:
    definition = load("mini.bpmn")
    assert definition.process_id == "mini"
    assert definition.name == "Thủ tục thử"
    assert definition.subprocess_specs == {}


def test_each_user_task_takes_its_role_from_its_lane() -> None:
    tasks = load("mini.bpmn").user_tasks
    assert {element: info.role for element, info in tasks.items()} == {"Task_check": "reception",
                                                                        "Task_approve": "leader"}
    assert tasks["Task_check"].name == "Kiểm tra hồ sơ"


def test_candidate_groups_win_over_the_lane() -> None:
    text = MINI.replace('<bpmn:userTask id="Task_check" name="Kiểm tra hồ sơ">',
                        '<bpmn:userTask id="Task_check" name="Kiểm tra hồ sơ" '
                        'camunda:candidateGroups="leader">')
    definition = load_definition(text.encode(), "mini.bpmn")
    assert definition.user_tasks["Task_check"].role == "leader"


def test_candidate_groups_that_are_no_role_fall_back_to_the_lane() -> None:
    text = MINI.replace('<bpmn:userTask id="Task_check" name="Kiểm tra hồ sơ">',
                        '<bpmn:userTask id="Task_check" name="Kiểm tra hồ sơ" '
                        'camunda:candidateGroups="clerks, accounting">')
    definition = load_definition(text.encode(), "mini.bpmn")
    assert definition.user_tasks["Task_check"].role == "reception"


def test_the_first_candidate_group_that_is_a_role_is_taken() -> None:
    text = with_task('<bpmn:userTask id="Activity" camunda:candidateGroups="clerks, specialist, leader" />')
    definition = load_definition(text.encode(), "t.bpmn")
    assert definition.user_tasks["Activity"].role == "specialist"


def test_form_fields_come_from_camunda_form_data_with_required_read_from_the_constraint() -> None:
    form = load("mini.bpmn").user_tasks["Task_check"].form
    assert form == (
        FormField("decision", "Quyết định", "enum", required=True,
                  options=(Option("accept", "Tiếp nhận"), Option("supplement", "Bổ sung"))),
        FormField("note", "Ghi chú", "string", required=False),
    )


def test_a_form_field_without_a_label_is_labelled_by_its_id() -> None:
    definition = load_definition(with_task(
        '<bpmn:userTask id="Activity" camunda:candidateGroups="specialist"><bpmn:extensionElements>'
        '<camunda:formData><camunda:formField id="copies" type="long" /></camunda:formData>'
        '</bpmn:extensionElements></bpmn:userTask>').encode(), "t.bpmn")
    assert definition.user_tasks["Activity"].form == (FormField("copies", "copies", "long"),)


def test_the_status_code_property_is_the_national_status_of_the_task() -> None:
    tasks = load("mini.bpmn").user_tasks
    assert tasks["Task_approve"].status_code == 4
    assert tasks["Task_approve"].properties == {"status_code": "4"}
    assert tasks["Task_check"].status_code is None


def test_handler_topics_are_read_from_both_dialects() -> None:
    assert load("mini.bpmn").handler_topics == {
        "Service_check": "check_completeness",  # camunda:type="external" camunda:topic
        "Service_escalate": "notify_leader_forward_overdue",  # spiffworkflow:serviceTaskOperator
    }


def test_messages_are_listed_by_name() -> None:
    assert load("mini.bpmn").messages == {"supplement_received"}


def test_the_definition_keeps_the_file_and_its_hash() -> None:
    data = (DIAGRAMS / "mini.bpmn").read_bytes()
    definition = load_definition(data, "mini.bpmn")
    assert definition.bpmn == data
    assert definition.content_hash == hashlib.sha256(data).hexdigest()


def test_a_diagram_drawn_in_the_spiff_dialect_loads_the_same_facts() -> None:
    definition = load("spiff_dialect.bpmn")
    assert definition.process_id == "spiff_flow"
    task = definition.user_tasks["Task_appraise"]
    assert (task.role, task.status_code) == ("specialist", 5)
    assert definition.handler_topics == {"Service_issue": "issue_result"}
    operator = definition.spec.task_specs["Service_issue"].extensions
    assert operator["operation_params"] == {"channel": '"post"'}


def test_a_called_process_is_loaded_with_its_caller_and_its_user_tasks_are_known() -> None:
    definition = load("call_activity.bpmn")
    assert definition.process_id == "main_procedure"  # the process nobody calls
    assert set(definition.subprocess_specs) == {"joint_review"}
    assert definition.user_tasks["Task_opinion"].role == "specialist"
    assert definition.user_tasks["Task_opinion"].form == (FormField("agreed", "Đồng ý", "boolean"),)


def test_a_process_may_be_chosen_by_id() -> None:
    assert load("call_activity.bpmn", process_id="joint_review").process_id == "joint_review"


def test_a_known_topic_is_accepted() -> None:
    definition = load("mini.bpmn", known_topics={"check_completeness", "notify_leader_forward_overdue"})
    assert set(definition.handler_topics.values()) == {"check_completeness", "notify_leader_forward_overdue"}


# --- unsafe files are refused before anything reads them -----------------------------------------

def test_malformed_xml_is_refused_with_its_line() -> None:
    problem = only(refusal('<?xml version="1.0"?>\n<definitions>\n  <open>\n</definitions>\n'))
    assert problem["line"] == "4"
    assert "not well-formed XML" in problem["message"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true"><bpmn:documentation>&lol9;</bpmn:documentation></bpmn:process>
</bpmn:definitions>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="p" isExecutable="true"><bpmn:documentation>&secret;</bpmn:documentation></bpmn:process>
</bpmn:definitions>
"""


def test_a_billion_laughs_entity_bomb_is_refused_at_its_doctype() -> None:
    problem = only(refusal(BILLION_LAUGHS))
    assert problem["line"] == "2"
    assert "DOCTYPE and ENTITY declarations are not allowed" in problem["message"]


def test_an_external_entity_is_refused_and_leaks_nothing() -> None:
    with pytest.raises(DiagramRefused) as caught:
        load_definition(XXE, "xxe.bpmn")
    text = str(caught.value)
    assert "DOCTYPE and ENTITY declarations are not allowed" in text
    assert "root:" not in text and "/bin/" not in text


def test_an_entity_declared_further_down_than_the_doctype_check_looks_is_still_refused() -> None:
    padded = XXE.replace(b"<!DOCTYPE", b"<!--" + b"x" * 5000 + b"-->\n<!DOCTYPE")
    assert "DOCTYPE and ENTITY" in only(refusal(padded))["message"]


def test_a_bare_doctype_after_four_kilobytes_of_comment_is_refused_at_its_line() -> None:
    # No ENTITY anywhere: only the parsed document shows the DOCTYPE that the first bytes hide.
    text = MINI.replace("<bpmn:definitions", "<!--" + "x" * 5000 + "-->\n<!DOCTYPE definitions>\n<bpmn:definitions", 1)
    problem = only(refusal(text))
    assert problem["line"] == line_of(text, "<!DOCTYPE")
    assert "DOCTYPE and ENTITY declarations are not allowed" in problem["message"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_doctype_in_a_utf16_diagram_is_refused_at_its_line(encoding: str) -> None:
    declared = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    data = declared.encode(encoding) if encoding == "utf-16" else "\ufeff".encode(encoding) + declared.encode(encoding)
    problem = only(refusal(data))
    assert problem["line"] == "2"
    assert "DOCTYPE and ENTITY declarations are not allowed" in problem["message"]


def test_a_doctype_written_inside_a_comment_is_only_a_comment() -> None:
    text = MINI.replace("<bpmn:definitions", "<!-- <!DOCTYPE x> <!ENTITY y 'z'> -->\n<bpmn:definitions", 1)
    assert load_definition(text.encode("utf-8"), "mini.bpmn").process_id == "mini"


def test_the_parser_itself_resolves_no_entity() -> None:
    # Belt and braces: even before the DOCTYPE refusal, the parser leaves the entity unresolved.
    data = XXE.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    root = etree.fromstring(data.encode("utf-16"), safe_parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")


def test_a_file_over_the_size_limit_is_refused_unread() -> None:
    problem = only(refusal(b" " * (MAX_DIAGRAM_BYTES + 1)))
    assert (problem["line"], problem["element"]) == ("-", "-")
    assert f"{MAX_DIAGRAM_BYTES:,}" in problem["message"]


def test_a_file_exactly_at_the_size_limit_is_read() -> None:
    tree = parse_xml(b"<a/>".ljust(100), "small.bpmn", max_bytes=100)
    assert tree.getroot().tag == "a"


# --- what makes a well-formed diagram undeployable ------------------------------------------------

def test_an_element_the_bpmn_schema_does_not_allow_is_refused_at_its_own_line() -> None:
    text = MINI.replace('<bpmn:endEvent id="End_escalated" />',
                        '<bpmn:endEvent id="End_escalated"><bpmn:bogus /></bpmn:endEvent>')
    problem = only(refusal(text))
    assert problem["line"] == line_of(text, "<bpmn:bogus")
    assert problem["element"] == "End_escalated"
    assert problem["message"].startswith("BPMN 2.0 schema: Element 'bpmn:bogus'")


def test_a_diagram_with_no_executable_process_is_refused_at_the_process() -> None:
    text = MINI.replace('isExecutable="true"', 'isExecutable="false"')
    problem = only(refusal(text))
    assert (problem["line"], problem["element"]) == (line_of(text, '<bpmn:process id="mini"'), "mini")
    assert "isExecutable" in problem["message"]


def test_a_file_without_any_process_is_refused() -> None:
    problem = only(refusal('<?xml version="1.0"?>\n<bpmn:definitions xmlns:bpmn='
                           '"http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x" />\n'))
    assert "holds no bpmn:process" in problem["message"]


def test_a_user_task_without_a_role_is_refused() -> None:
    text = with_task('<bpmn:userTask id="Activity" name="Xử lý" />')
    problem = only(refusal(text))
    assert (problem["line"], problem["element"]) == (line_of(text, 'id="Activity"'), "Activity")
    assert "user task has no role" in problem["message"]


def test_a_user_task_outside_any_role_lane_is_refused() -> None:
    text = MINI.replace("<bpmn:flowNodeRef>Task_approve</bpmn:flowNodeRef>", "")
    problem = only(refusal(text))
    assert problem["element"] == "Task_approve"
    assert "user task has no role" in problem["message"]


def test_a_service_task_without_a_topic_is_refused() -> None:
    text = with_task('<bpmn:serviceTask id="Activity" name="Gửi thư" />')
    problem = only(refusal(text))
    assert (problem["line"], problem["element"]) == (line_of(text, 'id="Activity"'), "Activity")
    assert "service task names no handler" in problem["message"]


def test_a_topic_no_handler_is_registered_for_is_refused_and_the_known_ones_listed() -> None:
    problems = refusal(MINI, known_topics={"check_completeness", "issue_result"})
    problem = only(problems)
    assert problem["element"] == "Service_escalate"
    assert problem["line"] == line_of(MINI, 'id="Service_escalate"')
    assert "'notify_leader_forward_overdue'" in problem["message"]
    assert "check_completeness, issue_result" in problem["message"]


def test_a_condition_that_tries_the_sandbox_escape_is_refused_at_deploy_time() -> None:
    text = MINI.replace('decision == "supplement"', "().__class__.__base__.__subclasses__()")
    problem = only(refusal(text))
    assert problem["element"] == "f_supp"
    assert problem["line"] == line_of(text, "<bpmn:conditionExpression")
    assert "condition expression" in problem["message"] and "refused" in problem["message"]


def test_a_timer_expression_that_imports_is_refused_at_deploy_time() -> None:
    text = MINI.replace(">forward_due<", ">__import__('os')<")
    problem = only(refusal(text))
    assert (problem["element"], problem["line"]) == ("TimerDef_1", line_of(text, "<bpmn:timeDate"))
    assert "timer expression" in problem["message"]


def test_a_script_that_reaches_for_dunders_is_refused_at_deploy_time() -> None:
    text = MINI.replace('result = "ok-" + decision', "result = decision.__class__")
    problem = only(refusal(text))
    assert (problem["element"], problem["line"]) == ("Script_done", line_of(text, "<bpmn:script>"))
    assert "script expression" in problem["message"]


def test_a_juel_condition_is_refused_with_the_python_way_to_write_it() -> None:
    text = MINI.replace('decision == "supplement"', "${approved}")
    problem = only(refusal(text))
    assert (problem["element"], problem["line"]) == ("f_supp", line_of(text, "<bpmn:conditionExpression"))
    assert "JUEL" in problem["message"] and "approved == True" in problem["message"]


def test_an_empty_timer_is_refused() -> None:
    text = MINI.replace(">forward_due<", "><")
    problem = only(refusal(text))
    assert (problem["element"], problem["message"]) == ("TimerDef_1", "empty timer expression")


def test_a_call_activity_to_a_process_not_in_the_file_is_refused_at_the_call() -> None:
    text = CALL.replace('calledElement="joint_review"', 'calledElement="nowhere"')
    problem = only(refusal(text))
    assert (problem["element"], problem["line"]) == ("Call_review", line_of(text, 'id="Call_review"'))
    assert "'nowhere'" in problem["message"]


def test_a_status_code_outside_the_national_statuses_is_refused() -> None:
    text = MINI.replace('name="status_code" value="4"', 'name="status_code" value="42"')
    problem = only(refusal(text))
    assert problem["element"] == "Task_approve"
    assert "status_code '42'" in problem["message"]


def test_a_form_field_of_an_unsupported_type_is_refused() -> None:
    text = MINI.replace('id="note" label="Ghi chú" type="string"', 'id="note" label="Ghi chú" type="custom"')
    problem = only(refusal(text))
    assert problem["element"] == "Task_check"
    assert "'note'" in problem["message"] and "'custom'" in problem["message"]


def test_asking_for_a_process_the_file_does_not_run_is_refused() -> None:
    problem = only(refusal(MINI, process_id="other"))
    assert problem["element"] == "other"
    assert "executable: mini" in problem["message"]


def test_two_processes_nobody_calls_need_the_catalogue_to_name_one() -> None:
    text = CALL.replace('<bpmn:callActivity id="Call_review" name="Thẩm định liên ngành" '
                        'calledElement="joint_review" />',
                        '<bpmn:task id="Call_review" name="Thẩm định liên ngành" />')
    assert "must name one as process_id" in only(refusal(text))["message"]


def test_every_problem_of_a_diagram_is_reported_together() -> None:
    text = (MINI.replace("<bpmn:flowNodeRef>Task_approve</bpmn:flowNodeRef>", "")
            .replace('decision == "supplement"', "${approved}"))
    problems = refusal(text, known_topics={"check_completeness"})
    assert {p["element"] for p in problems} == {"Task_approve", "Service_escalate", "f_supp"}


# --- problem lines ---------------------------------------------------------------------------------

def test_a_problem_prints_unknown_parts_as_a_dash() -> None:
    assert str(Problem("a.bpmn", None, None, "bad")) == "a.bpmn:-: -: bad"


def test_a_problem_always_prints_on_one_line() -> None:
    problem = Problem("a.bpmn", 7, "Task_1", "first\n  second\tthird")
    assert str(problem) == "a.bpmn:7: Task_1: first second third"


# --- the MIWG reference models: each loads or is refused cleanly -------------------------------------

def test_all_twenty_one_miwg_reference_models_are_present() -> None:
    assert len(MIWG) == 21


@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_a_miwg_reference_model_loads_or_is_refused_with_problem_lines(path: Path) -> None:
    name = f"miwg/{path.name}"
    try:
        definition = load_definition(path.read_bytes(), name)
    except DiagramRefused as refused:
        assert refused.problems
        for line in str(refused).splitlines():
            assert line.startswith(f"{name}:"), line
            assert PROBLEM_LINE.match(line), line
    else:
        assert definition.process_id
