"""Advance a dossier's workflow inside a unit of work and write everything it changed:
state (version N+1), facts, the user-task and timer projections, notices, outbox and audit."""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.calendar import WorkCalendar
from engine.clock import Clock
from engine.definitions import UserTaskInfo
from engine.runner import EngineError, Instance
from handlers.registry import DossierFacts, HandlerContext, ProcedureFacts
from models import (
    Agency,
    Attachment,
    Dossier,
    DossierIntake,
    DossierNotice,
    OutboxMessage,
    Procedure,
    Timer,
    User,
    UserTask,
)
from processes import audit
from processes.dossier.access_log import DISCLOSED
from processes.dossier.status import shown_status
from processes.errors import Unprocessable
from processes.inbox import events as inbox_events
from processes.inbox import inbox
from processes.notices import national, sending
from processes.notices.templates import event_of
from processes.people.users import active_officers
from processes.timekeeping import deadlines

# Built once: building a statement costs about as much as running it (SQLAlchemy coerces every
# clause); the hot use cases run these with bound values.
_OPEN_TASKS = sa.select(UserTask).where(UserTask.dossier_id == sa.bindparam("dossier_id"),
                                        UserTask.completed_at.is_(None))
_TIMERS = sa.select(Timer).where(Timer.dossier_id == sa.bindparam("dossier_id")).order_by(Timer.id)
_ATTACHMENTS = sa.select(Attachment).where(Attachment.dossier_id == sa.bindparam("dossier_id"))

PAPER = "paper"  # a document seen on paper at the counter, stored nowhere (processes/desk/counter.py)

# A diagram's script spent its budget (engine.sandbox.Limits), by the limit it reached.
_BUDGET_CODES = {"seconds": "workflow.script_budget.seconds", "steps": "workflow.script_budget.steps",
                 "size": "workflow.script_budget.size"}

_FACT_FIELDS = [f.name for f in fields(DossierFacts) if f.name not in {"code", "applicant_name", "form",
                                                                        "documents", "result_channel",
                                                                        "channel"}]


def procedure_facts(procedure: Procedure) -> ProcedureFacts:
    cat = procedure.catalogue
    return ProcedureFacts(code=procedure.code, name=procedure.name,
                          processing_time_days=procedure.processing_time_days, same_day=procedure.same_day,
                          documents=list(cat.get("documents", [])), fees=list(cat.get("fees", [])),
                          catalogue=cat)


class DossierRun:
    """One advance of one dossier. Build it, act on `instance`, then `save()`."""

    def __init__(self, services: Services, session: so.Session, dossier: Dossier, procedure: Procedure,
                 actor: str, clock: Clock | None = None):
        self.services, self.session, self.dossier, self.procedure = services, session, dossier, procedure
        self.clock = clock or services.clock
        self.actor, self.now = actor, self.clock.now()
        # The form of the user task this advance completes (set by processes.desk.tasks): a task opened
        # by it after a "return" decision goes back to the officer who did it last, with the reason.
        self.completed: Mapping[str, Any] | None = None
        self.calendar = services.calendar(session)
        self.definition = services.definition(session, dossier.definition_id)
        documents: Mapping[str, str] = _Documents(session, dossier.id) if dossier.id else {}
        self.facts = DossierFacts(
            code=dossier.code, status_code=dossier.status_code, applicant_name=dossier.applicant_name,
            result_channel=dossier.result_channel, form=dict(dossier.form), documents=documents,
            channel=dossier.channel,
            **{name: getattr(dossier, name) for name in _FACT_FIELDS if name != "status_code"})
        self.contexts: list[HandlerContext] = []
        self.instance: Instance
        # Written by save(), read by the deadlines hook: the open task rows and the dossier's timer
        # rows, so that each is queried once per save.
        self.open_tasks: list[UserTask] = []
        self.timer_rows: list[Timer] = []
        self.started = False
        # As loaded: a change of status or appointment is pushed to the national portal.
        self.status_before, self.due_before = dossier.status_code, dossier.due_at

    # -- the engine's view -------------------------------------------------------------------------
    def call_handler(self, element_id: str, topic: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
        handler = self.services.handlers.get(topic)
        ctx = HandlerContext(element_id=element_id, topic=topic, dossier=self.facts,
                             procedure=procedure_facts(self.procedure), variables=dict(variables),
                             now=self.now, calendar=self.calendar,
                             properties=self.definition.service_properties(element_id))
        self.contexts.append(ctx)
        return handler(ctx)

    def start(self, variables: Mapping[str, Any]) -> Instance:
        self.started = True  # a new workflow: its dossier has no task or timer rows yet
        return self._guard(lambda: self.services.runner.start(
            self.definition, variables, self.clock, self.call_handler, self.calendar))

    def load(self) -> Instance:
        self.instance = self.services.runner.load(self.definition, self.dossier.state,
                                                  self.clock, self.call_handler, self.calendar)
        return self.instance

    def act(self, step: Callable[[], Any]) -> Any:
        """Run one engine step, turning engine failures into a refusal that saves nothing."""
        return self._guard(step)

    def _guard(self, step: Callable[[], Any]) -> Any:
        try:
            result = step()
        except EngineError as exc:
            if exc.budget is not None:  # a script or expression of the diagram spent its budget
                raise Unprocessable(_BUDGET_CODES[exc.budget.limit], exc.element_id,
                                    element=exc.element_id or "-", limit=f"{exc.budget.value:g}") from exc
            raise Unprocessable("workflow.step_failed", exc.element_id, element=exc.element_id or "-",
                                problem=exc.message) from exc
        if isinstance(result, Instance):
            self.instance = result
        return result

    # -- writing -----------------------------------------------------------------------------------
    def save(self) -> None:
        d, instance = self.dossier, self.instance
        before = deadlines.Clock.of(d)  # the facts as loaded: pause, resume and moves are told apart
        for name in _FACT_FIELDS:
            setattr(d, name, getattr(self.facts, name))
        ready = instance.ready_tasks()
        d.status_code = shown_status(d.status_code, [t.info.status_code for t in ready if t.info.status_code])
        d.state = self.services.runner.dump(instance)
        self.session.flush()  # the version check happens here: a concurrent writer fails now
        self._sync_tasks(ready)
        self._sync_timers()
        self._write_effects()
        if self.started or d.status_code != self.status_before or d.due_at != self.due_before:
            national.queue_sync(self.services, self.session, d, self.procedure, self.actor, self.now,
                                created=self.started, status_changed=d.status_code != self.status_before)
        deadlines.after_save(self, before)  # deadline timers, clock pause/resume events, refund flag

    def _sync_tasks(self, ready: list[Any]) -> None:
        existing = {} if self.started else {t.id: t for t in self.session.scalars(
            _OPEN_TASKS, {"dossier_id": self.dossier.id})}
        variables = self.instance.variables
        self.open_tasks = []
        for task in ready:
            if task.task_id in existing:
                row = existing.pop(task.task_id)
                self.open_tasks.append(row)
                if (row.element_id, row.name, row.role) != (task.info.element_id, task.info.name, task.info.role):
                    # The dossier moved to another version of its diagram: same task, new element.
                    agency_id = self._task_agency(task.info, task.variables)
                    if (row.role, row.agency_id) != (task.info.role, agency_id):
                        row.assignee_id = None
                    row.element_id, row.name, row.role, row.agency_id = (
                        task.info.element_id, task.info.name, task.info.role, agency_id)
                continue
            added = UserTask(id=task.task_id, dossier_id=self.dossier.id,
                             element_id=task.info.element_id, name=task.info.name,
                             role=task.info.role, agency_id=self._task_agency(task.info, task.variables),
                             due_at=self._task_due(task.info, variables), created_at=self.now)
            self.session.add(added)
            self.open_tasks.append(added)
            inbox_events.task_opened(self.session, self.dossier, added, self.actor, self.now, self.completed)
            if added.agency_id != self.dossier.agency_id:  # a consulted agency now sees the applicant's data
                audit.append(self.session, at=self.now, actor=self.actor, kind=DISCLOSED, dossier_id=self.dossier.id,
                             detail={"to_agency": added.agency_id, "purpose": "consultation",
                                     "task": task.info.element_id})
        for gone in existing.values():  # cancelled (e.g. by a boundary event), not completed by a person
            self.session.delete(gone)
        self.open_tasks.sort(key=lambda t: t.id)

    def _task_due(self, info: UserTaskInfo, variables: Mapping[str, Any]) -> datetime | None:
        return task_due(info, variables, self.calendar, self.now, self.dossier.due_at)

    def _task_agency(self, info: UserTaskInfo, variables: Mapping[str, Any]) -> int:
        """The lead agency, or the consulted agency named by the task's `agency` property (R8.2), or by
        the task's variable that `agency_variable` names (each instance of a multi-instance task over
        the agencies to consult has its own, in its own queue)."""
        key = info.properties.get("agency")
        if info.properties.get("agency_variable"):
            key = str(variables.get(info.properties["agency_variable"]) or "")
        if not key:
            return self.dossier.agency_id
        code = self.procedure.catalogue.get("agencies", {}).get(key)
        agency_id = self.session.scalar(sa.select(Agency.id).where(Agency.code == code)) if code else None
        if agency_id is None:
            raise Unprocessable("workflow.consulted_agency_unknown", info.element_id, element=info.element_id,
                                agency=key)
        return agency_id

    def _sync_timers(self) -> None:
        waiting = {t.task_id: t for t in self.instance.waiting_timers()}
        self.timer_rows = [] if self.started else list(self.session.scalars(
            _TIMERS, {"dossier_id": self.dossier.id}))
        for row in (r for r in self.timer_rows if r.kind == "bpmn"):
            if row.task_id in waiting and waiting[row.task_id].due_at == row.due_at:
                waiting.pop(row.task_id)
            else:
                self.session.delete(row)
        for t in waiting.values():
            self.session.add(Timer(dossier_id=self.dossier.id, kind="bpmn", task_id=t.task_id,
                                   element_id=t.element_id, due_at=t.due_at))

    def _write_effects(self) -> None:
        d = self.dossier
        noticed = self.started or any(ctx.notices for ctx in self.contexts)
        applicant = self.session.get(User, d.applicant_id) if noticed and d.applicant_id is not None else None
        if self.started:  # the confirmation that the dossier was received
            sending.queue_notice(self.services, self.session, d, self.procedure, applicant, "submitted",
                                 "Đã nhận hồ sơ", "", f"{d.code}:submitted", self.now)
        for n, ctx in enumerate(self.contexts):
            for notice in ctx.notices:
                self.session.add(DossierNotice(dossier_id=d.id, at=self.now, form_no=notice.form_no,
                                               title=notice.title, body=notice.body))
                if applicant is not None:  # the applicant's in-app inbox (issue 12)
                    inbox.notify(self.session, [applicant.id], inbox.NOTICE, d.id,
                                 {"code": d.code, "title": notice.title, "form": notice.form_no}, self.now)
                key = f"{d.code}:{d.version}:{n}:{notice.form_no or notice.title}"
                sending.queue_notice(self.services, self.session, d, self.procedure, applicant,
                                     event_of(notice.form_no, ctx.topic), notice.title, notice.body, key, self.now)
            for alert in ctx.alerts:  # to the dossier's agency, or to the consulted agency named (R8.2)
                agency_id = d.agency_id if alert.agency is None else self.session.scalar(
                    sa.select(Agency.id).where(Agency.code == alert.agency))
                for officer in active_officers(self.session, agency_id) if agency_id is not None else []:
                    if officer.has_role(alert.role) and officer.email:
                        self._outbox("email", officer.email, alert.title, alert.body,
                                     f"alert:{d.code}:{d.version}:{n}:{officer.id}")
            for kind, detail in ctx.events:
                audit.append(self.session, at=self.now, actor=self.actor, kind=kind,
                             detail={"element": ctx.element_id, **detail}, dossier_id=d.id)

    def _outbox(self, channel: str, to: str, subject: str, body: str, key: str) -> None:
        self.session.add(OutboxMessage(key=key, channel=channel, recipient=to, subject=subject, body=body,
                                       dossier_id=self.dossier.id, created_at=self.now,
                                       next_attempt_at=self.now))


class _Documents(Mapping[str, str]):
    """The dossier's documents (key -> SHA-256), read from the database only when a handler looks."""

    def __init__(self, session: so.Session, dossier_id: int):
        self._session, self._dossier_id = session, dossier_id
        self._found: dict[str, str] | None = None

    def _rows(self) -> dict[str, str]:
        if self._found is None:
            intake = self._session.get(DossierIntake, self._dossier_id)
            # A paper seen at the counter (no scan) is present: "paper" stands for its checksum.
            self._found = {key: PAPER for key in (intake.papers_seen if intake else [])}
            self._found.update({a.document_key: a.sha256 for a in self._session.scalars(
                _ATTACHMENTS, {"dossier_id": self._dossier_id})})
        return self._found

    def __getitem__(self, key: str) -> str:
        return self._rows()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())


def task_due(info: UserTaskInfo, variables: Mapping[str, Any], calendar: WorkCalendar, now: datetime,
             appointment: datetime | None) -> datetime | None:
    """A task's due instant: a variable named by `due`, `due_days` working days from now (a consulted
    agency's sub-deadline, R8.2), or the dossier's appointment."""
    if info.properties.get("due"):
        return _instant(variables.get(info.properties["due"]))
    if info.properties.get("due_days"):
        return calendar.add_working_days(now, float(info.properties["due_days"]))
    return appointment


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None
