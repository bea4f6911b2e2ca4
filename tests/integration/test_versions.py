"""Versions and their publication (R11.1, R13.1): what was published, since when, by whom; an
unchanged file is a no-op; roll back; proposals by analysts; bad input deploys nothing."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import AuditEvent, Dossier, Procedure, ProcessDefinition
from models.publications import DefinitionProposal, Publication
from processes.access import SYSTEM
from processes.definitions.deploy import deploy_file
from processes.definitions.proposals import (
    Upload,
    check_upload,
    deploy_proposal,
    deploy_upload,
    propose,
    reject_proposal,
)
from processes.definitions.versions import compare_versions, procedure_history, rollback
from processes.dossier.dossiers import list_procedures
from processes.errors import Conflict, Forbidden, NotFound
from processes.uow import UnitOfWork
from tests.helpers import HKD, submit
from tests.integration.versions_support import (
    HKD_BPMN,
    HKD_TOML,
    copy_with,
    hkd_version_2_bytes,
    write_version_2,
)


def _counts(services: Services) -> tuple[int, int, int, int]:
    """Definitions, publications, audit events, proposals."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        return tuple(s.scalar(sa.select(sa.func.count()).select_from(t)) or 0  # type: ignore[return-value]
                     for t in (ProcessDefinition, Publication, AuditEvent, DefinitionProposal))


def _dossier_version(services: Services, code: str) -> int:
    with UnitOfWork(services.session_factory) as uow:
        return uow.session.scalar(sa.select(ProcessDefinition.version).join(
            Dossier, Dossier.definition_id == ProcessDefinition.id).where(Dossier.code == code)) or 0


def test_the_published_version_has_its_history_from_the_start(services: Services) -> None:
    history = procedure_history(services, "admin", HKD)
    assert history["published_version"] == 1
    (publication,) = history["publications"]
    assert (publication["version"], publication["kind"], publication["until"]) == (1, "deploy", None)
    assert publication["published_by"] == SYSTEM and publication["published_at"]


def test_deploying_an_unchanged_file_is_a_no_op(services: Services) -> None:
    before = _counts(services)
    outcome = deploy_file(services, "admin", HKD_BPMN)
    assert outcome.ok and not outcome.changed and outcome.version == 1
    assert _counts(services) == before


def test_a_new_version_is_published_with_who_and_when_and_the_old_one_ends(
        services: Services, clock: ManualClock, tmp_path: Path) -> None:
    running = submit(services)
    clock.advance(timedelta(hours=2))
    outcome = deploy_file(services, "admin", write_version_2(tmp_path))
    assert outcome.changed and outcome.version == 2
    history = procedure_history(services, "admin", HKD)
    newest, first = history["publications"]
    assert (newest["version"], newest["published_by"], newest["until"]) == (2, "admin", None)
    assert first["until"] == newest["published_at"] and first["version"] == 1
    assert [(v["version"], v["published"], v["running_dossiers"]) for v in history["versions"]] == [
        (2, True, 0), (1, False, 1)]
    # Running dossiers stay on the version they started with; new dossiers take the newest.
    assert _dossier_version(services, running) == 1
    assert _dossier_version(services, submit(services)) == 2


def test_a_catalogue_change_alone_is_published_and_visible_as_such(services: Services, tmp_path: Path) -> None:
    toml = HKD_TOML.read_text("utf-8").replace("processing_time_days = 3", "processing_time_days = 2")
    outcome = deploy_file(services, "admin", copy_with(tmp_path, toml=toml))
    assert outcome.changed and outcome.version == 1
    newest = procedure_history(services, "admin", HKD)["publications"][0]
    assert (newest["kind"], newest["version"], newest["processing_time_days"]) == ("catalogue", 1, 2)
    hkd = next(p for p in list_procedures(services) if p["code"] == HKD)
    assert hkd["processing_time"]["working_days"] == 2


def test_rolling_back_republishes_the_old_version_with_its_catalogue_and_is_audited(
        services: Services, tmp_path: Path) -> None:
    toml = HKD_TOML.read_text("utf-8").replace("processing_time_days = 3", "processing_time_days = 5")
    assert deploy_file(services, "admin", copy_with(tmp_path, bpmn=hkd_version_2_bytes(), toml=toml)).changed
    on_two = submit(services)
    outcome = rollback(services, "admin", HKD, 1)
    assert (outcome.changed, outcome.previous_version) == (True, 2)
    history = procedure_history(services, "admin", HKD)
    assert history["published_version"] == 1
    assert (history["publications"][0]["kind"], history["publications"][0]["note"]) == ("rollback", "from version 2")
    hkd = next(p for p in list_procedures(services) if p["code"] == HKD)
    assert hkd["processing_time"]["working_days"] == 3  # the catalogue published with version 1
    assert _dossier_version(services, on_two) == 2 and _dossier_version(services, submit(services)) == 1
    with UnitOfWork(services.session_factory) as uow:
        detail = uow.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.kind == "definition_rolled_back")).one()
    assert (detail["from_version"], detail["to_version"]) == (2, 1)
    assert not rollback(services, "admin", HKD, 1).changed  # already published: nothing happens


def test_rolling_back_to_a_version_that_does_not_exist_is_refused(services: Services) -> None:
    with pytest.raises(NotFound):
        rollback(services, "admin", HKD, 7)
    with pytest.raises(NotFound):
        rollback(services, "admin", "9.999999", 1)


def test_only_administrators_roll_back(services: Services, tmp_path: Path) -> None:

    deploy_file(services, "admin", write_version_2(tmp_path))
    with pytest.raises(Forbidden):
        rollback(services, "analyst", HKD, 1)
    assert procedure_history(services, "admin", HKD)["published_version"] == 2


def test_comparing_two_versions_names_the_renamed_and_removed_tasks(services: Services, tmp_path: Path) -> None:
    deploy_file(services, "admin", write_version_2(tmp_path))
    changes = {(c.kind, c.element_id) for c in compare_versions(services, "admin", HKD, 1, 2)}
    assert {("removed", "Task_reception_deliver"), ("removed", "Task_specialist_review"),
            ("added", "Task_specialist_appraise"), ("changed", "Flow_to_reception_deliver")} <= changes


# -- analysts propose, administrators deploy ---------------------------------------------------------
def _upload(bpmn: bytes | None = None, toml: bytes | None = None) -> Upload:
    return Upload(HKD_BPMN.name, bpmn if bpmn is not None else hkd_version_2_bytes(), HKD_TOML.name,
                  toml if toml is not None else HKD_TOML.read_bytes())


def test_an_analyst_proposes_and_nothing_is_published_until_an_administrator_deploys(services: Services) -> None:
    check = propose(services, "analyst", _upload(), note="Bỏ bước trả kết quả tại bộ phận một cửa")
    assert check.ok and check.proposal_id and check.published_version == 1
    assert ("removed", "Task_reception_deliver") in {(c.kind, c.element_id) for c in check.changes}
    assert procedure_history(services, "admin", HKD)["published_version"] == 1
    with pytest.raises(Forbidden):
        deploy_proposal(services, "analyst", check.proposal_id)
    outcome = deploy_proposal(services, "admin", check.proposal_id)
    assert outcome.ok and outcome.version == 2
    assert procedure_history(services, "admin", HKD)["publications"][0]["published_by"] == "admin"
    with pytest.raises(Conflict):
        deploy_proposal(services, "admin", check.proposal_id)


def test_a_rejected_proposal_stays_unpublished(services: Services) -> None:
    check = propose(services, "analyst", _upload())
    assert check.proposal_id
    reject_proposal(services, "admin", check.proposal_id, "Chưa đúng quy định")
    with pytest.raises(Conflict):
        deploy_proposal(services, "admin", check.proposal_id)
    assert procedure_history(services, "admin", HKD)["published_version"] == 1


def test_citizens_and_officers_may_not_validate_or_deploy(services: Services) -> None:
    for user in ("citizen", "specialist"):
        with pytest.raises(Forbidden):
            check_upload(services, user, _upload())
        with pytest.raises(Forbidden):
            propose(services, user, _upload())
    with pytest.raises(Forbidden):
        deploy_upload(services, "analyst", _upload())


def test_the_same_diagram_uploaded_again_is_recognised_as_the_stored_version(services: Services) -> None:
    check = check_upload(services, "analyst", _upload(bpmn=HKD_BPMN.read_bytes()))
    assert check.ok and check.same_as_version == 1
    outcome = deploy_upload(services, "admin", _upload(bpmn=HKD_BPMN.read_bytes()))
    assert outcome.ok and not outcome.changed


# -- bad input: a clear refusal, nothing deployed halfway, running dossiers untouched -----------------
BOMB = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol2;</bpmn:definitions>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>"""
ESCAPE = HKD_BPMN.read_bytes().replace(
    b'reception_decision == "refuse"', b"().__class__.__base__.__subclasses__() and True")
NOT_EXECUTABLE = HKD_BPMN.read_bytes().replace(b'isExecutable="true"', b'isExecutable="false"')


@pytest.mark.parametrize(("bpmn", "expected"), [
    (b"<bpmn:definitions", "not well-formed XML"),
    (BOMB, "DOCTYPE and ENTITY declarations are not allowed"),
    (XXE, "DOCTYPE and ENTITY declarations are not allowed"),
    (NOT_EXECUTABLE, "no process is marked isExecutable"),
    (ESCAPE, "is refused"),
], ids=["malformed", "billion-laughs", "external-entity", "not-executable", "sandbox-escape"])
def test_bad_diagrams_are_refused_and_nothing_is_written(
        services: Services, tmp_path: Path, bpmn: bytes, expected: str) -> None:
    running = submit(services)
    before = _counts(services)
    outcome = deploy_file(services, "admin", copy_with(tmp_path, bpmn=bpmn))
    assert not outcome.ok and any(expected in p.message for p in outcome.problems), outcome.problems
    assert all(str(p).startswith(str(tmp_path)) for p in outcome.problems)
    for action in (check_upload, propose):
        assert not action(services, "analyst", _upload(bpmn=bpmn)).ok  # type: ignore[operator]
    assert not deploy_upload(services, "admin", _upload(bpmn=bpmn)).ok
    assert _counts(services) == before
    assert _dossier_version(services, running) == 1


def test_a_fifty_megabyte_file_is_refused_by_its_size_before_it_is_read(services: Services, tmp_path: Path) -> None:
    path = copy_with(tmp_path)
    with path.open("r+b") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: the test writes nothing of the kind
    before = _counts(services)
    outcome = deploy_file(services, "admin", path)
    (problem,) = outcome.problems
    assert problem.message == "file is 52,428,800 bytes; the limit is 5,242,880 bytes"
    assert not deploy_upload(services, "admin", _upload(bpmn=b" " * (5 * 1024 * 1024 + 1))).ok
    assert _counts(services) == before


def test_an_unknown_agency_in_the_catalogue_is_refused_at_its_line(services: Services, tmp_path: Path) -> None:
    text = HKD_TOML.read_text("utf-8")
    toml = text.replace('agency = "000.00.22.H34"', 'agency = "000.00.99.H34"')
    outcome = deploy_file(services, "admin", copy_with(tmp_path, bpmn=hkd_version_2_bytes(), toml=toml))
    line = text[:text.index('agency = "000.00.22.H34"')].count("\n") + 1
    assert [str(p) for p in outcome.problems] == [
        f"{tmp_path / HKD_TOML.name}:{line}: agency: agency e-code '000.00.99.H34' does not exist"]
    with UnitOfWork(services.session_factory) as uow:
        procedure = uow.session.scalars(sa.select(Procedure).where(Procedure.code == HKD)).one()
        assert uow.session.scalar(sa.select(ProcessDefinition.version).where(
            ProcessDefinition.id == procedure.current_definition_id)) == 1
    assert procedure_history(services, "admin", HKD)["versions"][0]["version"] == 1
