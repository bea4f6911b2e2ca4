"""The officers' task queues: "mine" and "my group's", with filters, due marks, pagination and
counts; claiming, releasing and handing a task over to a colleague (R2.1, R13.3)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Dossier, Procedure, User, UserTask
from processes import audit
from processes.access import acting_user, may_claim_task, may_hand_over_task, may_release_task, may_see_task
from processes.acts import substitutes
from processes.desk.tasks import log_refusal
from processes.dossier.search import text_clauses
from processes.dossier.status import status_name
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from processes.uow import UnitOfWork

TASK_ROLES = ("reception", "specialist", "leader")
QUEUES = ("mine", "group")
NEAR_DUE_WORKING_HOURS = 4  # half a working day left: marked "near due"
PER_PAGE = 20


@dataclass(frozen=True)
class QueueFilters:
    """What the officer narrows the list to; every field is optional."""

    procedure: str | None = None  # procedure code
    status: int | None = None  # national status code of the dossier
    due_before: date | None = None  # due on or before this (local) day
    overdue: bool = False
    applicant: str | None = None  # part of the applicant's name
    code: str | None = None  # part of the dossier code


@dataclass
class QueuePage:
    queue: str
    items: list[dict[str, Any]]
    counts: dict[str, int]  # per queue, unfiltered, plus "overdue" among the group's tasks
    page: int
    pages: int
    total: int
    filters: QueueFilters = field(default_factory=QueueFilters)


def task_queue(services: Services, username: str, queue: str = "group", filters: QueueFilters | None = None,
               page: int = 1, per_page: int = PER_PAGE) -> QueuePage:
    """One page of the officer's queue, soonest due first; overdue and near-due tasks are marked.

    "mine" holds the tasks the officer claimed; "group" every open task of the officer's roles in the
    officer's agency (claimed or not, with who holds it). Nothing of another agency is ever listed."""
    if queue not in QUEUES:
        raise Invalid("queue.unknown", "queue")
    filters = filters or QueueFilters()
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        roles = [r for r in user.roles if r in TASK_ROLES]
        if user.agency_id is None or not roles:
            raise Forbidden("queue.officers_only")
        now = services.clock.now()
        calendar = services.calendar(s)
        group = [UserTask.agency_id == user.agency_id, UserTask.role.in_(roles), UserTask.completed_at.is_(None)]
        mine = [*group, UserTask.assignee_id == user.id]
        counts = {"mine": _count(s, mine), "group": _count(s, group),
                  "overdue": _count(s, [*group, UserTask.due_at < now])}
        where = (mine if queue == "mine" else group) + _filter_clauses(filters, now, calendar.timezone)
        total = _count(s, where, joined=True)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        holder = so.aliased(User)
        rows = s.execute(
            sa.select(UserTask, Dossier, Procedure.code, Procedure.name, holder.username, holder.full_name)
            .join(Dossier, Dossier.id == UserTask.dossier_id)
            .join(Procedure, Procedure.id == Dossier.procedure_id)
            .outerjoin(holder, holder.id == UserTask.assignee_id)
            .where(*where)
            .order_by(UserTask.due_at.asc().nulls_last(), UserTask.created_at, UserTask.id)
            .limit(per_page).offset((page - 1) * per_page)).all()
        near = calendar.add_working_hours(now, NEAR_DUE_WORKING_HOURS)
        items = [_item(t, d, pcode, pname, hname, hfull, user, now, near)
                 for t, d, pcode, pname, hname, hfull in rows]
        return QueuePage(queue, items, counts, page, pages, total, filters)


def _count(s: so.Session, where: list[Any], joined: bool = False) -> int:
    query = sa.select(sa.func.count()).select_from(UserTask)
    if joined:
        query = (query.join(Dossier, Dossier.id == UserTask.dossier_id)
                 .join(Procedure, Procedure.id == Dossier.procedure_id))
    return int(s.scalar(query.where(*where)) or 0)


def _filter_clauses(f: QueueFilters, now: datetime, tz: Any) -> list[Any]:
    clauses: list[Any] = []
    if f.procedure:
        clauses.append(Procedure.code == f.procedure)
    if f.status is not None:
        clauses.append(Dossier.status_code == f.status)
    if f.due_before is not None:
        end_of_day = datetime.combine(f.due_before + timedelta(days=1), time(0), tz)
        clauses.append(UserTask.due_at < end_of_day)
    if f.overdue:
        clauses.append(UserTask.due_at < now)
    if f.applicant:  # folded: "pham thi mai" finds "Phạm Thị Mai" (models/folding.py), on both databases
        clauses += text_clauses(Dossier.search_text, f.applicant)
    if f.code:  # codes are ASCII: lowering them is the same on SQLite and PostgreSQL
        clauses.append(sa.func.lower(Dossier.code).contains(f.code.strip().lower(), autoescape=True))
    return clauses


def _item(t: UserTask, d: Dossier, pcode: str, pname: str, holder: str | None, holder_name: str | None,
          user: User, now: datetime, near: datetime) -> dict[str, Any]:
    return {
        "id": t.id, "dossier": d.code, "procedure": pcode, "procedure_name": pname, "name": t.element_id,
        "title": t.name, "role": t.role, "applicant": d.applicant_name, "status_code": d.status_code,
        "status": status_name(d.status_code), "due_at": t.due_at, "dossier_due_at": d.due_at,
        "overdue": t.due_at is not None and t.due_at < now,
        "near_due": t.due_at is not None and now <= t.due_at <= near,
        "assignee": holder, "assignee_name": holder_name, "mine": t.assignee_id == user.id,
        "coordination": t.agency_id != d.agency_id, "created_at": t.created_at,
    }


# -- claim, release, hand over --------------------------------------------------------------------
def claim_task(services: Services, username: str, task_id: str) -> None:
    """Take an unclaimed task of the group into "mine"; claiming one's own task again changes nothing."""

    def act(s: so.Session, user: User, task: UserTask) -> None:
        if task.assignee_id == user.id:
            return
        if task.assignee_id is not None:
            if substitutes.covers(s, user, task.assignee_id, substitutes.today(services, s)):
                # Issue 12: a substitute takes a task held by the officer it stands in for.
                held_by = task.assignee_id
                _assign(s, task, expected=held_by, to=user.id)
                absent = s.get(User, held_by)
                audit.append(s, at=services.clock.now(), actor=user.username, kind="task_claimed_as_substitute",
                             dossier_id=task.dossier_id, detail={"task": task.id, "name": task.name,
                                                                 "for": absent.username if absent else None})
                return
            holder = s.get(User, task.assignee_id)
            raise Conflict("task.claimed_by_other", holder=holder.full_name if holder else "?")
        _assign(s, task, expected=None, to=user.id)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="task_claimed",
                     dossier_id=task.dossier_id, detail={"task": task.id, "name": task.name})

    _guarded(services, username, task_id, act)


def release_task(services: Services, username: str, task_id: str) -> None:
    """Give a claimed task back to the group's queue."""

    def act(s: so.Session, user: User, task: UserTask) -> None:
        if not may_release_task(user, task):
            raise Forbidden("task.release_holder_only")
        _assign(s, task, expected=user.id, to=None)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="task_released",
                     dossier_id=task.dossier_id, detail={"task": task.id, "name": task.name})

    _guarded(services, username, task_id, act)


def hand_over_task(services: Services, username: str, task_id: str, colleague: str) -> None:
    """Hand a task to a colleague of the same agency holding the task's role; it lands in their "mine"."""

    def act(s: so.Session, user: User, task: UserTask) -> None:
        other = s.scalar(sa.select(User).where(User.username == colleague))
        if other is None:
            raise Invalid("colleague.unknown", "colleague", colleague=colleague)
        if not may_claim_task(user, task):
            raise Conflict("task.held_by_other")
        if not may_hand_over_task(user, task, other):
            raise Invalid("colleague.not_eligible", "colleague", colleague=colleague)
        _assign(s, task, expected=task.assignee_id, to=other.id)
        audit.append(s, at=services.clock.now(), actor=user.username, kind="task_handed_over",
                     dossier_id=task.dossier_id, detail={"task": task.id, "name": task.name, "to": other.username})

    _guarded(services, username, task_id, act)


def colleagues(services: Services, username: str, task_id: str) -> list[dict[str, str]]:
    """Who the officer may hand this task to (same agency, same role, active)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        task = s.get(UserTask, task_id)
        if task is None:
            return []
        return [{"username": u.username, "full_name": u.full_name}
                for u in s.scalars(sa.select(User).where(User.agency_id == task.agency_id, User.active.is_(True))
                                   .order_by(User.username))
                if may_hand_over_task(user, task, u)]


def _assign(s: so.Session, task: UserTask, expected: int | None, to: int | None) -> None:
    """A conditional update: two officers claiming at once cannot both win."""
    holder = UserTask.assignee_id.is_(None) if expected is None else UserTask.assignee_id == expected
    result = s.execute(sa.update(UserTask).where(UserTask.id == task.id, UserTask.completed_at.is_(None), holder)
                       .values(assignee_id=to).execution_options(synchronize_session=False))
    changed = cast("sa.CursorResult[Any]", result).rowcount
    if changed != 1:
        raise Conflict("task.changed")


def _guarded(services: Services, username: str, task_id: str,
             act: Callable[[so.Session, User, UserTask], None]) -> None:
    """Run one task action in its own transaction; a refusal changes nothing and is audited."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        task = s.get(UserTask, task_id)
        if task is None:
            refusal: Refused = NotFound("task.not_found")
            dossier_id: int | None = None
        elif not may_see_task(user, task):  # checked first: tell another agency nothing about the task
            refusal, dossier_id = Forbidden("task.not_yours"), task.dossier_id
        elif task.completed_at is not None:
            refusal, dossier_id = Conflict("task.already_done", by=task.completed_by), task.dossier_id
        else:
            try:
                act(s, user, task)
                uow.commit()
                return
            except Refused as exc:
                refusal, dossier_id = exc, task.dossier_id
    log_refusal(services, username, dossier_id, task_id, refusal)
    raise refusal
