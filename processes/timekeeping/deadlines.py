"""The deadlines of a dossier as durable timer rows, rewritten in the same transaction as its state.

Whenever a dossier's workflow advances (`DossierRun.save`), its deadlines are recomputed from its facts:

* accepted, not paused, not finished: a `statutory_due` row at the appointment (R8.1) and a
  `statutory_warning` row `[deadlines] warning_working_days` before it;
* an open user task with a limit of its own: `forward_limit` for the reception check before acceptance
  (R14.4, ½ working day; the diagram's `due` property, or ½ working day after the task opened when the
  diagram sets none), `step_limit` for any other step (per-step limits, consulted agencies' R8.2) —
  unless the diagram escalates that task itself with a timer boundary event (its "bpmn" timer row
  fires instead, and marks the task overdue: processes/timekeeping/escalations.py);
* paused for a supplement: no pending rows (the clock stops); resumed: rows at the moved due instant;
* finished, delivered, refused: no rows.

A row that fired is kept (`fired_at`): the same overrun is never escalated twice, not even after a
pause or a recomputation; a deadline moved into the future (resume, apology letter) is armed again.
The same hook records pause and resume as audit events (processing time net of waiting, R8.3) and
flags paid fees for refund when the agency stops processing after acceptance (R8.6). What happens
when a row fires is in processes/timekeeping/escalations.py.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.config import ConfigError
from engine.calendar import WorkCalendar
from engine.clock import iso
from engine.timer_values import timer_boundary_hosts
from handlers.reception import FORWARD_LIMIT_HOURS
from models import Dossier, FeePayment, Timer, UserTask
from processes import audit
from processes.dossier.status import FINAL_STATUSES

if TYPE_CHECKING:
    from processes.dossier.dossier_run import DossierRun

DUE = "statutory_due"
WARNING = "statutory_warning"
FORWARD = "forward_limit"
STEP = "step_limit"
KINDS = frozenset({DUE, WARNING, FORWARD, STEP})
STATUTORY = frozenset({DUE, WARNING})
STATUTORY_ELEMENT = "statutory"  # element_id of the dossier-wide rows (task rows name their task)
STOPPED_AFTER_ACCEPTANCE = 8


@dataclass(frozen=True)
class OpenTask:
    task_id: str
    element_id: str
    role: str
    due_at: datetime | None


@dataclass(frozen=True)
class Clock:
    """The facts of a dossier that its deadlines depend on."""

    status_code: int
    accepted_at: datetime | None
    due_at: datetime | None
    paused_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, dossier: Dossier) -> Clock:
        return cls(dossier.status_code, dossier.accepted_at, dossier.due_at, dossier.paused_at,
                   dossier.finished_at)


@dataclass(frozen=True)
class Deadline:
    kind: str
    element_id: str
    task_id: str | None
    due_at: datetime

    @property
    def key(self) -> tuple[str, str, str | None]:
        return self.kind, self.element_id, self.task_id


def warning_working_days(config: Mapping[str, Any]) -> float:
    """`[deadlines] warning_working_days` (default 1); 0 turns the warning off."""
    value = config.get("deadlines", {}).get("warning_working_days", 1)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 365:
        raise ConfigError(f"deadlines.warning_working_days must be a number of working days from 0 to 365, "
                          f"not {value!r}")
    return float(value)


def plan(clock: Clock, tasks: Iterable[OpenTask], calendar: WorkCalendar, warning_days: float,
         drawn: frozenset[str] = frozenset()) -> list[Deadline]:
    """The deadline rows a dossier in this state should have (pure: no database, no "now").
    `drawn`: the user tasks whose limit the diagram escalates itself (a timer boundary event)."""
    if clock.finished_at is not None or clock.status_code in FINAL_STATUSES or clock.paused_at is not None:
        return []
    wanted = []
    if clock.accepted_at is not None and clock.due_at is not None:
        wanted.append(Deadline(DUE, STATUTORY_ELEMENT, None, clock.due_at))
        if warning_days > 0:
            warn_at = calendar.subtract_working_days(clock.due_at, warning_days)
            if warn_at > clock.accepted_at:  # a statutory time shorter than the warning gets no warning
                wanted.append(Deadline(WARNING, STATUTORY_ELEMENT, None, warn_at))
    for task in tasks:
        if task.due_at is None or task.due_at == clock.due_at or task.element_id in drawn:
            continue  # no limit of its own (the appointment's rows cover it), or the diagram's own timer
        kind = FORWARD if task.role == "reception" and clock.accepted_at is None else STEP
        wanted.append(Deadline(kind, task.element_id, task.task_id, task.due_at))
    return wanted


def after_save(run: DossierRun, before: Clock) -> None:
    """Called by DossierRun.save once state and projections are written: the hook of this module."""
    s, d = run.session, run.dossier
    _record_clock(run, before)
    tasks = run.open_tasks  # as DossierRun._sync_tasks left them (ordered by id): no second query
    _settle_task_limits(run, before, tasks)
    _flag_refund(run, before)
    drawn = frozenset(timer_boundary_hosts([run.definition.spec, *run.definition.subprocess_specs.values()])
                      .values())
    wanted = plan(Clock.of(d), [OpenTask(t.id, t.element_id, t.role, t.due_at) for t in tasks],
                  run.calendar, warning_working_days(run.services.config), drawn)
    reconcile(s, d.id, wanted, run.now, paused=d.paused_at is not None,
              rows=[r for r in run.timer_rows if r.kind in KINDS])
    # Written once all is settled (a new task's limit goes into its INSERT, not an UPDATE after it);
    # what runs after the save (escalations, the view) reads the rows.
    s.flush()


def reconcile(s: so.Session, dossier_id: int, wanted: list[Deadline], now: datetime, paused: bool,
              rows: list[Timer] | None = None) -> None:
    """Make the dossier's deadline rows match `wanted`, keeping what already fired for the same overrun.
    `rows`: the dossier's deadline rows ordered by id, when the caller has read them already."""
    if rows is None:
        rows = list(s.scalars(sa.select(Timer).where(Timer.dossier_id == dossier_id, Timer.kind.in_(KINDS))
                              .order_by(Timer.id)))
    existing: dict[tuple[str, str, str | None], Timer] = {}
    for row in rows:
        if (row.kind, row.element_id, row.task_id) in existing:
            s.delete(row)  # one row per deadline
        else:
            existing[(row.kind, row.element_id, row.task_id)] = row
    for deadline in wanted:
        found = existing.pop(deadline.key, None)
        if found is None:
            s.add(Timer(dossier_id=dossier_id, kind=deadline.kind, element_id=deadline.element_id,
                        task_id=deadline.task_id, due_at=deadline.due_at))
        elif found.due_at != deadline.due_at and (found.fired_at is None or deadline.due_at > now):
            found.due_at, found.fired_at, found.attempts, found.last_error = deadline.due_at, None, 0, None
            found.lease_owner, found.lease_expires_at = None, None
        # else: unchanged, or an overrun already escalated (a moved due instant still in the past)
    for row in existing.values():
        if not (paused and row.fired_at is not None and row.kind in STATUTORY):
            s.delete(row)  # a fired statutory row is remembered across a pause


def _settle_task_limits(run: DossierRun, before: Clock, tasks: list[UserTask]) -> None:
    """Open tasks follow a moved appointment; no step's own limit runs past the appointment (the lead
    agency answers for the total time, R8.2); a reception check without a limit gets R14.4's."""
    d = run.dossier
    for task in tasks:
        if before.due_at is not None and d.due_at != before.due_at and task.due_at == before.due_at:
            task.due_at = d.due_at
        if d.due_at is not None and task.due_at is not None and task.due_at > d.due_at:
            task.due_at = d.due_at
        if task.role == "reception" and d.accepted_at is None and task.due_at is None:
            task.due_at = run.calendar.add_working_hours(task.created_at, FORWARD_LIMIT_HOURS)


def _record_clock(run: DossierRun, before: Clock) -> None:
    """Pause and resume of the statutory clock, as audit events a report can net waiting out of."""
    d = run.dossier
    if before.paused_at is None and d.paused_at is not None:
        audit.append(run.session, at=run.now, actor=run.actor, kind="clock_paused", dossier_id=d.id,
                     detail={"paused_at": d.paused_at.isoformat(), "due_at": iso(d.due_at),
                             "supplement_round": d.supplement_count})
    elif before.paused_at is not None and d.paused_at is None:
        waited = run.calendar.working_hours_between(before.paused_at, run.now)
        audit.append(run.session, at=run.now, actor=run.actor, kind="clock_resumed", dossier_id=d.id,
                     detail={"paused_at": before.paused_at.isoformat(), "resumed_at": run.now.isoformat(),
                             "waiting_working_hours": waited, "due_at_before": iso(before.due_at),
                             "due_at": iso(d.due_at)})


def _flag_refund(run: DossierRun, before: Clock) -> None:
    """R8.6: the agency stopped processing an accepted dossier: paid fees are to be refunded."""
    d = run.dossier
    if (d.status_code != STOPPED_AFTER_ACCEPTANCE or before.status_code == STOPPED_AFTER_ACCEPTANCE
            or d.accepted_at is None or d.refund_flagged):
        return
    paid = run.session.scalar(sa.select(FeePayment).where(FeePayment.dossier_id == d.id))
    if paid is None or paid.amount_vnd <= 0:
        return  # nothing was paid, nothing to refund
    d.refund_flagged = True
    audit.append(run.session, at=run.now, actor=run.actor, kind="refund_flagged", dossier_id=d.id,
                 detail={"amount_vnd": paid.amount_vnd, "receipt_no": paid.receipt_no, "rule": "R8.6"})


def net_processing_hours(calendar: WorkCalendar, accepted_at: datetime, until: datetime,
                         pauses: Iterable[tuple[datetime, datetime | None]]) -> float:
    """Working hours from acceptance to `until`, without the working hours spent waiting for the
    applicant (pauses as (paused_at, resumed_at or None while still paused)), for R8.3 reports."""
    total = calendar.working_hours_between(accepted_at, until)
    for paused_at, resumed_at in pauses:
        start, end = max(paused_at, accepted_at), min(resumed_at or until, until)
        total -= calendar.working_hours_between(start, end)
    return max(total, 0.0)

