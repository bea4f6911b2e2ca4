"""Move running dossiers of a procedure to another version of its diagram (forward or back).

A dry run says, dossier by dossier, whether it can move and why not. A migration moves every
dossier that can, in one transaction: each dossier either moves whole (state, task list, timers,
audit event naming the old and new version) or stays untouched on its version. Migrating back to
the old version undoes it the same way.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from adapters.bootstrap import Services
from engine.migration import (
    CALLED_PROCESS_REMOVED,
    KIND_CHANGED,
    NOT_REALIGNED,
    PASSED_REMOVED,
    UNKNOWN_USER_TASK,
    WAITS_IN_REMOVED,
    NotMovable,
    Obstacle,
    migrate_instance,
)
from engine.problems import DiagramRefused
from engine.runner import Instance
from models import Dossier, Procedure, ProcessDefinition
from processes import audit
from processes.access import authorise, may_deploy, may_validate_diagrams
from processes.definitions.versions import definition_version, procedure_by_code
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import FINAL_STATUSES
from processes.errors import Conflict
from processes.uow import UnitOfWork

FINISHED = "finished"
SOURCE_UNREADABLE = "source_unreadable"

_REASONS: dict[str, tuple[str, str]] = {
    WAITS_IN_REMOVED: ("đang chờ ở bước {name} ({id}), bước này không còn trong phiên bản {version}",
                       "waits in {name} ({id}), which version {version} removes"),
    PASSED_REMOVED: (("đã đi qua bước {name} ({id}), bước này không còn trong phiên bản {version}; "
                      "không chuyển được lịch sử xử lý"),
                     ("has passed through {name} ({id}), which version {version} removes; its history "
                      "cannot be carried over")),
    KIND_CHANGED: ("bước {name} ({id}) đổi loại trong phiên bản {version}",
                   "{name} ({id}) is another kind of step in version {version}"),
    CALLED_PROCESS_REMOVED: ("quy trình con gọi từ {id} không còn trong phiên bản {version}",
                             "the process called from {id} is not in version {version}"),
    UNKNOWN_USER_TASK: ("bước {name} ({id}) của phiên bản {version} không có người xử lý",
                        "{name} ({id}) of version {version} has no role to work on it"),
    NOT_REALIGNED: ("trạng thái xử lý không khớp với phiên bản {version} ({name})",
                    "its state does not fit version {version} ({name})"),
    FINISHED: ("quy trình đã kết thúc", "its workflow has finished"),
    SOURCE_UNREADABLE: ("không đọc được phiên bản hiện tại: {name}",
                        "its current version cannot be read: {name}"),
}


def describe(obstacle: Obstacle, version: int, language: str = "vi") -> str:
    """An obstacle in words, naming the element."""
    vi, en = _REASONS.get(obstacle.code, ("{id}: {name}", "{id}: {name}"))
    return (en if language == "en" else vi).format(name=obstacle.element_name, id=obstacle.element_id,
                                                   version=version)


@dataclass
class DossierMove:
    code: str
    status_code: int
    from_version: int
    waiting: list[str]
    obstacles: list[Obstacle] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        return not self.obstacles


@dataclass
class MigrationReport:
    procedure: str
    to_version: int
    dry_run: bool
    dossiers: list[DossierMove]

    @property
    def movable(self) -> list[DossierMove]:
        return [d for d in self.dossiers if d.movable]

    @property
    def refused(self) -> list[DossierMove]:
        return [d for d in self.dossiers if not d.movable]

    def as_dict(self) -> dict[str, Any]:
        return {"procedure": self.procedure, "to_version": self.to_version, "dry_run": self.dry_run,
                "moved": 0 if self.dry_run else len(self.movable),
                "dossiers": [{"code": d.code, "from_version": d.from_version, "movable": d.movable,
                              "waiting": d.waiting, "reasons": d.reasons} for d in self.dossiers]}


def migrate_dossiers(services: Services, actor: str, code: str, to_version: int, dry_run: bool = False,
                     language: str = "vi") -> MigrationReport:
    """Move every running dossier of procedure `code` that is not on `to_version` and can move
    (dry_run: only say which can). Analysts and administrators may look at a dry run; only
    administrators migrate."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, actor, may_validate_diagrams if dry_run else may_deploy)
        procedure = procedure_by_code(s, code)
        target_row = definition_version(s, procedure, to_version)
        target = services.definition(s, target_row.id)
        versions = dict(s.execute(sa.select(ProcessDefinition.id, ProcessDefinition.version)
                                  .where(ProcessDefinition.procedure_id == procedure.id)).all())
        dossiers = s.scalars(sa.select(Dossier).where(
            Dossier.procedure_id == procedure.id, Dossier.definition_id != target_row.id,
            Dossier.status_code.not_in(FINAL_STATUSES)).order_by(Dossier.code)).all()
        report = MigrationReport(code, to_version, dry_run, [])
        moved: list[tuple[Dossier, DossierMove, Instance]] = []
        for dossier in dossiers:
            move, instance = _try_move(services, s, dossier, procedure, target, actor)
            move.from_version = versions[dossier.definition_id]
            move.reasons = [describe(o, to_version, language) for o in move.obstacles]
            report.dossiers.append(move)
            if instance is not None:
                moved.append((dossier, move, instance))
        if dry_run:
            return report
        now = services.clock.now()
        try:
            for dossier, move, instance in moved:
                dossier.definition_id = target_row.id
                run = DossierRun(services, s, dossier, procedure, actor)
                run.instance = instance
                run.save()
                audit.append(s, at=now, actor=actor, kind="dossier_migrated", dossier_id=dossier.id,
                             detail={"procedure": code, "from_version": move.from_version,
                                     "to_version": to_version,
                                     "waiting_before": move.waiting,
                                     "waiting_after": sorted(instance.active_elements())})
            audit.append(s, at=now, actor=actor, kind="dossiers_migrated",
                         detail={"procedure": code, "to_version": to_version, "moved": len(moved),
                                 "not_moved": [d.code for d in report.refused]})
            uow.commit()
        except StaleDataError:
            raise Conflict("definition.migration_conflict") from None
        return report


def _try_move(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure, target: Any,
              actor: str) -> tuple[DossierMove, Instance | None]:
    """The dossier's workflow moved onto the target in memory, or the obstacles."""
    move = DossierMove(dossier.code, dossier.status_code, 0, [])
    try:
        source = services.definition(s, dossier.definition_id)
    except (DiagramRefused, LookupError) as exc:
        move.obstacles.append(Obstacle(SOURCE_UNREADABLE, "-", str(exc).splitlines()[0]))
        return move, None
    instance = services.runner.load(source, dossier.state, services.clock, _no_handlers)
    move.waiting = sorted(instance.active_elements())
    if instance.completed:
        move.obstacles.append(Obstacle(FINISHED, "-", "-"))
        return move, None
    try:
        moved = migrate_instance(instance, target, services.runner.codec)
    except NotMovable as exc:
        move.obstacles.extend(exc.obstacles)
        return move, None
    return move, moved


def _no_handlers(element_id: str, topic: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    """Moving a dossier runs no step: a handler called now would be a bug, not a side effect."""
    raise RuntimeError(f"handler '{topic}' called while moving a dossier ({element_id})")
