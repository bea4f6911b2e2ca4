"""What happens when a deadline timer fires (called by processes.timekeeping.timers.fire_timer, inside its
transaction, for every timer kind but "bpmn").

* `forward_limit` (R14.4) and `step_limit` (per-step limits, R8.2): the open task is marked overdue and
  the leaders of the task's agency are alerted (and its assignee, for a step). A task whose limit the
  diagram escalates itself (a timer boundary event) gets no such row: when that "bpmn" timer fires, its
  handler alerts whom the analyst drew, and `mark_drawn_overdue` marks the task overdue.
* `statutory_warning`: the assignees (or, for an unclaimed task, the holders of its role) and the
  leaders are warned that the appointment is near.
* `statutory_due` (R8.1): the dossier is late; open tasks are overdue; the leaders are told that the
  agency must issue the apology-and-new-date letter (form 04, processes.desk.apology) before the applicant
  is given a new date.

A timer that no longer applies (the task was done, the dossier finished or paused meanwhile, the due
instant moved) fires as a no-op: it is still fired once and says why nothing was escalated.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.timer_values import timer_boundary_hosts
from handlers.texts import fmt_instant
from models import Dossier, OutboxMessage, Procedure, Timer, User, UserTask
from processes import audit
from processes.access import SYSTEM
from processes.dossier.status import FINAL_STATUSES
from processes.inbox import inbox
from processes.people.users import active_officers
from processes.timekeeping import deadlines

ACTOR = SYSTEM  # timers act as the machine account (processes.access.SYSTEM)


class TimerDefect(Exception):
    """A timer that no retry can fire (its dossier is gone, its kind unknown, its workflow broken):
    it is parked and an incident is raised at once."""


@dataclass
class Firing:
    services: Services
    session: so.Session
    timer: Timer
    dossier: Dossier
    procedure: Procedure
    now: datetime

    def alert(self, users: list[User], subject: str, body: str, kind: str = inbox.LATE) -> list[str]:
        """One e-mail per officer through the outbox; the key makes each timer's alert unique. Each is
        also told in the in-app inbox (issue 12), as `kind` (inbox.DUE_SOON or inbox.LATE)."""
        inbox.notify(self.session, [u.id for u in users], kind, self.dossier.id,
                     {"code": self.dossier.code, "due_at": self.timer.due_at.isoformat()}, self.now)
        sent = []
        for user in users:
            if user.email:
                key = f"deadline:{self.timer.id}:{self.timer.due_at.isoformat()}:{user.id}"
                self.session.add(OutboxMessage(
                    key=key, channel="email", recipient=user.email, subject=subject, body=body,
                    dossier_id=self.dossier.id, created_at=self.now, next_attempt_at=self.now))
            sent.append(user.username)
        return sent

    def record(self, kind: str, **detail: Any) -> None:
        audit.append(self.session, at=self.now, actor=ACTOR, kind=kind, dossier_id=self.dossier.id,
                     detail=detail)


def fire(services: Services, s: so.Session, timer: Timer, dossier: Dossier, procedure: Procedure,
         now: datetime) -> dict[str, Any]:
    """Escalate one due deadline timer and mark it fired; return what was done (for the audit)."""
    escalate = _ESCALATIONS.get(timer.kind)
    if escalate is None:
        raise TimerDefect(f"timer {timer.id} has an unknown kind {timer.kind!r}")
    firing = Firing(services, s, timer, dossier, procedure, now)
    if dossier.finished_at is not None or dossier.status_code in FINAL_STATUSES:
        outcome: dict[str, Any] = {"escalated": False, "reason": "the dossier is finished"}
    elif dossier.paused_at is not None:
        outcome = {"escalated": False, "reason": "the clock is paused (supplement requested)"}
    else:
        outcome = escalate(firing)
    timer.fired_at, timer.lease_owner, timer.lease_expires_at = now, None, None
    return outcome


def _task_limit(f: Firing) -> dict[str, Any]:
    task = f.session.get(UserTask, f.timer.task_id) if f.timer.task_id else None
    if task is None or task.completed_at is not None:
        return {"escalated": False, "reason": "the task was done in time"}
    task.overdue_at = task.overdue_at or f.now
    officers = active_officers(f.session, task.agency_id)
    recipients = [u for u in officers if u.has_role("leader") or u.id == task.assignee_id]
    if f.timer.kind == deadlines.FORWARD:
        alerted = f.alert(recipients, f"Hồ sơ {f.dossier.code} quá hạn chuyển xử lý",
                          f"Hồ sơ {f.dossier.code} ({f.procedure.name}) chưa được bộ phận một cửa kiểm tra, "
                          f"chuyển xử lý trong ½ ngày làm việc (hạn {fmt_instant(f.timer.due_at)}).")
    else:
        alerted = f.alert(recipients, f"Hồ sơ {f.dossier.code}: bước \"{task.name}\" quá hạn",
                          f"Bước \"{task.name}\" của hồ sơ {f.dossier.code} ({f.procedure.name}) quá hạn "
                          f"lúc {fmt_instant(f.timer.due_at)}.")
    f.record("task_overdue", task=task.id, element=task.element_id, name=task.name, role=task.role,
             limit=f.timer.kind, due_at=f.timer.due_at.isoformat(), alerted=alerted)
    return {"escalated": True, "task": task.id, "alerted": alerted}


def _warning(f: Firing) -> dict[str, Any]:
    due = f.dossier.due_at
    if due is None or due <= f.now or f.timer.due_at >= due:
        return {"escalated": False, "reason": "the appointment moved or has passed"}
    tasks = f.session.scalars(sa.select(UserTask).where(UserTask.dossier_id == f.dossier.id,
                                                        UserTask.completed_at.is_(None))).all()
    officers = active_officers(f.session, f.dossier.agency_id, *(t.agency_id for t in tasks))
    recipients = {u.id: u for u in officers if u.agency_id == f.dossier.agency_id and u.has_role("leader")}
    for task in tasks:
        for user in officers:
            if user.agency_id == task.agency_id and (
                    user.id == task.assignee_id or (task.assignee_id is None and user.has_role(task.role))):
                recipients[user.id] = user
    alerted = f.alert(sorted(recipients.values(), key=lambda u: u.id), f"Hồ sơ {f.dossier.code} sắp đến hạn",
                      f"Hồ sơ {f.dossier.code} ({f.procedure.name}) phải có kết quả trước "
                      f"{fmt_instant(due)}. Hãy hoàn thành các bước còn lại.", kind=inbox.DUE_SOON)
    f.record("deadline_warning", due_at=due.isoformat(), alerted=alerted)
    return {"escalated": True, "alerted": alerted}


def _due(f: Firing) -> dict[str, Any]:
    due = f.dossier.due_at
    if due is None or due > f.now:
        return {"escalated": False, "reason": "the appointment moved"}
    f.dossier.late = True
    overdue = []
    for task in f.session.scalars(sa.select(UserTask).where(UserTask.dossier_id == f.dossier.id,
                                                            UserTask.completed_at.is_(None))):
        task.overdue_at = task.overdue_at or f.now
        overdue.append(task.id)
    leaders = [u for u in active_officers(f.session, f.dossier.agency_id) if u.has_role("leader")]
    alerted = f.alert(leaders, f"Hồ sơ {f.dossier.code} đã quá hạn trả kết quả",
                      f"Hồ sơ {f.dossier.code} ({f.procedure.name}) đã quá hạn trả kết quả "
                      f"({fmt_instant(due)}). Cơ quan phải ban hành Phiếu xin lỗi và hẹn lại ngày trả "
                      f"kết quả (mẫu 04) trước khi báo ngày hẹn mới cho người nộp.")
    f.record("deadline_passed", due_at=due.isoformat(), overdue_tasks=overdue, alerted=alerted,
             apology_required=True)
    return {"escalated": True, "late": True, "alerted": alerted}


def mark_drawn_overdue(services: Services, s: so.Session, dossier: Dossier, fired: list[str],
                       now: datetime, open_tasks: list[UserTask] | None = None) -> list[str]:
    """The diagram's own timer boundary events fired: their open host tasks whose limit has passed are
    overdue (the escalation itself is the diagram's). Returns the ids of the tasks marked.
    `open_tasks`: the dossier's open task rows, when the caller has them (a dossier run just saved)."""
    definition = services.definition(s, dossier.definition_id)
    hosts = timer_boundary_hosts([definition.spec, *definition.subprocess_specs.values()])
    elements = {hosts[e] for e in fired if e in hosts}
    marked = []
    if open_tasks is None:
        open_tasks = list(s.scalars(sa.select(UserTask).where(UserTask.dossier_id == dossier.id,
                                                              UserTask.completed_at.is_(None))))
    for task in open_tasks:
        if task.element_id in elements and task.due_at is not None and task.due_at <= now \
                and task.overdue_at is None:
            task.overdue_at = now
            marked.append(task.id)
            audit.append(s, at=now, actor=ACTOR, kind="task_overdue", dossier_id=dossier.id,
                         detail={"task": task.id, "element": task.element_id, "name": task.name,
                                 "role": task.role, "limit": "diagram", "due_at": task.due_at.isoformat(),
                                 "alerted": "by the diagram's own timer"})
    return marked



_ESCALATIONS: dict[str, Callable[[Firing], dict[str, Any]]] = {
    deadlines.FORWARD: _task_limit, deadlines.STEP: _task_limit,
    deadlines.WARNING: _warning, deadlines.DUE: _due,
}
