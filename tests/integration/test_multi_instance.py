"""A multi-instance task over the agencies to consult (R8.2): one task per agency, each in the queue of
the agency its instance names (`agency_variable`), each with its sub-deadline; the workflow goes on
once every agency has answered. The test-run shows the same instances."""
from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import load_config
from engine.calendar import WorkCalendar
from engine.definitions import load_definition
from handlers.default import default_registry
from models import Agency, UserTask
from processes.definitions.deploy import deploy_paths
from processes.definitions.simulation import simulate
from processes.desk.workbench import task_queue
from processes.dossier.dossiers import get_dossier
from tests.integration.test_workbench import ALL_OK, page_complete
from tests.workbench_support import COORDINATION_BPMN, submit_coordination, task_of

JUSTICE = "000.00.05.H34"  # Sở Tư pháp: its specialist is specialist_tp in the demo data
POLICE = "000.00.90.H34"
CALENDAR = WorkCalendar.from_config(load_config({})["calendar"])
MONDAY = datetime.fromisoformat("2026-03-02T08:00:00+07:00")

CONSULT = '    <bpmn:userTask id="Task_consult_police" '
SCRIPT = ('    <bpmn:scriptTask id="Script_consulted" name="Chọn cơ quan phối hợp">'
          '<bpmn:script>consulted = ["police", "justice"]</bpmn:script></bpmn:scriptTask>\n'
          '    <bpmn:sequenceFlow id="Flow_5b" sourceRef="Script_consulted" targetRef="Task_consult_police" />\n')
STATIC = '<camunda:property name="agency" value="police" />'
PER_INSTANCE = '<camunda:property name="agency_variable" value="agency_key" />'
LOOP = """      <bpmn:incoming>Flow_5</bpmn:incoming><bpmn:outgoing>Flow_6</bpmn:outgoing>
    </bpmn:userTask>"""
PARALLEL = """      <bpmn:incoming>Flow_5b</bpmn:incoming><bpmn:outgoing>Flow_6</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics camunda:collection="consulted" camunda:elementVariable="agency_key" />
    </bpmn:userTask>"""
FLOW_5 = '<bpmn:sequenceFlow id="Flow_5" sourceRef="Task_specialist_review" targetRef="Task_consult_police" />'


def consulting_two(folder: Path) -> Path:
    text = COORDINATION_BPMN.read_text(encoding="utf-8")
    for old, new in ((CONSULT, SCRIPT + CONSULT), (STATIC, PER_INSTANCE), (LOOP, PARALLEL),
                     ('name="Ý kiến phối hợp của Công an tỉnh"', 'name="Ý kiến phối hợp"'),
                     (FLOW_5, FLOW_5.replace('targetRef="Task_consult_police"', 'targetRef="Script_consulted"'))):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / COORDINATION_BPMN.name
    path.write_text(text, encoding="utf-8")
    side = COORDINATION_BPMN.with_suffix(".toml").read_text(encoding="utf-8")
    path.with_suffix(".toml").write_text(side.replace('police = "000.00.90.H34"',
                                                      f'police = "{POLICE}"\njustice = "{JUSTICE}"'),
                                         encoding="utf-8")
    return path


def test_each_consulted_agency_answers_its_own_instance_in_its_own_queue(services: Services, tmp_path: Path) -> None:
    [outcome] = deploy_paths(services, "admin", [consulting_two(tmp_path)])
    assert outcome.ok, [str(p) for p in outcome.problems]
    code = submit_coordination(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "approve"})
    with services.session_factory() as s:
        rows = s.execute(sa.select(Agency.code, UserTask.element_id).join(Agency, Agency.id == UserTask.agency_id)
                         .where(UserTask.completed_at.is_(None))).all()
    assert sorted(rows) == [(JUSTICE, "Task_consult_police"), (POLICE, "Task_consult_police")]
    police, justice = task_of(services, "specialist_ca", code), task_of(services, "specialist_tp", code)
    assert police["id"] != justice["id"] and police["due_at"] == justice["due_at"]  # 2 working days each
    page_complete(services, "specialist_ca", code, {"police_opinion": "agree"})
    assert [t for t in task_queue(services, "leader", "group").items if t["dossier"] == code] == []  # one still out
    page_complete(services, "specialist_tp", code, {"police_opinion": "agree"})
    task_of(services, "leader", code)  # both answered: the workflow goes on
    assert get_dossier(services, "citizen", code)["status_code"] == 4


def test_the_test_run_shows_one_step_per_consulted_agency(tmp_path: Path) -> None:
    path = consulting_two(tmp_path)
    catalogue = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
    definition = load_definition(path.read_bytes(), path.name, process_id=catalogue["process_id"])
    result = simulate(definition, catalogue, CALENDAR, default_registry(), MONDAY, {})
    assert result.ended, (result.stopped_at, result.reason)
    consults = [s.name for s in result.steps if s.element_id == "Task_consult_police"]
    assert consults == ["Ý kiến phối hợp [police]", "Ý kiến phối hợp [justice]"]


def test_a_sequential_multi_instance_asks_one_agency_after_the_other(tmp_path: Path) -> None:
    path = consulting_two(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "<bpmn:multiInstanceLoopCharacteristics ", '<bpmn:multiInstanceLoopCharacteristics isSequential="true" '),
        encoding="utf-8")
    catalogue = tomllib.loads(path.with_suffix(".toml").read_text(encoding="utf-8"))
    definition = load_definition(path.read_bytes(), path.name, process_id=catalogue["process_id"])
    result = simulate(definition, catalogue, CALENDAR, default_registry(), MONDAY, {})
    assert result.ended
    assert [s.name for s in result.steps if s.element_id == "Task_consult_police"] == [
        "Ý kiến phối hợp [police]", "Ý kiến phối hợp [justice]"]
