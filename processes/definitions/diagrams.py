"""Drawings of diagrams: a dossier's own (its steps marked done, active or overdue) for the
applicant and the officers involved; any stored version or proposal for administrators and analysts."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from drawing.svg import NO_LAYOUT, render_svg
from engine.bpmn_compare import ElementChange, compare_diagrams
from engine.marks import progress_marks
from engine.problems import DiagramRefused
from engine.xml_safety import MAX_DIAGRAM_BYTES
from models import Procedure, ProcessDefinition, UserTask
from models.publications import DefinitionProposal
from processes.access import authorise, may_validate_diagrams
from processes.definitions.proposals import Upload, safe_name
from processes.definitions.versions import compare_versions, version_bpmn
from processes.dossier.dossiers import load_visible
from processes.errors import NotFound, Unprocessable
from processes.texts import N_
from processes.uow import UnitOfWork

# The legend of a dossier's drawing: source texts; web/ passes them translated as `labels`.
LEGEND: dict[str, str] = {"done": N_("Đã xong"), "active": N_("Đang xử lý"), "overdue": N_("Quá hạn"),
                          "problem": N_("Có lỗi"), "added": N_("Thêm mới"), "changed": N_("Thay đổi"),
                          "removed": N_("Bỏ đi")}


class DiagramUnavailable(Unprocessable):
    """The diagram cannot be drawn (no layout, or unreadable): said, never a blank picture."""


def dossier_diagram(services: Services, username: str, code: str,
                    labels: Mapping[str, str] | None = None) -> str:
    """The SVG of the dossier's own version of its diagram, with its progress marked; for those who
    may see the dossier (others are told it does not exist). Overdue: an open user task whose due
    instant has passed by the services clock."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        dossier, _procedure = load_visible(s, username, code)
        row = s.get(ProcessDefinition, dossier.definition_id)
        assert row is not None
        now = services.clock.now()
        late = set(s.scalars(sa.select(UserTask.element_id).where(
            UserTask.dossier_id == dossier.id, UserTask.completed_at.is_(None), UserTask.due_at < now)))
        definition = services.definition(s, dossier.definition_id)
        instance = services.runner.load(definition, dossier.state, services.clock, _no_handlers)
        marks = progress_marks(instance, late)
        return _draw(row.bpmn, row.filename, marks, labels or LEGEND)


def version_diagram(services: Services, username: str, code: str, version: int) -> str:
    """The SVG of a stored version of a procedure's diagram (analysts and administrators: the rule
    is version_bpmn's)."""
    filename, bpmn = version_bpmn(services, username, code, version)
    return _draw(bpmn, filename, {}, None)


def proposal_diagram(services: Services, username: str, proposal_id: int) -> str:
    """The SVG of a diagram proposed by an analyst (analysts and administrators)."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_validate_diagrams)
        proposal = uow.session.get(DefinitionProposal, proposal_id)
        if proposal is None:
            raise NotFound("definition.proposal_not_found", "proposal", id=proposal_id)
        return _draw(proposal.bpmn, proposal.filename, {}, None)


def version_diff_diagram(services: Services, username: str, code: str, old: int, new: int, side: str,
                         labels: Mapping[str, str] | None = None) -> str:
    """Version `new` with the elements added and changed since `old` marked (side "new"), or version `old`
    with those removed and changed marked (side "old"): the visual difference (analysts and
    administrators: the rule is compare_versions')."""
    changes = compare_versions(services, username, code, old, new)
    filename, bpmn = version_bpmn(services, username, code, new if side == "new" else old)
    return _draw(bpmn, filename, diff_marks(changes, side), labels or LEGEND)


def proposal_diff_diagram(services: Services, username: str, proposal_id: int, side: str,
                          labels: Mapping[str, str] | None = None) -> str:
    """A proposal (side "new") or the version its procedure publishes (side "old"), with what the proposal
    changes marked; a procedure not yet published: the proposal alone, every element added."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        proposal = s.get(DefinitionProposal, proposal_id)
        if proposal is None:
            raise NotFound("definition.proposal_not_found", "proposal", id=proposal_id)
        published = s.scalar(sa.select(ProcessDefinition).join(
            Procedure, Procedure.current_definition_id == ProcessDefinition.id).where(
            Procedure.code == proposal.procedure_code))
        if published is None:
            if side != "new":
                raise NotFound("definition.procedure_not_found", "procedure", code=proposal.procedure_code)
            return _draw(proposal.bpmn, proposal.filename, {}, labels or LEGEND)
        try:
            changes = compare_diagrams(published.bpmn, proposal.bpmn, published.filename, proposal.filename)
        except DiagramRefused:
            changes = []
        bpmn, filename = (proposal.bpmn, proposal.filename) if side == "new" else (published.bpmn, published.filename)
        return _draw(bpmn, filename, diff_marks(changes, side), labels or LEGEND)


def diff_marks(changes: Iterable[ElementChange], side: str) -> dict[str, str]:
    """Marks of a drawing of one side of a comparison: the new side shows what was added and changed, the
    old side what was removed and changed."""
    shown = {"added", "changed"} if side == "new" else {"removed", "changed"}
    return {c.element_id: c.kind for c in changes if c.kind in shown}


def upload_diagram(services: Services, username: str, upload: Upload, problem_elements: Collection[str],
                   labels: Mapping[str, str] | None = None) -> str | None:
    """The SVG of an uploaded diagram with every element a problem names marked (analysts and
    administrators); None when it cannot be drawn (over the size limit, no layout, unreadable): the
    problem lines say why."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_validate_diagrams)
    limit = int(services.config.get("storage", {}).get("max_diagram_bytes", MAX_DIAGRAM_BYTES))
    if len(upload.bpmn) > limit:
        return None
    try:
        return render_svg(upload.bpmn, safe_name(upload.filename, "diagram.bpmn"),
                          {e: "problem" for e in problem_elements}, labels=labels or LEGEND)
    except DiagramRefused:
        return None


def _draw(bpmn: bytes, filename: str, marks: dict[str, str], labels: Mapping[str, str] | None) -> str:
    try:
        return render_svg(bpmn, filename, marks, labels=labels)
    except DiagramRefused as exc:
        problem = exc.problems[0]
        if problem.message == NO_LAYOUT:
            raise DiagramUnavailable("diagram.no_layout") from None
        raise DiagramUnavailable("diagram.cannot_draw", problem.element_id, element=problem.element_id,
                                 line=problem.line, problem=problem.message) from None


def _no_handlers(element_id: str, topic: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    raise RuntimeError(f"handler '{topic}' called while drawing a dossier ({element_id})")
