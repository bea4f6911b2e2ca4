"""Deploying diagrams: versions by content, running dossiers kept on their version, refusals and dry
runs that write nothing."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from models import AuditEvent, Dossier, Procedure, ProcessDefinition
from processes.definitions.deploy import deploy_file, deploy_paths
from processes.dossier.dossiers import get_dossier
from tests.helpers import HKD
from tests.integration.test_lifecycle import offered, submit, work

HKD_BPMN = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.bpmn"
OLD_LABEL = 'name="Thẩm định, đề xuất"'
NEW_LABEL = 'name="Thẩm định hồ sơ, đề xuất phương án"'


def variant(folder: Path, replace: tuple[str, str] | None = None, toml: tuple[str, str] | None = None) -> Path:
    """A copy of the HKD diagram and its sidecar in `folder`, with one text replaced in each."""
    folder.mkdir(parents=True, exist_ok=True)
    bpmn = folder / HKD_BPMN.name
    text = HKD_BPMN.read_text(encoding="utf-8")
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1])
    bpmn.write_text(text, encoding="utf-8")
    sidecar = HKD_BPMN.with_suffix(".toml").read_text(encoding="utf-8")
    if toml:
        assert toml[0] in sidecar
        sidecar = sidecar.replace(toml[0], toml[1])
    bpmn.with_suffix(".toml").write_text(sidecar, encoding="utf-8")
    return bpmn


def rows(services: Services) -> dict[str, Any]:
    with services.session_factory() as s:
        return {
            "procedures": sorted(s.scalars(sa.select(Procedure.code))),
            "definitions": sorted((r.procedure_id, r.version) for r in s.execute(
                sa.select(ProcessDefinition.procedure_id, ProcessDefinition.version))),
            "current": s.scalar(sa.select(Procedure.current_definition_id).where(Procedure.code == HKD)),
            "audit": s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)),
        }


def definition_version(services: Services, code: str) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(ProcessDefinition.version).join(
            Dossier, Dossier.definition_id == ProcessDefinition.id).where(Dossier.code == code)) or 0)


def test_deploying_the_same_file_again_changes_nothing(services: Services) -> None:
    before = rows(services)
    outcome = deploy_file(services, "admin", HKD_BPMN)
    assert outcome.ok and (outcome.procedure_code, outcome.version, outcome.changed) == (HKD, 1, False)
    folder = deploy_paths(services, "admin", [HKD_BPMN.parent])  # every shipped diagram
    assert HKD in {o.procedure_code for o in folder}
    assert all(o.ok and not o.changed and o.version == 1 for o in folder), folder
    assert rows(services) == before


def test_a_changed_diagram_becomes_version_2_for_new_dossiers_while_running_ones_finish_on_version_1(
        services: Services, tmp_path: Path) -> None:
    running = submit(services)
    work(services, running, "reception")
    assert [t["title"] for t in offered(services, running, "specialist")] == ["Thẩm định, đề xuất"]

    outcome = deploy_file(services, "admin", variant(tmp_path, (OLD_LABEL, NEW_LABEL)))
    assert outcome.ok, [str(p) for p in outcome.problems]
    assert (outcome.version, outcome.changed) == (2, True)
    with services.session_factory() as s:
        deployed = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "definition_deployed")
                             .order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (deployed.actor, deployed.detail["version"]) == ("admin", 2)

    fresh = submit(services)
    work(services, fresh, "reception")
    assert definition_version(services, fresh) == 2
    assert [t["title"] for t in offered(services, fresh, "specialist")] == ["Thẩm định hồ sơ, đề xuất phương án"]

    assert definition_version(services, running) == 1
    assert [t["title"] for t in offered(services, running, "specialist")] == ["Thẩm định, đề xuất"]
    for user in ("specialist", "leader", "reception"):
        work(services, running, user)
    assert get_dossier(services, "citizen", running)["status_code"] == 10

    # Going back to the first file makes version 1 current again; no third version appears.
    back = deploy_file(services, "admin", HKD_BPMN)
    assert (back.version, back.changed) == (1, True)
    assert definition_version(services, submit(services)) == 1


@pytest.mark.parametrize("broken, where", [
    (("camunda:topic=\"accept_dossier\"", "camunda:topic=\"accept_everything\""), "Task_accept_dossier"),
    (('reception_decision == "refuse"', '().__class__.__base__.__subclasses__()'), "Flow_refuse_at_reception"),
    (('id="StartEvent_submitted"', 'id="Start"'), "Start"),
])
def test_a_refused_diagram_writes_no_procedure_and_no_definition(
        services: Services, tmp_path: Path, broken: tuple[str, str], where: str) -> None:
    before = rows(services)
    # Under a new code: had anything been written, a new procedure would appear.
    path = variant(tmp_path, broken, toml=('code = "1.001612"', 'code = "9.000001"'))
    outcome = deploy_file(services, "admin", path)
    assert not outcome.ok
    assert where in {p.element_id for p in outcome.problems}, [str(p) for p in outcome.problems]
    assert rows(services) == before


def test_an_unknown_handling_agency_is_refused_and_writes_nothing(services: Services, tmp_path: Path) -> None:
    before = rows(services)
    path = variant(tmp_path, (OLD_LABEL, NEW_LABEL), toml=('agency = "000.00.22.H34"', 'agency = "999.99.99.H34"'))
    outcome = deploy_file(services, "admin", path)
    assert [(p.element_id, "999.99.99.H34" in p.message) for p in outcome.problems] == [("agency", True)]
    assert rows(services) == before


def test_a_dry_run_validates_but_writes_nothing(services: Services, tmp_path: Path) -> None:
    before = rows(services)
    outcome = deploy_file(services, "admin", variant(tmp_path, (OLD_LABEL, NEW_LABEL)), dry_run=True)
    assert outcome.ok and outcome.procedure_code == HKD
    assert (outcome.version, outcome.changed) == (None, False)
    assert rows(services) == before
    assert definition_version(services, submit(services)) == 1
