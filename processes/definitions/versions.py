"""Versions of a procedure's diagram: what was published, since when, by whom (R11.1); rolling
back to an earlier version; comparing two versions element by element.

Every use case takes the acting user and checks it here: analysts and administrators look
(`may_validate_diagrams`), administrators publish (`may_deploy`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.bpmn_compare import ElementChange, compare_diagrams
from engine.clock import iso
from engine.problems import DiagramRefused
from models import Agency, Dossier, Procedure, ProcessDefinition, User
from models.publications import Publication
from processes import audit
from processes.access import authorise, may_deploy, may_validate_diagrams
from processes.definitions.deploy import apply_catalogue, called_library, library_of
from processes.dossier.status import FINAL_STATUSES
from processes.errors import Invalid, NotFound
from processes.uow import UnitOfWork


def definition_rights(services: Services, username: str) -> dict[str, bool]:
    """What the user may do with diagrams: `validate` (and propose, compare, dry-run), `deploy`.
    Reveals only the caller's own rights (all False for an unknown or locked account)."""
    with UnitOfWork(services.session_factory) as uow:
        user = uow.session.scalar(sa.select(User).where(User.username == username))
        if user is None:
            return {"validate": False, "deploy": False}
        return {"validate": may_validate_diagrams(user), "deploy": may_deploy(user)}



def list_procedures(services: Services, username: str) -> list[dict[str, Any]]:
    """Every procedure with its published version, the number of versions and of running dossiers."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        versions = dict(s.execute(sa.select(ProcessDefinition.procedure_id, sa.func.count())
                                  .group_by(ProcessDefinition.procedure_id)).all())
        running = dict(s.execute(sa.select(Dossier.procedure_id, sa.func.count())
                                 .where(Dossier.status_code.not_in(FINAL_STATUSES))
                                 .group_by(Dossier.procedure_id)).all())
        rows = s.execute(sa.select(Procedure, ProcessDefinition.version)
                         .outerjoin(ProcessDefinition,
                                    ProcessDefinition.id == Procedure.current_definition_id)
                         .order_by(Procedure.code)).all()
        return [{"code": p.code, "name": p.name, "level": p.level, "published_version": version,
                 "published_at": iso(p.published_at), "versions": versions.get(p.id, 0),
                 "running_dossiers": running.get(p.id, 0)} for p, version in rows]


def procedure_history(services: Services, username: str, code: str) -> dict[str, Any]:
    """A procedure's versions (with how many running dossiers each holds) and its publications,
    newest first, each with the instant it stopped being what the public sees (R11.1)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        procedure = procedure_by_code(s, code)
        definitions = s.scalars(sa.select(ProcessDefinition)
                                .where(ProcessDefinition.procedure_id == procedure.id)
                                .order_by(ProcessDefinition.version.desc())).all()
        by_id = {d.id: d for d in definitions}
        running = dict(s.execute(sa.select(Dossier.definition_id, sa.func.count())
                                 .where(Dossier.procedure_id == procedure.id,
                                        Dossier.status_code.not_in(FINAL_STATUSES))
                                 .group_by(Dossier.definition_id)).all())
        publications = s.scalars(sa.select(Publication).where(Publication.procedure_id == procedure.id)
                                 .order_by(Publication.published_at.desc(), Publication.id.desc())).all()
        history = []
        until: datetime | None = None
        for pub in publications:
            history.append({"version": by_id[pub.definition_id].version, "kind": pub.kind,
                            "published_at": iso(pub.published_at), "until": iso(until),
                            "published_by": pub.published_by, "note": pub.note,
                            "name": pub.catalogue.get("name"),
                            "processing_time_days": pub.catalogue.get("processing_time_days")})
            until = pub.published_at
        return {
            "code": procedure.code, "name": procedure.name,
            "published_version": by_id[procedure.current_definition_id].version
            if procedure.current_definition_id in by_id else None,
            "published_at": iso(procedure.published_at),
            "versions": [{"version": d.version, "hash": d.content_hash, "filename": d.filename,
                          "deployed_by": d.deployed_by, "deployed_at": iso(d.deployed_at),
                          "published": d.id == procedure.current_definition_id,
                          "running_dossiers": running.get(d.id, 0)} for d in definitions],
            "publications": history,
        }


@dataclass(frozen=True)
class RollbackOutcome:
    procedure: str
    version: int
    previous_version: int | None
    changed: bool


def rollback(services: Services, actor: str, code: str, version: int) -> RollbackOutcome:
    """Publish an earlier (or any stored) version again, with the catalogue entry it was published
    with; audited. Running dossiers keep their versions; new dossiers take this one."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, actor, may_deploy)
        procedure = procedure_by_code(s, code)
        target = definition_version(s, procedure, version)
        current = (s.get(ProcessDefinition, procedure.current_definition_id)
                   if procedure.current_definition_id else None)
        previous = current.version if current else None
        if current is not None and current.id == target.id:
            return RollbackOutcome(code, version, previous, False)
        snapshot = s.scalar(sa.select(Publication.catalogue).where(Publication.definition_id == target.id)
                            .order_by(Publication.published_at.desc(), Publication.id.desc()).limit(1))
        catalogue = snapshot if snapshot is not None else procedure.catalogue
        agency_id = None
        if catalogue.get("agency"):
            agency_id = s.scalar(sa.select(Agency.id).where(Agency.code == catalogue["agency"]))
            if agency_id is None:
                raise Invalid("definition.agency_gone", "agency", agency=catalogue["agency"], version=version)
        now = services.clock.now()
        apply_catalogue(procedure, catalogue, agency_id)
        procedure.current_definition_id = target.id
        procedure.published_at = now
        s.add(Publication(procedure_id=procedure.id, definition_id=target.id, kind="rollback",
                          published_at=now, published_by=actor, catalogue=catalogue,
                          note=f"from version {previous}"))
        audit.append(s, at=now, actor=actor, kind="definition_rolled_back",
                     detail={"procedure": code, "from_version": previous, "to_version": version,
                             "hash": target.content_hash})
        uow.commit()
        return RollbackOutcome(code, version, previous, True)


def compare_versions(services: Services, username: str, code: str, old: int, new: int) -> list[ElementChange]:
    """The elements added, removed or changed from version `old` to version `new`."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        procedure = procedure_by_code(s, code)
        a, b = definition_version(s, procedure, old), definition_version(s, procedure, new)
        try:
            return compare_diagrams(a.bpmn, b.bpmn, f"v{old}", f"v{new}")
        except DiagramRefused as exc:  # stored versions were valid when deployed; say so if not now
            problem = exc.problems[0]
            raise Invalid("definition.stored_unreadable", "version", element=problem.element_id or "-",
                          line=problem.line or "-", problem=problem.message) from None


def version_bpmn(services: Services, username: str, code: str, version: int) -> tuple[str, bytes]:
    """The file name and BPMN text of a stored version."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        d = definition_version(s, procedure_by_code(s, code), version)
        return d.filename, d.bpmn


def published_diagram(services: Services, username: str, code: str
                      ) -> tuple[str, bytes, dict[str, Any], dict[str, tuple[str, bytes]]]:
    """The file name, BPMN text, catalogue entry and called processes of the published version (for a
    test-run)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        procedure = procedure_by_code(s, code)
        current = s.get(ProcessDefinition, procedure.current_definition_id) if procedure.current_definition_id else None
        if current is None:
            raise NotFound("definition.procedure_not_found", "procedure", code=code)
        return current.filename, current.bpmn, dict(procedure.catalogue), library_of(current.called)


def published_library(services: Services, username: str, bpmn: bytes) -> dict[str, tuple[str, bytes]]:
    """The published processes of other procedures a diagram's call activities call (for a test-run of a
    file: analysts and administrators)."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_validate_diagrams)
        return called_library(uow.session, bpmn)


def procedure_by_code(s: so.Session, code: str) -> Procedure:
    procedure = s.scalar(sa.select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound("definition.procedure_not_found", "procedure", code=code)
    return procedure


def definition_version(s: so.Session, procedure: Procedure, version: int) -> ProcessDefinition:
    found = s.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.procedure_id == procedure.id,
                                                        ProcessDefinition.version == version))
    if found is None:
        raise NotFound("definition.version_not_found", "version", code=procedure.code, version=version)
    return found
