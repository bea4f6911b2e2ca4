"""Deploy diagrams: validate, store each version once by content hash, publish to the catalogue."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from engine.definitions import Definition, load_definition
from engine.problems import DiagramRefused, Problem
from engine.serializer import StateCodec
from models import Agency, Procedure, ProcessDefinition
from processes import audit
from processes.bootstrap import Services
from processes.catalogue import Catalogue, load_catalogue
from processes.uow import UnitOfWork


@dataclass
class DeployOutcome:
    path: str
    problems: list[Problem] = field(default_factory=list)
    procedure_code: str | None = None
    version: int | None = None
    changed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def validate_file(services: Services, path: Path) -> tuple[Definition | None, Catalogue | None, list[Problem]]:
    """Every problem of a diagram and its catalogue entry, without touching the database."""
    catalogue, problems = load_catalogue(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, None, [Problem(str(path), None, None, f"cannot read the file: {exc.strerror}")]
    try:
        definition = load_definition(data, str(path), process_id=catalogue.process_id if catalogue else None,
                                     known_topics=services.handlers.topics())
    except DiagramRefused as exc:
        return None, catalogue, exc.problems + problems
    if catalogue is not None:
        consulted = catalogue.data.get("agencies", {})
        for info in definition.user_tasks.values():
            for key, what in (("agency", "consulted agency"), ("due_days", "sub-deadline")):
                value = info.properties.get(key)
                if key == "agency" and value and value not in consulted:
                    problems.append(Problem(str(path), None, info.element_id,
                                            f"{what} '{value}' is not in the [agencies] table of {catalogue.path}"))
                if key == "due_days" and value and not _is_days(value):
                    problems.append(Problem(str(path), None, info.element_id,
                                            f"due_days '{value}' is not a number of working days (0–365)"))
    return definition, catalogue, problems


def _is_days(value: str) -> bool:
    try:
        return 0 <= float(value) <= 365
    except ValueError:
        return False


def deploy_file(services: Services, path: Path, actor: str, dry_run: bool = False) -> DeployOutcome:
    """Validate and (unless dry_run) deploy one diagram in its own transaction."""
    definition, catalogue, problems = validate_file(services, path)
    outcome = DeployOutcome(str(path), problems)
    if problems or definition is None or catalogue is None:
        return outcome
    outcome.procedure_code = catalogue.code
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        agency_id = None
        if catalogue.data.get("agency"):
            agency_id = s.scalar(sa.select(Agency.id).where(Agency.code == catalogue.data["agency"]))
            if agency_id is None:
                outcome.problems.append(Problem(catalogue.path, None, "agency",
                                                f"agency e-code '{catalogue.data['agency']}' does not exist"))
                return outcome
        if dry_run:
            return outcome
        now = services.clock.now()
        procedure = s.scalar(sa.select(Procedure).where(Procedure.code == catalogue.code))
        if procedure is None:
            procedure = Procedure(code=catalogue.code, catalogue={})
            s.add(procedure)
        _publish(procedure, catalogue, agency_id)
        s.flush()
        existing = s.scalar(sa.select(ProcessDefinition).where(
            ProcessDefinition.procedure_id == procedure.id,
            ProcessDefinition.content_hash == definition.content_hash))
        if existing is None:
            last = s.scalar(sa.select(sa.func.max(ProcessDefinition.version))
                            .where(ProcessDefinition.procedure_id == procedure.id)) or 0
            existing = ProcessDefinition(
                procedure_id=procedure.id, version=last + 1, content_hash=definition.content_hash,
                filename=path.name, bpmn=definition.bpmn,
                spec_json=StateCodec().dump_specs(definition.spec, definition.subprocess_specs),
                deployed_by=actor, deployed_at=now)
            s.add(existing)
            s.flush()
            outcome.changed = True
        if procedure.current_definition_id != existing.id:
            procedure.current_definition_id = existing.id
            procedure.published_at = now
            outcome.changed = True
            audit.append(s, at=now, actor=actor, kind="definition_deployed",
                         detail={"procedure": procedure.code, "version": existing.version,
                                 "hash": existing.content_hash, "file": path.name})
        outcome.version = existing.version
        uow.commit()
    return outcome


def _publish(procedure: Procedure, catalogue: Catalogue, agency_id: int | None) -> None:
    data = catalogue.data
    procedure.process_id = catalogue.process_id
    procedure.name = data["name"]
    procedure.level = int(data["level"])
    procedure.sector = data["sector"]
    procedure.field = data["field"]
    procedure.agency_level = data["agency_level"]
    procedure.agency_id = agency_id
    procedure.processing_time_days = float(data["processing_time_days"])
    procedure.same_day = bool(data.get("same_day", False))
    procedure.catalogue = data


def deploy_paths(services: Services, paths: list[Path], actor: str, dry_run: bool = False) -> list[DeployOutcome]:
    """Deploy each file (a folder means every .bpmn in it); one outcome per file."""
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.bpmn")) if p.is_dir() else [p])
    return [deploy_file(services, f, actor, dry_run) for f in files]
