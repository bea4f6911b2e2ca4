"""Moving running dossiers to version 2 of the household business diagram (one task renamed, one
removed) and back: a dry run names who can move and why not; the migration moves every dossier
that can, whole, and leaves the others untouched; moved dossiers finish on version 2."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from adapters.bootstrap import Services
from models import AuditEvent, Dossier, ProcessDefinition, Timer, UserTask
from processes.audit import verify
from processes.definitions.deploy import deploy_file
from processes.definitions.migration import migrate_dossiers
from processes.dossier.dossiers import get_dossier
from processes.errors import Forbidden, NotFound
from processes.uow import UnitOfWork
from tests.helpers import HKD, offered, submit, work
from tests.integration.versions_support import (
    HKD_BPMN,
    RENAMED_NAME,
    copy_with,
    dossiers_in_every_task,
    finish,
    write_version_2,
)

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}


@pytest.fixture
def waiting(services: Services, tmp_path: Path) -> dict[str, str]:
    """Dossiers in every user task of version 1 (and one waiting for a supplement); version 2 deployed."""
    codes = dossiers_in_every_task(services)
    outcome = deploy_file(services, "admin", write_version_2(tmp_path / "v2"))
    assert outcome.ok and outcome.version == 2, outcome.problems
    return codes


def _rows(services: Services) -> dict[str, tuple[int, int, bytes]]:
    """code -> (definition version, row version, stored state) of every dossier."""
    with UnitOfWork(services.session_factory) as uow:
        rows = uow.session.execute(sa.select(Dossier.code, ProcessDefinition.version, Dossier.version, Dossier.state)
                                   .join(ProcessDefinition, ProcessDefinition.id == Dossier.definition_id)).all()
        return {code: (definition, version, state) for code, definition, version, state in rows}


def test_dry_run_names_exactly_the_dossier_that_waits_in_the_removed_task(
        services: Services, waiting: dict[str, str]) -> None:
    before = _rows(services)
    report = migrate_dossiers(services, "admin", HKD, 2, dry_run=True, language="en")
    verdicts = {d.code: (d.movable, d.reasons) for d in report.dossiers}
    assert set(verdicts) == set(waiting.values())
    stuck = waiting["Task_reception_deliver"]
    assert verdicts[stuck] == (False, ["waits in Trả kết quả (Task_reception_deliver), which version 2 removes"])
    assert [code for code, (movable, _) in verdicts.items() if movable] == sorted(
        code for element, code in waiting.items() if element != "Task_reception_deliver")
    assert _rows(services) == before  # a dry run writes nothing


def test_the_dry_run_reasons_are_vietnamese_by_default(services: Services, waiting: dict[str, str]) -> None:
    report = migrate_dossiers(services, "admin", HKD, 2, dry_run=True)
    (stuck,) = report.refused
    assert stuck.reasons == [("đang chờ ở bước Trả kết quả (Task_reception_deliver), bước này không còn trong "
                              "phiên bản 2")]


def test_migration_moves_every_movable_dossier_whole_and_leaves_the_other_untouched(
        services: Services, waiting: dict[str, str]) -> None:
    before = _rows(services)
    with UnitOfWork(services.session_factory) as uow:
        timer_due = uow.session.scalar(sa.select(Timer.due_at).join(Dossier, Dossier.id == Timer.dossier_id)
                                       .where(Dossier.code == waiting["Task_reception_check"]))
    report = migrate_dossiers(services, "admin", HKD, 2)
    assert len(report.movable) == 4 and [d.code for d in report.refused] == [waiting["Task_reception_deliver"]]
    after = _rows(services)
    stuck = waiting["Task_reception_deliver"]
    assert after[stuck] == before[stuck]  # not a byte changed
    for element, code in waiting.items():
        if element != "Task_reception_deliver":
            assert after[code][0] == 2 and after[code][1] == before[code][1] + 1, element
    # The task lists follow: the renamed task shows under its new id and name, on the same task row.
    (task,) = offered(services, waiting["Task_specialist_review"], "specialist")
    assert (task["name"], task["title"]) == ("Task_specialist_appraise", RENAMED_NAME)
    assert [f["id"] for f in task["form"]] == ["specialist_proposal", "specialist_note"]
    # The deadline timer of the reception check keeps its due instant (it does not restart at "now").
    with UnitOfWork(services.session_factory) as uow:
        due = uow.session.scalar(sa.select(Timer.due_at).join(Dossier, Dossier.id == Timer.dossier_id)
                                 .where(Dossier.code == waiting["Task_reception_check"]))
    assert due == timer_due is not None


def test_each_move_is_audited_with_the_old_and_new_version(services: Services, waiting: dict[str, str]) -> None:
    migrate_dossiers(services, "admin", HKD, 2)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        events = s.execute(sa.select(Dossier.code, AuditEvent.actor, AuditEvent.detail)
                           .join(Dossier, Dossier.id == AuditEvent.dossier_id)
                           .where(AuditEvent.kind == "dossier_migrated")).all()
        summary = s.scalars(sa.select(AuditEvent.detail).where(AuditEvent.kind == "dossiers_migrated")).one()
        assert verify(s).ok
    moved = {code: detail for code, _actor, detail in events}
    assert set(moved) == {c for e, c in waiting.items() if e != "Task_reception_deliver"}
    assert all(d["from_version"] == 1 and d["to_version"] == 2 for d in moved.values())
    assert moved[waiting["Task_specialist_review"]]["waiting_after"] == ["Task_specialist_appraise"]
    assert summary["not_moved"] == [waiting["Task_reception_deliver"]] and summary["moved"] == 4


def test_moved_dossiers_finish_on_version_2_and_the_stuck_one_on_version_1(
        services: Services, waiting: dict[str, str]) -> None:
    migrate_dossiers(services, "admin", HKD, 2)
    supplement = waiting.pop("Event_supplement_received")
    for element, code in waiting.items():
        done = finish(services, code)
        assert get_dossier(services, "citizen", code)["status_code"] == 10, (element, done)
        if element == "Task_reception_deliver":
            assert done == ["Task_reception_deliver"]  # version 1 still has the desk's step
        else:
            assert "Task_reception_deliver" not in done  # version 2 hands the result over directly
    assert get_dossier(services, "citizen", supplement)["status_code"] == 5


def test_migrating_back_restores_version_1_and_the_dossiers_still_finish(
        services: Services, waiting: dict[str, str]) -> None:
    migrate_dossiers(services, "admin", HKD, 2)
    back = migrate_dossiers(services, "admin", HKD, 1)
    assert sorted(d.code for d in back.movable) == sorted(c for e, c in waiting.items()
                                                          if e != "Task_reception_deliver")
    assert not back.refused
    assert {v[0] for v in _rows(services).values()} == {1}
    (task,) = offered(services, waiting["Task_specialist_review"], "specialist")
    assert (task["name"], task["title"]) == ("Task_specialist_review", "Thẩm định, đề xuất")
    done = finish(services, waiting["Task_specialist_review"])
    assert done == ["Task_specialist_review", "Task_leader_approve", "Task_reception_deliver"]


def test_a_dossier_that_has_passed_through_a_removed_step_stays_whole_on_its_version(
        services: Services, tmp_path: Path) -> None:
    at_check, at_review = submit(services), submit(services)
    work(services, at_review, "reception")
    # Another version 2: the receipt step (a service task) is gone, acceptance leads straight to review.
    root = etree.fromstring(HKD_BPMN.read_bytes())
    for xpath in ("//bpmn:serviceTask[@id='Task_accept_dossier']", "//bpmn:sequenceFlow[@id='Flow_to_specialist']",
                  "//bpmn:flowNodeRef[text()='Task_accept_dossier']",
                  "//bpmndi:BPMNShape[@bpmnElement='Task_accept_dossier']",
                  "//bpmndi:BPMNEdge[@bpmnElement='Flow_to_specialist']"):
        element = root.xpath(xpath, namespaces=NS)[0]
        element.getparent().remove(element)
    root.xpath("//bpmn:sequenceFlow[@id='Flow_accept']", namespaces=NS)[0].set("targetRef", "Task_specialist_review")
    incoming = root.xpath("//bpmn:userTask[@id='Task_specialist_review']/bpmn:incoming", namespaces=NS)
    incoming[0].text = "Flow_accept"
    assert deploy_file(services, "admin", copy_with(tmp_path / "v2", bpmn=etree.tostring(root))).ok
    report = migrate_dossiers(services, "admin", HKD, 2, language="en")
    verdicts = {d.code: d for d in report.dossiers}
    assert verdicts[at_check].movable
    assert verdicts[at_review].reasons == [
        ("has passed through Phiếu hẹn trả kết quả (mẫu 01) (Task_accept_dossier), which version 2 removes; "
         "its history cannot be carried over")]
    assert _rows(services)[at_review][0] == 1
    assert finish(services, at_review)[-1] == "Task_reception_deliver"


def test_only_administrators_migrate_and_analysts_may_look_at_the_dry_run(
        services: Services, waiting: dict[str, str]) -> None:
    assert migrate_dossiers(services, "analyst", HKD, 2, dry_run=True).dossiers
    with pytest.raises(Forbidden):
        migrate_dossiers(services, "analyst", HKD, 2)
    with pytest.raises(Forbidden):
        migrate_dossiers(services, "specialist", HKD, 2, dry_run=True)
    assert {v[0] for v in _rows(services).values()} == {1}


def test_an_unknown_version_is_refused(services: Services, waiting: dict[str, str]) -> None:
    with pytest.raises(NotFound):
        migrate_dossiers(services, "admin", HKD, 9)
    with UnitOfWork(services.session_factory) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(UserTask)
                                  .where(UserTask.completed_at.is_(None))) == 4
