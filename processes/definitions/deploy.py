"""Deploy diagrams: validate, store each version once by content hash, publish it with its catalogue
entry (R11.1, R13.1). A file whose diagram and catalogue are both unchanged is a no-op.

The acting user is checked here: administrators (and the machine account of `motcua init`) deploy
(`may_deploy`); analysts and administrators may dry-run (`may_validate_diagrams`), which reads the
database's agencies. An unknown or locked account is refused before any file is read."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.definitions import Definition, Library, load_definition
from engine.problems import DiagramRefused, Problem
from engine.serializer import StateCodec
from engine.xml_safety import MAX_DIAGRAM_BYTES
from handlers.default import SYSTEM_VARIABLES
from models import Agency, Procedure, ProcessDefinition, User
from models.publications import Publication
from processes import audit
from processes.access import Right, authorise, may_deploy, may_validate_diagrams
from processes.definitions.catalogue import Catalogue, key_line, parse_catalogue, sidecar_path
from processes.uow import UnitOfWork

MAX_CATALOGUE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class DiagramSource:
    """A diagram and its catalogue sidecar, read from files or uploaded; `path` names it in problems."""

    path: str
    bpmn: bytes
    catalogue_path: str
    catalogue: bytes | None  # None: there is no sidecar


@dataclass
class Validation:
    definition: Definition | None
    catalogue: Catalogue | None
    problems: list[Problem]


@dataclass
class DeployOutcome:
    path: str
    problems: list[Problem] = field(default_factory=list)
    procedure_code: str | None = None
    version: int | None = None
    changed: bool = False
    notes: list[str] = field(default_factory=list)  # not problems: what a dry run could not check

    @property
    def ok(self) -> bool:
        return not self.problems


def read_source(path: Path, max_bytes: int = MAX_DIAGRAM_BYTES) -> DiagramSource | list[Problem]:
    """The diagram file and its sidecar; an oversized file is refused by its size, unread."""
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return [Problem(shown, None, None, f"file is {size:,} bytes; the limit is {max_bytes:,} bytes")]
        data = path.read_bytes()
    except OSError as exc:
        return [Problem(shown, None, None, f"cannot read the file: {exc.strerror or exc}")]
    side = sidecar_path(path)
    catalogue: bytes | None = None
    if side.exists():
        if side.stat().st_size > MAX_CATALOGUE_BYTES:
            return [Problem(str(side), None, None, f"file is larger than {MAX_CATALOGUE_BYTES:,} bytes")]
        try:
            catalogue = side.read_bytes()
        except OSError as exc:
            return [Problem(str(side), None, None, f"cannot read the file: {exc.strerror or exc}")]
    return DiagramSource(shown, data, str(side), catalogue)


def validate_source(source: DiagramSource, known_topics: Collection[str], library: Library | None = None) -> Validation:
    """Every problem of a diagram and its catalogue entry, without touching the database: the
    diagram's own problems are reported even when the catalogue is missing or broken. `library`: the
    published processes of other procedures its call activities may call (called_library)."""
    if source.catalogue is None:
        catalogue, problems = None, [Problem(
            source.path, None, None,
            f"no catalogue entry: {Path(source.catalogue_path).name} (code, name, level, statutory time, "
            f"documents, form) must come with the diagram")]
    else:
        catalogue, problems = parse_catalogue(source.catalogue, source.catalogue_path)
    try:
        definition = load_definition(source.bpmn, source.path,
                                     process_id=catalogue.process_id if catalogue else None,
                                     known_topics=known_topics, library=library,
                                     known_variables=SYSTEM_VARIABLES)
    except DiagramRefused as exc:
        return Validation(None, catalogue, exc.problems + problems)
    if catalogue is not None:
        problems.extend(_consulted_agencies(definition, catalogue, source))
    return Validation(definition, catalogue, problems)


def _consulted_agencies(definition: Definition, catalogue: Catalogue, source: DiagramSource) -> list[Problem]:
    """Tasks of a consulted agency, and coordination requests sent to it (service tasks), name it by a
    key of the sidecar's [agencies] table (R8.2)."""
    problems = []
    consulted = catalogue.data.get("agencies", {})
    tasks = [(info.element_id, info.properties) for info in definition.user_tasks.values()]
    tasks += [(element_id, definition.service_properties(element_id))
              for element_id in definition.handler_topics]
    for element_id, properties in tasks:
        line = element_line(source.bpmn, element_id)
        agency, days = properties.get("agency"), properties.get("due_days")
        if agency and agency not in consulted:
            problems.append(Problem(source.path, line, element_id,
                                    f"consulted agency '{agency}' is not in the [agencies] table of "
                                    f"{catalogue.path}"))
        if days and not _is_days(days):
            problems.append(Problem(source.path, line, element_id,
                                    f"due_days '{days}' is not a number of working days (0–365)"))
    return problems


def element_line(data: bytes, element_id: str) -> int | None:
    """The line of the element with this id in the file's text."""
    found = re.search(rb"""\sid\s*=\s*["']""" + re.escape(element_id.encode()) + rb"""["']""", data)
    return data.count(b"\n", 0, found.start()) + 1 if found else None


def _is_days(value: str) -> bool:
    try:
        return 0 <= float(value) <= 365
    except ValueError:
        return False


def deploy_file(services: Services, actor: str, path: Path, dry_run: bool = False) -> DeployOutcome:
    """Validate and (unless dry_run) deploy one diagram in its own transaction."""
    _check_actor(services, actor, dry_run)
    source = read_source(path, _max_bytes(services))
    if isinstance(source, list):
        return DeployOutcome(str(path), source)
    return deploy_source(services, actor, source, dry_run)


def deploy_source(services: Services, actor: str, source: DiagramSource,
                  dry_run: bool = False) -> DeployOutcome:
    """Validate and (unless dry_run) publish a diagram with its catalogue entry, in one transaction."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, actor, _right(dry_run))
        validation, outcome = checked_source(source, services.handlers.topics(),
                                             called_library(uow.session, source.bpmn))
        if outcome.problems:
            return outcome
        if dry_run:
            handling = agency_id(uow.session, validation.catalogue, source, outcome)
            outcome.notes.extend(staffing_notes(uow.session, validation, source, handling))
            return outcome
        publish_in(uow.session, services, validation, source, actor, outcome)
        if outcome.ok:
            uow.commit()
    return outcome


def called_library(s: so.Session, bpmn: bytes) -> dict[str, tuple[str, bytes]]:
    """The published processes of other procedures that a diagram's call activities name (and those
    they call in turn): process id -> (file name, BPMN text) of the published version."""
    wanted = set(re.findall(rb"""calledElement\s*=\s*["']([^"']+)["']""", bpmn))
    library: dict[str, tuple[str, bytes]] = {}
    while wanted:
        pid = wanted.pop().decode("utf-8", "replace")
        if pid in library:
            continue
        row = s.execute(sa.select(ProcessDefinition.filename, ProcessDefinition.bpmn, ProcessDefinition.called)
                        .join(Procedure, Procedure.current_definition_id == ProcessDefinition.id)
                        .where(Procedure.process_id == pid)).first()
        if row is None:
            continue  # a process of the file itself, or one nobody publishes (said by the checks)
        library[pid] = (row.filename, row.bpmn)
        for called_id, frozen in (row.called or {}).items():  # what the called version itself froze
            library.setdefault(called_id, (frozen["filename"], frozen["bpmn"].encode("utf-8")))
    return library


def frozen_called(definition: Definition) -> dict[str, Any]:
    """`process_definitions.called` of a version: the called processes as deployed with it."""
    return {pid: {"filename": filename, "hash": hashlib.sha256(bpmn).hexdigest(), "bpmn": bpmn.decode("utf-8")}
            for pid, (filename, bpmn) in definition.called.items()}


def library_of(called: dict[str, Any] | None) -> dict[str, tuple[str, bytes]]:
    """The library a stored version loads with (its frozen called processes)."""
    return {pid: (frozen["filename"], frozen["bpmn"].encode("utf-8")) for pid, frozen in (called or {}).items()}


def checked_source(source: DiagramSource, known_topics: Collection[str],
                   library: Library | None = None) -> tuple[Validation, DeployOutcome]:
    """The source validated, and the outcome that reports it (its problems, the procedure it names)."""
    validation = validate_source(source, known_topics, library)
    outcome = DeployOutcome(source.path, list(validation.problems))
    if validation.definition is not None:
        outcome.notes.extend(str(w) for w in validation.definition.warnings)
    if validation.catalogue is not None:
        outcome.procedure_code = validation.catalogue.code
    return validation, outcome


def agency_id(s: so.Session, catalogue: Catalogue | None, source: DiagramSource,
              outcome: DeployOutcome) -> int | None:
    """The handling agency the catalogue names, or a problem at its line when it does not exist."""
    code = catalogue.data.get("agency") if catalogue else None
    if not code:
        return None
    found = s.scalar(sa.select(Agency.id).where(Agency.code == code))
    if found is None:
        text = (source.catalogue or b"").decode("utf-8", "replace")
        outcome.problems.append(Problem(source.catalogue_path, key_line(text, "agency"), "agency",
                                        f"agency e-code '{code}' does not exist"))
    return found


def staffing_notes(s: so.Session, validation: Validation, source: DiagramSource,
                   handling_agency: int | None) -> list[str]:
    """Warnings, not problems: user tasks whose role no active officer of their agency holds today (the
    handling agency, or the consulted agency the task names): nobody could claim them until one is
    added. Tasks whose agency is chosen per dossier or per instance are not judged."""
    definition, catalogue = validation.definition, validation.catalogue
    if definition is None or catalogue is None:
        return []
    consulted = catalogue.data.get("agencies", {})
    codes = {key: code for key, code in consulted.items() if isinstance(code, str)}
    rows = s.execute(sa.select(Agency.code, Agency.id).where(Agency.code.in_(list(codes.values()))))
    ids = {code: id_ for code, id_ in rows}
    staffed: dict[int, set[str]] = {}
    notes = []
    for info in definition.user_tasks.values():
        if info.properties.get("agency_variable"):
            continue
        key = info.properties.get("agency")
        agency = ids.get(codes.get(key, "")) if key else handling_agency
        if agency is None:
            continue
        if agency not in staffed:
            roles: set[str] = set()
            for held in s.scalars(sa.select(User.roles).where(User.agency_id == agency, User.active.is_(True))):
                roles.update(held or [])
            staffed[agency] = roles
        if info.role not in staffed[agency]:
            where = f"the consulted agency '{key}' ({codes[key]})" if key else "the handling agency"
            notes.append(f"{source.path}:{element_line(source.bpmn, info.element_id) or '-'}: {info.element_id}: "
                         f"no active officer of {where} holds the role '{info.role}' today: nobody can claim "
                         f"this task until one is added")
    return notes


def publish_in(s: so.Session, services: Services, validation: Validation, source: DiagramSource, actor: str,
               outcome: DeployOutcome) -> ProcessDefinition | None:
    """Store the version (once per content hash) and publish it with its catalogue entry, inside the
    caller's transaction. Nothing happens when both are what the public already sees."""
    definition, catalogue = validation.definition, validation.catalogue
    assert definition is not None and catalogue is not None
    handling_agency = agency_id(s, catalogue, source, outcome)
    if outcome.problems:
        return None
    outcome.notes.extend(staffing_notes(s, validation, source, handling_agency))
    now = services.clock.now()
    procedure = s.scalar(sa.select(Procedure).where(Procedure.code == catalogue.code))
    if procedure is None:
        procedure = Procedure(code=catalogue.code, catalogue={})
        s.add(procedure)
    stored = s.scalar(sa.select(ProcessDefinition).where(
        ProcessDefinition.procedure_id == procedure.id,
        ProcessDefinition.content_hash == definition.content_hash)) if procedure.id else None
    catalogue_changed = procedure.catalogue != catalogue.data
    apply_catalogue(procedure, catalogue.data, handling_agency)
    s.flush()
    if stored is None:
        last = s.scalar(sa.select(sa.func.max(ProcessDefinition.version))
                        .where(ProcessDefinition.procedure_id == procedure.id)) or 0
        stored = ProcessDefinition(
            procedure_id=procedure.id, version=last + 1, content_hash=definition.content_hash,
            filename=Path(source.path).name, bpmn=definition.bpmn,
            spec_json=StateCodec().dump_specs(definition.spec, definition.subprocess_specs),
            called=frozen_called(definition), deployed_by=actor, deployed_at=now)
        s.add(stored)
        s.flush()
    outcome.version = stored.version
    new_version = procedure.current_definition_id != stored.id
    if not (new_version or catalogue_changed):
        return stored
    procedure.current_definition_id = stored.id
    procedure.published_at = now
    kind = "deploy" if new_version else "catalogue"
    s.add(Publication(procedure_id=procedure.id, definition_id=stored.id, kind=kind, published_at=now,
                      published_by=actor, catalogue=catalogue.data, note=""))
    audit.append(s, at=now, actor=actor, kind="definition_deployed" if new_version else "catalogue_published",
                 detail={"procedure": procedure.code, "version": stored.version, "hash": stored.content_hash,
                         "file": stored.filename})
    outcome.changed = True
    return stored


def apply_catalogue(procedure: Procedure, data: dict[str, Any], agency_id: int | None) -> None:
    """Copy a catalogue entry onto the procedure the public sees (R5.3)."""
    procedure.process_id = str(data["process_id"])
    procedure.name = data["name"]
    procedure.level = int(data["level"])
    procedure.sector = data["sector"]
    procedure.field = data["field"]
    procedure.agency_level = data["agency_level"]
    procedure.agency_id = agency_id
    procedure.processing_time_days = float(data["processing_time_days"])
    procedure.same_day = bool(data.get("same_day", False))
    procedure.catalogue = data


def deploy_paths(services: Services, actor: str, paths: list[Path],
                 dry_run: bool = False) -> list[DeployOutcome]:
    """Deploy each file (a folder means every .bpmn in it); one outcome per file."""
    _check_actor(services, actor, dry_run)
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.glob("*.bpmn")) if p.is_dir() else [p])
    return [deploy_file(services, actor, f, dry_run) for f in files]


def _right(dry_run: bool) -> Right:
    return may_validate_diagrams if dry_run else may_deploy


def _check_actor(services: Services, actor: str, dry_run: bool) -> None:
    """Refuse an actor without the right before a file is read (each publication checks again)."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, actor, _right(dry_run))


def _max_bytes(services: Services) -> int:
    return int(services.config.get("storage", {}).get("max_diagram_bytes", MAX_DIAGRAM_BYTES))
