"""Officers' use cases: the task list and completing a user task (R14, R15), the same use case for
every door (the task page, `POST /api/v1/tasks/ID/complete`, `motcua tasks complete`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm.exc import StaleDataError

from adapters.bootstrap import Services
from engine.forms import FormErrors, clean_form
from engine.runner import TaskNotReady
from models import Attachment, Dossier, Procedure, User, UserTask
from processes import audit, idempotency
from processes.access import acting_user, may_complete_task
from processes.desk.steps import Delivery, StepContext, desk_step, fee_due, task_step
from processes.dossier.dossier_run import DossierRun
from processes.dossier.views import dossier_view
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused, form_refusal
from processes.uow import UnitOfWork


def list_tasks(services: Services, username: str, limit: int = 200) -> list[dict[str, Any]]:
    """Open tasks the caller may act on: their agency, one of their roles, unclaimed or theirs.

    Each says its desk `step`; an intake task lists the `checklist` to send (the catalogue's documents,
    required or not, and whether each was uploaded); a delivery task the `result_channel` and the
    `fee_due_vnd` still unpaid (0 when paid or free)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        roles = [r for r in user.roles if r in ("reception", "specialist", "leader")]
        if user.agency_id is None or not roles:
            return []
        rows = s.execute(
            sa.select(UserTask, Dossier, Procedure)
            .join(Dossier, Dossier.id == UserTask.dossier_id)
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(UserTask.agency_id == user.agency_id, UserTask.role.in_(roles),
                   UserTask.completed_at.is_(None),
                   sa.or_(UserTask.assignee_id.is_(None), UserTask.assignee_id == user.id))
            .order_by(UserTask.due_at.is_(None), UserTask.due_at, UserTask.created_at).limit(limit)).all()
        result: list[dict[str, Any]] = []
        intake: list[tuple[dict[str, Any], Dossier, Procedure]] = []
        delivery: list[tuple[dict[str, Any], Dossier, Procedure]] = []
        for task, dossier, procedure in rows:
            info = services.definition(s, dossier.definition_id).user_tasks[task.element_id]
            item: dict[str, Any] = {"id": task.id, "dossier": dossier.code, "name": task.element_id, "title": task.name,
                    "role": task.role, "agency": user.agency_id, "step": task_step(info, task, dossier),
                    "due_at": task.due_at.isoformat() if task.due_at else None,
                    "form": [f.as_dict() for f in info.form]}
            (intake if item["step"] == "intake" else delivery if item["step"] == "delivery" else []).append(
                (item, dossier, procedure))
            result.append(item)
        _describe_desk_steps(s, intake, delivery)
        return result


def _describe_desk_steps(s: so.Session, intake: list[tuple[dict[str, Any], Dossier, Procedure]],
                         delivery: list[tuple[dict[str, Any], Dossier, Procedure]]) -> None:
    """What an intake task's checklist holds and what a delivery task still needs (batched reads)."""
    uploaded: dict[int, set[str]] = {}
    if intake:
        for dossier_id, key in s.execute(sa.select(Attachment.dossier_id, Attachment.document_key).where(
                Attachment.dossier_id.in_({d.id for _, d, _ in intake}))):
            uploaded.setdefault(dossier_id, set()).add(key)
    for item, dossier, procedure in intake:
        item["checklist"] = [{"key": d["key"], "name": d["name"], "required": bool(d.get("required")),
                              "uploaded": d["key"] in uploaded.get(dossier.id, set())}
                             for d in procedure.catalogue.get("documents", [])]
    for item, dossier, procedure in delivery:
        item["result_channel"] = dossier.result_channel
        item["fee_due_vnd"] = fee_due(s, dossier, procedure)


@dataclass
class Completion:
    """Completing a task, from any door: the diagram's form (`data`), and what the desk step needs:
    at intake the `checklist` (document key -> present and valid), at delivery the hand-over."""

    task_id: str
    data: Mapping[str, Any]
    checklist: Mapping[str, bool] | None = None
    delivery: Delivery | None = None


_TASK_DOSSIER_PROCEDURE = (sa.select(UserTask, Dossier, Procedure)  # built once: the hot path runs it
                           .join(Dossier, Dossier.id == UserTask.dossier_id)
                           .join(Procedure, Procedure.id == Dossier.procedure_id)
                           .where(UserTask.id == sa.bindparam("task_id")))


def complete_task(services: Services, username: str, cmd: Completion,
                  idempotency_key: str | None = None) -> dict[str, Any]:
    """Complete one user task: its form's data checked, then the desk step of the task (reasons,
    checklist, hand-over: processes.desk.steps), all or nothing; returns the dossier's new state.

    Refusals (not the caller's task, already done, data or a desk rule refused) change nothing and are
    audited in a transaction of their own. With an `idempotency_key`, a repeat by the same caller returns
    the first answer instead of 409 task.already_done (processes/idempotency.py)."""
    if not isinstance(cmd.data, Mapping):
        raise Invalid("must_be_object", "data")
    if cmd.checklist is not None and not isinstance(cmd.checklist, Mapping):
        raise Invalid("must_be_object", "checklist")
    task_id = cmd.task_id
    request = idempotency.request_of(idempotency_key, "task.complete", cmd)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        earlier = idempotency.replay(s, username, request, services.clock.now())
        if earlier is not None:
            return earlier
        user = acting_user(s, username)
        # One round trip for the task, its dossier and procedure (the completion needs all three).
        found = s.execute(_TASK_DOSSIER_PROCEDURE, {"task_id": task_id}).first()
        task = found[0] if found is not None else None
        if task is None:
            refusal: Refused = NotFound("task.not_found")
            where: tuple[int | None, str] = (None, task_id)
        elif not may_complete_task(user, task):
            refusal, where = Forbidden("task.not_yours"), (task.dossier_id, task.id)
        else:
            # Read before completing: a failed flush (a concurrent writer) expires the row.
            where = (task.dossier_id, task.id)
            try:
                return _complete(services, uow, user, task, cmd, request)
            except (Conflict, Invalid) as exc:
                refusal = exc
    if isinstance(refusal, Conflict) and (twin := idempotency.after_race(services, username, request)) is not None:
        return twin  # the same completion, sent twice at once: the first one's answer
    # Audited after the refused transaction has ended (SQLite has one writer at a time).
    log_refusal(services, username, *where, refusal)
    raise refusal


def _complete(services: Services, uow: UnitOfWork, user: User, task: UserTask, cmd: Completion,
              request: idempotency.Request | None = None) -> dict[str, Any]:
    s = uow.session
    if task.completed_at is not None:
        raise Conflict("task.already_done", by=task.completed_by)
    dossier = s.get(Dossier, task.dossier_id)
    procedure = s.get(Procedure, dossier.procedure_id) if dossier else None
    assert dossier is not None and procedure is not None
    if dossier.suspended_at is not None:  # an operator suspended it (issue 12, the console)
        raise Conflict("operations.dossier_suspended")
    run = DossierRun(services, s, dossier, procedure, user.username)
    info = run.definition.user_tasks[task.element_id]
    try:
        cleaned = clean_form(info.form, cmd.data)
    except FormErrors as exc:
        raise form_refusal(exc.codes, "data.") from None
    variables = dict(desk_step(services, StepContext(s, user, task, dossier, procedure, run, info, cleaned),
                               cmd.checklist, cmd.delivery))
    instance = run.load()
    try:
        run.act(lambda: instance.complete_task(task.id, {**cleaned, **variables}))
    except TaskNotReady:
        raise Conflict("task.changed") from None
    task.completed_at, task.completed_by = run.now, user.username
    run.completed = cleaned
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
        idempotency.remember(s, user.username, request, view, run.now)
        uow.commit()
    except (StaleDataError, sa.exc.IntegrityError):
        raise Conflict("dossier.changed") from None
    return view


def log_refusal(services: Services, actor: str, dossier_id: int | None, task_id: str, refusal: Refused) -> None:
    """Refused attempts are audited in their own transaction (the refused one saves nothing)."""
    kind = "access_refused" if isinstance(refusal, Forbidden) else "task_refused"
    reason = "not_allowed" if isinstance(refusal, Forbidden) else refusal.code
    detail: dict[str, Any] = {"task": task_id, "reason": reason}
    if isinstance(refusal, Invalid):
        detail["fields"] = {name: r.code for name, r in refusal.fields.items()}
    elif not isinstance(refusal, Forbidden) and refusal.params:
        detail["params"] = {k: v for k, v in refusal.params.items() if isinstance(v, (str, int, float, bool))}
    with UnitOfWork(services.session_factory) as uow:
        audit.append(uow.session, at=services.clock.now(), actor=actor, kind=kind,
                     dossier_id=dossier_id, detail=detail)
        uow.commit()
