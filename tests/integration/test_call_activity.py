"""A call activity to the published process of another procedure: resolved by process id when the caller
is deployed, frozen into that version (a running dossier keeps the sub-process it started with), its user
tasks in the right queues; a caller whose called process nobody publishes is refused, naming it."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.definitions import load_definition
from models import Procedure, ProcessDefinition
from processes.definitions.deploy import deploy_paths
from processes.definitions.simulation import simulate
from processes.definitions.versions import published_library
from processes.dossier.dossiers import get_dossier
from tests.integration.test_workbench import ALL_OK, page_complete
from tests.workbench_support import COORD, COORDINATION_BPMN, submit_coordination, task_of

CALLEE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="Definitions_ykien" targetNamespace="http://motcua.test/ykien">
  <bpmn:process id="y_kien_cong_an" name="Lấy ý kiến Công an tỉnh" isExecutable="true">
    <bpmn:startEvent id="StartEvent_ask" />
    <bpmn:sequenceFlow id="Flow_a" sourceRef="StartEvent_ask" targetRef="Task_police_opinion" />
    <bpmn:userTask id="Task_police_opinion" name="{name}" camunda:candidateGroups="specialist">
      <bpmn:extensionElements>
        <camunda:properties><camunda:property name="agency" value="police" /></camunda:properties>
        <camunda:formData>
          <camunda:formField id="police_opinion" label="Ý kiến" type="enum">
            <camunda:value id="agree" name="Thống nhất" />
            <camunda:value id="disagree" name="Không thống nhất" />
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="Flow_b" sourceRef="Task_police_opinion" targetRef="EndEvent_answered" />
    <bpmn:endEvent id="EndEvent_answered" />
  </bpmn:process>
</bpmn:definitions>
"""
CALL = ('<bpmn:callActivity id="Call_police" name="Lấy ý kiến Công an tỉnh" calledElement="y_kien_cong_an">'
        '<bpmn:incoming>Flow_5</bpmn:incoming><bpmn:outgoing>Flow_6</bpmn:outgoing></bpmn:callActivity>')


def write(folder: Path, task_name: str = "Ý kiến của Công an tỉnh") -> tuple[Path, Path]:
    """The called procedure and the caller (the coordination procedure, its consultation now a call)."""
    folder.mkdir(parents=True, exist_ok=True)
    side = COORDINATION_BPMN.with_suffix(".toml").read_text(encoding="utf-8")
    callee = folder / "y_kien_cong_an.bpmn"
    callee.write_text(CALLEE.replace("{name}", task_name), encoding="utf-8")
    callee.with_suffix(".toml").write_text(
        side.replace(f'code = "{COORD}"', 'code = "TEST.YKIEN"')
            .replace('process_id = "phoi_hop_thu_nghiem"', 'process_id = "y_kien_cong_an"'), encoding="utf-8")
    text = COORDINATION_BPMN.read_text(encoding="utf-8")
    text, n = re.subn(r'<bpmn:userTask id="Task_consult_police".*?</bpmn:userTask>', CALL, text, flags=re.S)
    assert n == 1
    text = text.replace('targetRef="Task_consult_police"', 'targetRef="Call_police"').replace(
        'sourceRef="Task_consult_police"', 'sourceRef="Call_police"')
    caller = folder / COORDINATION_BPMN.name
    caller.write_text(text, encoding="utf-8")
    caller.with_suffix(".toml").write_text(side, encoding="utf-8")
    return callee, caller


def test_a_caller_is_refused_until_the_called_process_is_published_then_runs_it(
        services: Services, tmp_path: Path) -> None:
    callee, caller = write(tmp_path / "v1")
    [refused] = deploy_paths(services, "admin", [caller])
    assert [p.element_id for p in refused.problems] == ["Call_police"]
    assert "calls process 'y_kien_cong_an'" in refused.problems[0].message
    assert "nor the process of a published procedure" in refused.problems[0].message
    assert deploy_paths(services, "admin", [callee])[0].ok
    [deployed] = deploy_paths(services, "admin", [caller])
    assert deployed.ok, [str(p) for p in deployed.problems]
    with services.session_factory() as s:
        called = s.scalar(sa.select(ProcessDefinition.called).join(
            Procedure, Procedure.current_definition_id == ProcessDefinition.id).where(Procedure.code == COORD))
    assert set(called) == {"y_kien_cong_an"} and 'id="Task_police_opinion"' in called["y_kien_cong_an"]["bpmn"]

    code = submit_coordination(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "approve"})
    consult = task_of(services, "specialist_ca", code)  # the called process's task, in the police's queue
    assert consult["name"] == "Task_police_opinion"

    # A new version of the called process: the running dossier keeps the one its version froze ...
    callee_v2, caller_v2 = write(tmp_path / "v2", task_name="Ý kiến của Công an (mẫu mới)")
    assert deploy_paths(services, "admin", [callee_v2])[0].ok
    page_complete(services, "specialist_ca", code, {"police_opinion": "agree"})
    task_of(services, "leader", code)  # back in the caller once the called process ended
    assert get_dossier(services, "citizen", code)["status_code"] == 4
    # ... and deploying the same caller again makes a new version that calls the new one.
    [again] = deploy_paths(services, "admin", [caller_v2])
    assert again.ok and again.changed and again.version == deployed.version + 1  # type: ignore[operator]


def test_a_test_run_of_the_caller_runs_the_called_process(services: Services, tmp_path: Path) -> None:
    callee, caller = write(tmp_path)
    assert deploy_paths(services, "admin", [callee])[0].ok
    library = published_library(services, "analyst", caller.read_bytes())
    assert set(library) == {"y_kien_cong_an"}
    catalogue = tomllib.loads(caller.with_suffix(".toml").read_text(encoding="utf-8"))
    definition = load_definition(caller.read_bytes(), caller.name, process_id=catalogue["process_id"], library=library)
    with services.session_factory() as s:
        calendar = services.calendar(s)
    result = simulate(definition, catalogue, calendar, services.handlers, services.clock.now(), {})
    assert result.ended, (result.stopped_at, result.reason)
    assert "Task_police_opinion" in [s.element_id for s in result.steps if s.kind == "task"]
