"""Diagrams uploaded through the admin pages (D4): analysts validate and propose, administrators
deploy (an upload directly, or a proposal) or reject. A proposal is stored, never published."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.bpmn_compare import ElementChange, compare_diagrams
from engine.definitions import content_hash
from engine.problems import DiagramRefused, Problem
from engine.xml_safety import MAX_DIAGRAM_BYTES
from models import Procedure, ProcessDefinition
from models.publications import DefinitionProposal
from processes import audit
from processes.access import Right, authorise, may_deploy, may_validate_diagrams
from processes.definitions.deploy import (
    MAX_CATALOGUE_BYTES,
    DeployOutcome,
    DiagramSource,
    Validation,
    agency_id,
    called_library,
    checked_source,
    publish_in,
    staffing_notes,
    validate_source,
)
from processes.errors import Conflict, NotFound
from processes.uow import UnitOfWork


@dataclass(frozen=True)
class Upload:
    """A diagram file and its catalogue sidecar as sent by a browser (`catalogue` may be empty)."""

    filename: str
    bpmn: bytes
    catalogue_filename: str = ""
    catalogue: bytes = b""


@dataclass
class UploadCheck:
    """What validation found, and (for a valid diagram of a published procedure) what it changes."""

    path: str
    problems: list[str]
    procedure_code: str | None = None
    published_version: int | None = None
    same_as_version: int | None = None
    changes: list[ElementChange] = field(default_factory=list)
    proposal_id: int | None = None
    # The same problems, each as {path, line, element, message}: for the studio to mark each on its element.
    items: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # warnings (deploy.staffing_notes), not problems

    @property
    def ok(self) -> bool:
        return not self.problems


def safe_name(filename: str, default: str) -> str:
    """The base name of an uploaded file, reduced to harmless characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = re.sub(r"[^\w.\-]", "_", name).strip("._")
    return name[:120] or default


def source_of(upload: Upload, max_bytes: int = MAX_DIAGRAM_BYTES) -> DiagramSource | list[Problem]:
    """The upload as a diagram source; oversized files are refused by their size, unread."""
    path = safe_name(upload.filename, "diagram.bpmn")
    side = safe_name(upload.catalogue_filename, path.rsplit(".", 1)[0] + ".toml")
    if len(upload.bpmn) > max_bytes:
        return [Problem(path, None, None,
                        f"file is {len(upload.bpmn):,} bytes; the limit is {max_bytes:,} bytes")]
    if len(upload.catalogue) > MAX_CATALOGUE_BYTES:
        return [Problem(side, None, None, f"file is larger than {MAX_CATALOGUE_BYTES:,} bytes")]
    return DiagramSource(path, upload.bpmn, side, upload.catalogue or None)


def check_upload(services: Services, username: str, upload: Upload) -> UploadCheck:
    """Validate an upload (analysts and administrators) without storing anything."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_validate_diagrams)
        return _check(services, uow.session, upload)[0]


def propose(services: Services, username: str, upload: Upload, note: str = "") -> UploadCheck:
    """Store a valid upload as a proposal for an administrator to deploy; a refused one is not stored."""
    return _propose(services, username, upload, note, may_validate_diagrams)


def stage_deployment(services: Services, username: str, upload: Upload, note: str = "") -> UploadCheck:
    """An administrator's upload to deploy: stored as a proposal, so that it is published only once the
    administrator has seen what it changes and confirmed (deploy_proposal); a refused one is not stored."""
    return _propose(services, username, upload, note, may_deploy)


def _propose(services: Services, username: str, upload: Upload, note: str, right: Right) -> UploadCheck:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, right)
        check, source, validation = _check(services, s, upload)
        if not check.ok or source is None or validation is None or validation.catalogue is None:
            return check
        now = services.clock.now()
        proposal = DefinitionProposal(
            procedure_code=validation.catalogue.code, filename=source.path, bpmn=source.bpmn,
            catalogue_filename=source.catalogue_path,
            catalogue_text=(source.catalogue or b"").decode("utf-8"),
            content_hash=content_hash(source.bpmn), state="proposed", proposed_by=username, proposed_at=now,
            note=note[:1000])
        s.add(proposal)
        s.flush()
        audit.append(s, at=now, actor=username, kind="definition_proposed",
                     detail={"proposal": proposal.id, "procedure": proposal.procedure_code,
                             "hash": proposal.content_hash, "file": proposal.filename})
        uow.commit()
        check.proposal_id = proposal.id
        return check


def deploy_upload(services: Services, username: str, upload: Upload) -> DeployOutcome:
    """An administrator validates and publishes an upload in one transaction (R13.1)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_deploy)
        source = source_of(upload, _max_bytes(services))
        if isinstance(source, list):
            return DeployOutcome(safe_name(upload.filename, "diagram.bpmn"), source)
        return _publish(services, uow, source, username)


def deploy_proposal(services: Services, username: str, proposal_id: int) -> DeployOutcome:
    """An administrator publishes a proposal (validated again: handlers or agencies may have changed)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_deploy)
        proposal = _undecided(s, proposal_id)
        source = DiagramSource(proposal.filename, proposal.bpmn, proposal.catalogue_filename,
                               proposal.catalogue_text.encode("utf-8"))
        outcome = _publish(services, uow, source, username, proposal)
        return outcome


def reject_proposal(services: Services, username: str, proposal_id: int, note: str = "") -> None:
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_deploy)
        proposal = _undecided(s, proposal_id)
        now = services.clock.now()
        proposal.state, proposal.decided_by, proposal.decided_at = "rejected", username, now
        audit.append(s, at=now, actor=username, kind="definition_proposal_rejected",
                     detail={"proposal": proposal_id, "procedure": proposal.procedure_code,
                             "note": note[:500]})
        uow.commit()


def list_proposals(services: Services, username: str) -> list[dict[str, Any]]:
    """Proposals waiting for a decision, newest first, then the last decided ones."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        rows = s.scalars(sa.select(DefinitionProposal).order_by(
            (DefinitionProposal.state != "proposed"), DefinitionProposal.proposed_at.desc()).limit(50)).all()
        return [_proposal_view(p) for p in rows]


def get_proposal(services: Services, username: str, proposal_id: int) -> tuple[dict[str, Any], UploadCheck]:
    """A proposal and what validating it now finds (with its changes against the published version)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        proposal = _proposal(s, proposal_id)
        upload = Upload(proposal.filename, proposal.bpmn, proposal.catalogue_filename,
                        proposal.catalogue_text.encode("utf-8"))
        return _proposal_view(proposal), _check(services, s, upload)[0]


# -- inside a transaction ----------------------------------------------------------------------------
def check_in(services: Services, s: so.Session, upload: Upload
             ) -> tuple[UploadCheck, DiagramSource | None, Validation | None]:
    """The check of an upload inside the caller's transaction (whose use case has authorised the user):
    what check_upload answers, with the source and the validation for a caller that goes on with them."""
    return _check(services, s, upload)


def _check(services: Services, s: so.Session, upload: Upload
           ) -> tuple[UploadCheck, DiagramSource | None, Validation | None]:
    source = source_of(upload, _max_bytes(services))
    if isinstance(source, list):
        return (UploadCheck(safe_name(upload.filename, "diagram.bpmn"), [str(p) for p in source],
                            items=[_item(p) for p in source]), None, None)
    validation = validate_source(source, services.handlers.topics(), called_library(s, source.bpmn))
    outcome = DeployOutcome(source.path, list(validation.problems))
    handling = agency_id(s, validation.catalogue, source, outcome) if validation.catalogue is not None else None
    check = UploadCheck(source.path, [str(p) for p in outcome.problems],
                        validation.catalogue.code if validation.catalogue else None,
                        items=[_item(p) for p in outcome.problems])
    if check.ok:
        check.notes = [str(w) for w in validation.definition.warnings] if validation.definition else []
        check.notes += staffing_notes(s, validation, source, handling)
    if check.ok and check.procedure_code:
        _compare_with_published(s, check, source.bpmn)
    return check, source, validation


def _item(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "line": problem.line, "element": problem.element_id,
            "message": " ".join(problem.message.split())}


def _compare_with_published(s: so.Session, check: UploadCheck, bpmn: bytes) -> None:
    procedure = s.scalar(sa.select(Procedure).where(Procedure.code == check.procedure_code))
    if procedure is None or procedure.current_definition_id is None:
        return
    published = s.get(ProcessDefinition, procedure.current_definition_id)
    assert published is not None
    check.published_version = published.version
    check.same_as_version = s.scalar(sa.select(ProcessDefinition.version).where(
        ProcessDefinition.procedure_id == procedure.id, ProcessDefinition.content_hash == content_hash(bpmn)))
    try:
        check.changes = compare_diagrams(published.bpmn, bpmn, published.filename, check.path)
    except DiagramRefused:
        check.changes = []


def _publish(services: Services, uow: UnitOfWork, source: DiagramSource, username: str,
             proposal: DefinitionProposal | None = None) -> DeployOutcome:
    s = uow.session
    validation, outcome = checked_source(source, services.handlers.topics(), called_library(s, source.bpmn))
    if outcome.problems:
        return outcome
    stored = publish_in(s, services, validation, source, username, outcome)
    if not outcome.ok:
        return outcome
    if proposal is not None and stored is not None:
        now = services.clock.now()
        proposal.state, proposal.decided_by, proposal.decided_at = "deployed", username, now
        proposal.definition_id = stored.id
        audit.append(s, at=now, actor=username, kind="definition_proposal_deployed",
                     detail={"proposal": proposal.id, "procedure": proposal.procedure_code,
                             "version": stored.version})
    uow.commit()
    return outcome


def _proposal(s: so.Session, proposal_id: int) -> DefinitionProposal:
    proposal = s.get(DefinitionProposal, proposal_id)
    if proposal is None:
        raise NotFound("definition.proposal_not_found", "proposal", id=proposal_id)
    return proposal


def _undecided(s: so.Session, proposal_id: int) -> DefinitionProposal:
    """A proposal still waiting for an administrator's decision (decided once, never twice)."""
    proposal = _proposal(s, proposal_id)
    if proposal.state != "proposed":
        raise Conflict("definition.proposal_decided", "proposal", id=proposal_id, state=proposal.state)
    return proposal


def _proposal_view(p: DefinitionProposal) -> dict[str, Any]:
    return {"id": p.id, "procedure": p.procedure_code, "filename": p.filename, "hash": p.content_hash,
            "state": p.state, "proposed_by": p.proposed_by, "proposed_at": p.proposed_at.isoformat(),
            "note": p.note, "decided_by": p.decided_by,
            "decided_at": p.decided_at.isoformat() if p.decided_at else None}


def _max_bytes(services: Services) -> int:
    return int(services.config.get("storage", {}).get("max_diagram_bytes", MAX_DIAGRAM_BYTES))
