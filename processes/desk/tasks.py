"""Officers' use cases: the task list and completing a user task (R14, R15)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from adapters.bootstrap import Services
from engine.forms import FormErrors, clean_form
from engine.runner import TaskNotReady
from models import Dossier, Procedure, User, UserTask
from processes import audit
from processes.access import acting_user, may_complete_task
from processes.dossier.dossier_run import DossierRun
from processes.dossier.views import dossier_view
from processes.errors import LEGACY, Conflict, Forbidden, Invalid, NotFound, Refused
from processes.uow import UnitOfWork


def list_tasks(services: Services, username: str, limit: int = 200) -> list[dict[str, Any]]:
    """Open tasks the caller may act on: their agency, one of their roles, unclaimed or theirs."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        roles = [r for r in user.roles if r in ("reception", "specialist", "leader")]
        if user.agency_id is None or not roles:
            return []
        rows = s.execute(
            sa.select(UserTask, Dossier.code, Dossier.definition_id)
            .join(Dossier, Dossier.id == UserTask.dossier_id)
            .where(UserTask.agency_id == user.agency_id, UserTask.role.in_(roles),
                   UserTask.completed_at.is_(None),
                   sa.or_(UserTask.assignee_id.is_(None), UserTask.assignee_id == user.id))
            .order_by(UserTask.due_at.is_(None), UserTask.due_at, UserTask.created_at).limit(limit)).all()
        agency_code = user.agency_id
        result = []
        for task, code, definition_id in rows:
            info = services.definition(s, definition_id).user_tasks[task.element_id]
            result.append({"id": task.id, "dossier": code, "name": task.element_id, "title": task.name,
                           "role": task.role, "agency": agency_code,
                           "due_at": task.due_at.isoformat() if task.due_at else None,
                           "form": [f.as_dict() for f in info.form]})
        return result


@dataclass
class StepContext:
    """What a page-specific step of a completion (delivery record, checklist) may read and write."""

    session: so.Session
    user: User
    task: UserTask
    dossier: Dossier
    procedure: Procedure
    run: DossierRun
    data: dict[str, Any]  # the form values, already checked against the task's form


# Extra work done inside the completing transaction; returns extra workflow variables or raises a
# Refused (Invalid, Conflict) that rolls everything back.
Extra = Callable[[StepContext], Mapping[str, Any]]


_TASK_DOSSIER_PROCEDURE = (sa.select(UserTask, Dossier, Procedure)  # built once: the hot path runs it
                           .join(Dossier, Dossier.id == UserTask.dossier_id)
                           .join(Procedure, Procedure.id == Dossier.procedure_id)
                           .where(UserTask.id == sa.bindparam("task_id")))


def complete_task(services: Services, username: str, task_id: str, data: Mapping[str, Any],
                  extra: Extra | None = None) -> dict[str, Any]:
    """Complete one user task with the data its form declares; returns the dossier's new state.

    Refusals (not the caller's task, already done, data the form refuses) change nothing and are
    audited in a transaction of their own."""
    if not isinstance(data, Mapping):
        raise Invalid({"data": "phải là một đối tượng JSON (must be an object)"})
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        # One round trip for the task, its dossier and procedure (the completion needs all three).
        found = s.execute(_TASK_DOSSIER_PROCEDURE, {"task_id": task_id}).first()
        task = found[0] if found is not None else None
        if task is None:
            refusal: Refused = NotFound(f"Không có công việc '{task_id}' (unknown task)")
            where: tuple[int | None, str] = (None, task_id)
        elif not may_complete_task(user, task):
            refusal, where = Forbidden("Công việc này không thuộc quyền của bạn (not your task)"), (
                task.dossier_id, task.id)
        else:
            # Read before completing: a failed flush (a concurrent writer) expires the row.
            where = (task.dossier_id, task.id)
            try:
                return _complete(services, uow, user, task, data, extra)
            except (Conflict, Invalid) as exc:
                refusal = exc
    # Audited after the refused transaction has ended (SQLite has one writer at a time).
    log_refusal(services, username, *where, refusal)
    raise refusal


def _complete(services: Services, uow: UnitOfWork, user: User, task: UserTask,
              data: Mapping[str, Any], extra: Extra | None) -> dict[str, Any]:
    s = uow.session
    if task.completed_at is not None:
        raise Conflict(f"Công việc đã được {task.completed_by} hoàn thành (already completed)")
    dossier = s.get(Dossier, task.dossier_id)
    procedure = s.get(Procedure, dossier.procedure_id) if dossier else None
    assert dossier is not None and procedure is not None
    run = DossierRun(services, s, dossier, procedure, user.username)
    info = run.definition.user_tasks[task.element_id]
    try:
        cleaned = clean_form(info.form, data)
    except FormErrors as exc:
        raise Invalid({f"data.{k}": v for k, v in exc.errors.items()}) from None
    variables = dict(extra(StepContext(s, user, task, dossier, procedure, run, cleaned))) if extra else {}
    instance = run.load()
    try:
        run.act(lambda: instance.complete_task(task.id, {**cleaned, **variables}))
    except TaskNotReady:
        raise Conflict("Công việc không còn chờ xử lý (the task changed meanwhile)") from None
    task.completed_at, task.completed_by = run.now, user.username
    detail: dict[str, Any] = {"task": task.element_id, "name": task.name, "data": cleaned}
    if variables:
        detail["extra"] = variables
    audit.append(s, at=run.now, actor=user.username, kind="task_completed", dossier_id=dossier.id,
                 detail=detail)
    try:
        run.save()
        s.flush()
        # Read in the same transaction, before the commit: one transaction per completion (on SQLite a
        # second one would queue for the write lock again only to read).
        view = dossier_view(services, s, dossier, procedure, open_tasks=run.open_tasks)
        uow.commit()
    except (StaleDataError, sa.exc.IntegrityError):
        raise Conflict("Hồ sơ vừa được người khác cập nhật; hãy tải lại (changed meanwhile)") from None
    return view


def log_refusal(services: Services, actor: str, dossier_id: int | None, task_id: str, refusal: Refused) -> None:
    """Refused attempts are audited in their own transaction (the refused one saves nothing)."""
    kind = "access_refused" if isinstance(refusal, Forbidden) else "task_refused"
    reason = "not_allowed" if isinstance(refusal, Forbidden) else (
        refusal.kind if refusal.code == LEGACY else refusal.code)
    detail: dict[str, Any] = {"task": task_id, "reason": reason}
    if isinstance(refusal, Invalid):
        detail["fields"] = {name: (r.params.get("message") if r.code == LEGACY else r.code)
                            for name, r in refusal.fields.items()}
    elif not isinstance(refusal, Forbidden):
        detail["message"] = refusal.message
    with UnitOfWork(services.session_factory) as uow:
        audit.append(uow.session, at=services.clock.now(), actor=actor, kind=kind,
                     dossier_id=dossier_id, detail=detail)
        uow.commit()
