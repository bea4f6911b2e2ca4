"""The test-run of a diagram (`motcua simulate`): every shipped diagram reaches an end event with its default
(affirmative) decisions, and its refusal paths with the decisions an officer would take; the statuses and
due instants it prints are the ones the working-day calendar gives. No database."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.config import PROJECT_ROOT, load_config
from engine.calendar import WorkCalendar
from engine.definitions import Definition, load_definition
from handlers.default import default_registry
from handlers.reception import FORWARD_LIMIT_HOURS
from models.status import DossierStatus
from processes.definitions.simulation import Simulation, explore, parse_decisions, simulate

SHIPPED = sorted((PROJECT_ROOT / "bpmn_diagrams").glob("*.bpmn"))
CALENDAR = WorkCalendar.from_config(load_config({})["calendar"])
MONDAY = datetime.fromisoformat("2026-03-02T08:00:00+07:00")  # a working Monday morning
HANDLERS = default_registry()


def shipped(path: Path) -> tuple[Definition, dict[str, Any]]:
    catalogue = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
    return load_definition(path.read_bytes(), path.name, process_id=catalogue["process_id"]), catalogue


def run(path: Path, *decide: str, at: datetime = MONDAY) -> Simulation:
    definition, catalogue = shipped(path)
    return simulate(definition, catalogue, CALENDAR, HANDLERS, at, parse_decisions(decide))


def choices(path: Path) -> dict[str, set[str]]:
    """Form field id -> its options, over the user tasks of the diagram."""
    definition, _ = shipped(path)
    return {f.id: {o.id for o in f.options} for info in definition.user_tasks.values()
            for f in info.form if f.type == "enum"}


def test_there_are_shipped_diagrams_to_run() -> None:
    assert len(SHIPPED) >= 11


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_diagram_reaches_its_end_with_the_default_decisions(path: Path) -> None:
    result = run(path)
    assert result.ended, (result.stopped_at, result.reason)
    assert result.status_code == DossierStatus.RESULT_RETURNED
    statuses = [s.status_code for s in result.steps]
    # The dossier is accepted before anything is finished, finished before it is handed over.
    assert statuses.index(DossierStatus.ACCEPTED) < statuses.index(DossierStatus.PROCESSING_FINISHED)
    assert statuses.index(DossierStatus.PROCESSING_FINISHED) < statuses.index(DossierStatus.RESULT_RETURNED)
    assert result.steps[-1].kind == "end" and result.steps[-1].element_id == result.end_event
    kinds = [s.kind for s in result.steps]
    assert kinds[0] == "start" and "task" in kinds and "service" in kinds
    notices = [n for s in result.steps for n in s.notices]
    assert any("(mẫu 01)" in n for n in notices)  # the receipt with the appointment


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_appointment_is_the_calendar_s_due_instant(path: Path) -> None:
    _, catalogue = shipped(path)
    result = run(path)
    expected = CALENDAR.due(MONDAY, float(catalogue["processing_time_days"]), bool(catalogue.get("same_day")))
    assert result.due_at == expected
    accept = next(s for s in result.steps if s.kind == "service" and s.status_code == DossierStatus.ACCEPTED)
    assert accept.at == MONDAY
    # A task with no limit of its own is due at the appointment; the reception check by its forward
    # limit, half a working day (R14.4); a consulted agency's task by its own working days.
    definition, _ = shipped(path)
    for step in result.steps:
        if step.kind != "task" or step.due_at is None:
            continue
        props = definition.user_tasks[step.element_id].properties
        if props.get("due_days"):
            assert step.due_at == CALENDAR.add_working_days(step.at, float(props["due_days"]))
        elif props.get("due"):
            assert step.due_at == CALENDAR.add_working_hours(step.at, FORWARD_LIMIT_HOURS)
        else:
            assert step.due_at == expected


def test_a_dossier_received_on_friday_afternoon_is_due_after_the_weekend() -> None:
    friday = datetime.fromisoformat("2026-03-06T16:00:00+07:00")
    path = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"
    _, catalogue = shipped(path)
    result = run(path, at=friday)
    assert result.due_at == CALENDAR.due(friday, float(catalogue["processing_time_days"]))
    days = float(catalogue["processing_time_days"])
    assert result.due_at is not None and result.due_at - friday > timedelta(days=days)
    assert result.due_at.weekday() < 5


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_refused_at_reception_ends_not_accepted_with_the_refusal_notice(path: Path) -> None:
    assert "refuse" in choices(path)["reception_decision"]
    result = run(path, "reception_decision=refuse")
    assert result.ended, (result.stopped_at, result.reason)
    assert result.status_code == DossierStatus.NOT_ACCEPTED
    assert result.due_at is None  # never accepted: no appointment
    assert any("(mẫu 03)" in n for s in result.steps for n in s.notices)
    assert result.unused_decisions == {}


REFUSING_SPECIALISTS = [p for p in SHIPPED if "refuse" in choices(p).get("specialist_proposal", set())]


@pytest.mark.parametrize("path", REFUSING_SPECIALISTS, ids=lambda p: p.stem)
def test_refused_after_review_ends_with_processing_stopped(path: Path) -> None:
    result = run(path, "specialist_proposal=refuse")
    assert result.ended, (result.stopped_at, result.reason)
    assert result.status_code == DossierStatus.PROCESSING_STOPPED
    assert any("(mẫu 03)" in n for s in result.steps for n in s.notices)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_supplement_round_pauses_then_resumes_and_still_ends(path: Path) -> None:
    result = run(path, "reception_decision=supplement")
    assert result.ended, (result.stopped_at, result.reason)
    statuses = [s.status_code for s in result.steps]
    assert DossierStatus.SUPPLEMENT_REQUESTED in statuses
    assert [s.element_id for s in result.steps if s.kind == "message"] == ["supplement_received"]
    assert sum(1 for s in result.steps if s.element_id == "Task_reception_check") == 2
    assert result.status_code == DossierStatus.RESULT_RETURNED


def test_a_decision_may_name_the_user_task_and_is_used_once_per_time_given() -> None:
    path = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_khai_sinh.bpmn"
    result = run(path, "Task_reception_check=supplement", "Task_reception_check=supplement")
    checks = [s.values["reception_decision"] for s in result.steps if s.element_id == "Task_reception_check"]
    assert checks == ["supplement", "supplement", "accept"]
    assert result.ended


def test_a_decision_nobody_asks_for_is_reported() -> None:
    result = run(PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_khai_sinh.bpmn", "no_such_field=x")
    assert result.ended
    assert result.unused_decisions == {"no_such_field": ["x"]}


LOOP = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_l" targetNamespace="http://motcua.test/l">
  <bpmn:process id="vong" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="Task_review" />
    <bpmn:userTask id="Task_review" name="Xem xét" camunda:candidateGroups="specialist">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="again" label="Làm lại" type="boolean" />
        <camunda:formField id="divisor" label="Số chia" type="long" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Task_review" targetRef="Gateway_1" />
    <bpmn:exclusiveGateway id="Gateway_1" default="f_done" />
    <bpmn:sequenceFlow id="f_again" sourceRef="Gateway_1" targetRef="Task_review">
      <bpmn:conditionExpression>again == True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_done" sourceRef="Gateway_1" targetRef="Script_divide" />
    <bpmn:scriptTask id="Script_divide" name="Chia"><bpmn:script>share = 10 // divisor</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="Script_divide" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" />
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_loop_the_defaults_never_leave_stops_with_the_element_and_the_reason() -> None:
    definition = load_definition(LOOP.encode(), "vong.bpmn")
    result = simulate(definition, None, CALENDAR, HANDLERS, MONDAY, {})
    assert not result.ended
    assert result.stopped_at == "Task_review"
    assert "loop" in (result.reason or "")
    # Leaving the loop once is enough: the refusal of the loop is a decision like any other.
    assert simulate(definition, None, CALENDAR, HANDLERS, MONDAY, {"again": ["false"]}).ended


def test_a_step_that_fails_stops_the_run_there_naming_it() -> None:
    definition = load_definition(LOOP.encode(), "vong.bpmn")
    result = simulate(definition, None, CALENDAR, HANDLERS, MONDAY, {"again": ["false"], "divisor": ["0"]})
    assert not result.ended
    assert result.stopped_at == "Script_divide"
    assert result.reason


def test_a_bad_decision_pair_is_refused() -> None:
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_decisions(["reception_decision"])


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_option_in_turn_of_every_shipped_diagram_reaches_an_end_event(path: Path) -> None:
    definition, catalogue = shipped(path)
    runs = explore(definition, catalogue, CALENDAR, HANDLERS, MONDAY)
    options = {(f.id, o.id) for info in definition.user_tasks.values() for f in info.form if f.type == "enum"
               for o in f.options[1:]}
    assert runs[0][0] == ""  # the defaults first
    assert sorted(d for d, _ in runs[1:]) == sorted(f"{f}={o}" for f, o in options)
    stopped = {d: (r.stopped_at, r.reason) for d, r in runs if not r.ended}
    assert stopped == {}
    assert {r.status_code for _, r in runs} >= {DossierStatus.RESULT_RETURNED, DossierStatus.NOT_ACCEPTED}
