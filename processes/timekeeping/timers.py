"""Fire due timers exactly once, from any number of sweepers (DESIGN "Time").

Claiming is one statement: PostgreSQL skips rows another sweeper has locked
(``FOR UPDATE SKIP LOCKED``); SQLite runs it under its single write lock. A claim is a lease: a
sweeper that dies mid-batch leaves leases that expire, and the next sweep takes the timers over.
Each timer fires in its own transaction, which also writes one `timer_fired` audit event: a BPMN
timer advances the workflow; a deadline timer escalates (processes/timekeeping/escalations.py) and is kept as
fired. A failure is retried with backoff, then parked with an incident; a timer that no retry can
fire (its dossier is gone, its workflow cannot advance) is parked with an incident at once.
"""
from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.clock import Clock, ManualClock
from models import Dossier, Procedure, Timer
from processes import audit
from processes.access import SYSTEM
from processes.dossier.dossier_run import DossierRun
from processes.errors import Unprocessable
from processes.operations.incidents import raise_incident
from processes.timekeeping import escalations
from processes.timekeeping.escalations import TimerDefect
from processes.uow import UnitOfWork

PARKED = datetime(9999, 1, 1, tzinfo=UTC)  # a timer whose retries ran out waits for an operator


@dataclass
class SweepResult:
    claimed: int = 0
    fired: int = 0
    failed: int = 0


def sweeper_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_due_timers(services: Services, now: datetime, owner: str, batch: int) -> list[tuple[int, int | None]]:
    """Lease up to `batch` due timers to `owner`; return their ids with their dossiers'."""
    lease = timedelta(seconds=float(services.config["timers"]["lease_seconds"]))
    with UnitOfWork(services.session_factory) as uow:
        due = (sa.select(Timer.id)
               .where(Timer.due_at <= now, Timer.fired_at.is_(None),
                      sa.or_(Timer.lease_expires_at.is_(None), Timer.lease_expires_at < now),
                      ~sa.exists().where(Dossier.id == Timer.dossier_id, Dossier.suspended_at.is_not(None)))
               .order_by(Timer.due_at, Timer.id).limit(batch))
        if uow.session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed: list[tuple[int, int | None]] = [(int(t), d) for t, d in uow.session.execute(
            sa.update(Timer).where(Timer.id.in_(due.scalar_subquery()))
            .values(lease_owner=owner, lease_expires_at=now + lease).returning(Timer.id, Timer.dossier_id))]
        uow.commit()
    return claimed


_TIMER_DOSSIER_PROCEDURE = (sa.select(Timer, Dossier, Procedure)  # built once: the sweep runs it per timer
                            .outerjoin(Dossier, Dossier.id == Timer.dossier_id)
                            .outerjoin(Procedure, Procedure.id == Dossier.procedure_id)
                            .where(Timer.id == sa.bindparam("timer_id")).with_for_update(of=Timer)
                            .options(so.defer(Procedure.catalogue)))


def fire_timer(services: Services, timer_id: int, clock: Clock, owner: str) -> bool:
    """Fire one claimed timer in its own transaction; False when it was not ours or not due.

    The timer row is locked first (PostgreSQL), so a dossier action that moves the deadline meanwhile
    either waits for this firing or, having moved it first, makes this sweeper see the lease gone."""
    with UnitOfWork(services.session_factory) as uow:
        if not _fire(services, uow.session, timer_id, clock, owner):
            return False
        uow.commit()
    return True


def fire_together(services: Services, timer_ids: Sequence[int], clock: Clock, owner: str) -> int:
    """Fire several claimed timers in one transaction (one commit, one fsync): how many fired. Any
    failure raises and leaves nothing of the batch written; the caller then fires each alone, so that
    only the failing timer's dossier is kept back (`fire_due_timers`). Timers come in dossier order:
    two sweepers whose batches share dossiers lock them in the same order and never deadlock."""
    fired = 0
    with UnitOfWork(services.session_factory) as uow:
        for timer_id in timer_ids:
            fired += _fire(services, uow.session, timer_id, clock, owner)
        uow.commit()
    return fired


def _fire(services: Services, s: so.Session, timer_id: int, clock: Clock, owner: str) -> bool:
    now = clock.now()
    # One round trip: the timer (locked) with its dossier (and its compressed workflow state, a few
    # KB) and procedure; the catalogue loads only when a handler needs it.
    row = s.execute(_TIMER_DOSSIER_PROCEDURE, {"timer_id": timer_id}).first()
    if row is None:
        return False  # fired and removed meanwhile
    timer, dossier, procedure = row
    if timer.lease_owner != owner or timer.fired_at is not None or timer.due_at > now:
        return False  # fired meanwhile, moved, or taken over after our lease expired
    if dossier is None or procedure is None:
        raise TimerDefect(f"timer {timer_id} ({timer.kind} {timer.element_id}) belongs to dossier "
                          f"{timer.dossier_id}, which no longer exists")
    detail = {"timer_id": timer.id, "kind": timer.kind, "timer": timer.element_id,
              "due_at": timer.due_at.isoformat(),
              "lateness_s": round((now - timer.due_at).total_seconds(), 3)}
    if timer.kind == "bpmn":
        run = DossierRun(services, s, dossier, procedure, SYSTEM, clock)
        instance = run.load()
        fired = run.act(instance.fire_due_timers)
        audit.append(s, at=now, actor=SYSTEM, kind="timer_fired", dossier_id=dossier.id,
                     detail={**detail, "fired": fired})
        run.save()  # rewrites the timer projection: the fired timer's row goes away
        escalations.mark_drawn_overdue(services, s, dossier, fired, now, open_tasks=run.open_tasks)
        if not (sa.inspect(timer).deleted or sa.inspect(timer).was_deleted) and timer.element_id in fired:
            s.delete(timer)
    else:
        outcome = escalations.fire(services, s, timer, dossier, procedure, now)
        audit.append(s, at=now, actor=SYSTEM, kind="timer_fired", dossier_id=dossier.id,
                     detail={**detail, **outcome})
    return True


def record_failure(services: Services, timer_id: int, now: datetime, error: str,
                   permanent: bool = False, kind: str = "timer_failed") -> None:
    """Release the lease with backoff; after the last attempt (or at once, for a failure no retry can
    mend) park the timer and raise an incident (R9.2)."""
    cfg = services.config["timers"]
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        timer = s.get(Timer, timer_id)
        if timer is None:
            return
        timer.attempts += 1
        timer.last_error = error[:2000]
        timer.lease_owner = None
        if permanent or timer.attempts >= int(cfg["max_attempts"]):
            timer.lease_expires_at = PARKED
            dossier_exists = s.get(Dossier, timer.dossier_id) is not None
            # The message starts "timer ID (": the console's retry resolves it (processes/operations).
            raise_incident(s, now, kind,
                           f"timer {timer.id} ({timer.kind} {timer.element_id} of dossier "
                           f"{timer.dossier_id}) failed {timer.attempts} time(s) and is parked: {error}",
                           timer.dossier_id if dossier_exists else None)
        else:
            backoff = float(cfg["retry_base_seconds"]) * 2 ** (timer.attempts - 1)
            timer.lease_expires_at = now + timedelta(seconds=backoff)
        uow.commit()


def fire_due_timers(services: Services, at: datetime | None = None, owner: str | None = None,
                    batch: int | None = None, on_commit: Callable[[int], object] | None = None) -> SweepResult:
    """One sweep: claim what is due by `at` (default now) and fire each once, `[timers]
    firings_per_transaction` at a time (1: each in its own transaction). A transaction of several that
    fails is undone whole and its timers are fired again one by one: a failure keeps back only its own
    dossier, and is retried or parked as when firing alone. `on_commit(n)` is told after each commit
    how many timers it fired (the benchmark measures lateness with it)."""
    clock: Clock = ManualClock(at) if at is not None else services.clock
    now = clock.now()
    owner = owner or sweeper_name()
    result = SweepResult()
    cfg = services.config["timers"]
    claimed = claim_due_timers(services, now, owner, batch or int(cfg["batch_size"]))
    result.claimed = len(claimed)
    together = max(1, int(cfg.get("firings_per_transaction", 1)))
    ordered = [timer_id for _, timer_id in sorted((dossier_id or 0, timer_id) for timer_id, dossier_id in claimed)]
    for start in range(0, len(ordered), together):
        chunk = ordered[start:start + together]
        if len(chunk) > 1:
            try:
                fired = fire_together(services, chunk, clock, owner)
            except Exception:  # noqa: BLE001 - which timer failed, and why, is found by firing each alone
                pass
            else:
                result.fired += fired
                if on_commit is not None:
                    on_commit(fired)
                continue
        for timer_id in chunk:
            _fire_alone(services, timer_id, clock, owner, now, result, on_commit)
    return result


def _fire_alone(services: Services, timer_id: int, clock: Clock, owner: str, now: datetime,
                result: SweepResult, on_commit: Callable[[int], object] | None) -> None:
    try:
        if fire_timer(services, timer_id, clock, owner):
            result.fired += 1
            if on_commit is not None:
                on_commit(1)
    except (TimerDefect, Unprocessable) as exc:  # no retry can mend it: an incident at once
        result.failed += 1
        record_failure(services, timer_id, now, f"{type(exc).__name__}: {exc}", permanent=True,
                       kind="handler_failed" if isinstance(exc, Unprocessable) else "timer_failed")
    except Exception as exc:  # one bad timer never stops the sweep; it is retried, then an incident
        result.failed += 1
        record_failure(services, timer_id, now, f"{type(exc).__name__}: {exc}")


def sweep_until_done(services: Services, at: datetime | None = None, owner: str | None = None,
                     batch: int | None = None, on_commit: Callable[[int], object] | None = None) -> SweepResult:
    """Sweep batch after batch until nothing more is due by `at` (catch-up after downtime).

    Ends: every claim leases its timers past `at`, so no timer is claimed twice in one call."""
    total = SweepResult()
    now = at if at is not None else services.clock.now()
    while True:
        result = fire_due_timers(services, at=now, owner=owner, batch=batch, on_commit=on_commit)
        total.claimed += result.claimed
        total.fired += result.fired
        total.failed += result.failed
        if result.claimed == 0:
            return total
