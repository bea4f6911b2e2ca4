"""The operations console's use cases (issue 12), as Camunda's Cockpit or spiff-arena offer them:
running dossiers by procedure, version, state and agency; one dossier's variables, open tasks,
waiting timers and messages; incidents; and the repairs — retry a parked timer, resend a failed
message, suspend/resume a dossier, cancel it with a reason. Each repair is audited and refused with a
reason where it cannot apply. System administrators act on every agency; agency administrators on
the dossiers of their own agency (messages and incidents without a dossier: administrators only)."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, Dossier, Incident, OutboxMessage, Procedure, ProcessDefinition, Timer, User, UserTask
from processes import audit
from processes.access import authorise, may_enter_operations, may_operate
from processes.acts.notices import notify_applicant
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import FINAL_STATUSES, DossierStatus, status_name
from processes.errors import Conflict, Invalid, NotFound, Reason, collect
from processes.operations.incidents import resolve_matching
from processes.timekeeping.timers import PARKED
from processes.uow import UnitOfWork

PER_PAGE = 50
MAX_REASON = 2000


def _scope(user: User) -> int | None:
    """The agency an operator is limited to (None: every agency)."""
    return None if user.has_role("admin") else user.agency_id


def _running() -> list[Any]:
    return [Dossier.finished_at.is_(None), Dossier.status_code.not_in([int(s) for s in FINAL_STATUSES])]


def running_dossiers(services: Services, username: str, procedure: str = "", version: int | None = None,
                     status: int | None = None, agency: str = "", suspended: bool = False,
                     page: int = 1) -> dict[str, Any]:
    """Counts of running dossiers by procedure × version × state × agency, and one page of them."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        where = _running()
        scope = _scope(me)
        if scope is not None:
            where.append(Dossier.agency_id == scope)
        if procedure:
            where.append(Procedure.code == procedure)
        if version is not None:
            where.append(ProcessDefinition.version == version)
        if status is not None:
            where.append(Dossier.status_code == status)
        if agency:
            where.append(Agency.code == agency)
        if suspended:
            where.append(Dossier.suspended_at.is_not(None))

        def joined(query: Any) -> Any:
            return (query.join(Procedure, Procedure.id == Dossier.procedure_id)
                    .join(ProcessDefinition, ProcessDefinition.id == Dossier.definition_id)
                    .join(Agency, Agency.id == Dossier.agency_id).where(*where))

        groups = s.execute(joined(sa.select(Procedure.code, Procedure.name, ProcessDefinition.version,
                                            Dossier.status_code, Agency.code, Agency.name, sa.func.count()))
                           .group_by(Procedure.code, Procedure.name, ProcessDefinition.version,
                                     Dossier.status_code, Agency.code, Agency.name)
                           .order_by(Procedure.code, ProcessDefinition.version, Dossier.status_code,
                                     Agency.code)).all()
        total = sum(int(g[6]) for g in groups)
        pages = max(1, -(-total // PER_PAGE))
        page = min(max(page, 1), pages)
        rows = s.execute(joined(sa.select(Dossier, Procedure.code, ProcessDefinition.version, Agency.code))
                         .order_by(Dossier.received_at.desc(), Dossier.id.desc())
                         .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        return {
            "groups": [{"procedure": pc, "procedure_name": pn, "version": v, "status_code": sc,
                        "status": status_name(sc), "agency": ac, "agency_name": an, "count": int(n)}
                       for pc, pn, v, sc, ac, an, n in groups],
            "items": [{"code": d.code, "procedure": pc, "version": v, "agency": ac, "status_code": d.status_code,
                       "status": status_name(d.status_code), "received_at": d.received_at, "due_at": d.due_at,
                       "suspended": d.suspended_at is not None} for d, pc, v, ac in rows],
            "total": total, "page": page, "pages": pages,
        }


def _load(s: so.Session, username: str, code: str) -> tuple[User, Dossier, Procedure]:
    """The operator and a dossier of their scope; NotFound for one outside it (nothing told)."""
    me = authorise(s, username, may_enter_operations)
    dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
    if dossier is None or not may_operate(me, dossier.agency_id):
        raise NotFound("dossier.not_found", code=code)
    procedure = s.get(Procedure, dossier.procedure_id)
    assert procedure is not None
    return me, dossier, procedure


def _no_handlers(element_id: str, topic: str, variables: Mapping[str, Any]) -> Mapping[str, Any]:
    raise RuntimeError("reading a dossier never runs its handlers")


def _plain(value: Any) -> Any:
    """A workflow variable as JSON can show it."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def inspect_dossier(services: Services, username: str, code: str) -> dict[str, Any]:
    """One dossier's inside: its facts, workflow variables, open tasks, timers (parked ones marked),
    messages and incidents."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        _, dossier, procedure = _load(s, username, code)
        definition = services.definition(s, dossier.definition_id)
        row = s.get(ProcessDefinition, dossier.definition_id)
        instance = services.runner.load(definition, dossier.state, services.clock, _no_handlers)
        variables = {k: _plain(v) for k, v in sorted(instance.variables.items())}
        holder = so.aliased(User)
        tasks = s.execute(sa.select(UserTask, Agency.code, holder.username)
                          .join(Agency, Agency.id == UserTask.agency_id)
                          .outerjoin(holder, holder.id == UserTask.assignee_id)
                          .where(UserTask.dossier_id == dossier.id, UserTask.completed_at.is_(None))
                          .order_by(UserTask.created_at)).all()
        timers = s.scalars(sa.select(Timer).where(Timer.dossier_id == dossier.id, Timer.fired_at.is_(None))
                           .order_by(Timer.due_at)).all()
        messages = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.dossier_id == dossier.id)
                             .order_by(OutboxMessage.id.desc()).limit(100)).all()
        incidents = s.scalars(sa.select(Incident).where(Incident.dossier_id == dossier.id)
                              .order_by(Incident.id.desc()).limit(100)).all()
        agency = s.get(Agency, dossier.agency_id)
        return {
            "code": dossier.code, "procedure": procedure.code, "procedure_name": procedure.name,
            "version": row.version if row else None, "agency": agency.code if agency else None,
            "agency_name": agency.name if agency else None, "status_code": dossier.status_code,
            "status": status_name(dossier.status_code), "received_at": dossier.received_at,
            "accepted_at": dossier.accepted_at, "due_at": dossier.due_at, "finished_at": dossier.finished_at,
            "paused_at": dossier.paused_at, "suspended_at": dossier.suspended_at,
            "running": dossier.finished_at is None and dossier.status_code not in FINAL_STATUSES,
            "variables": variables,
            "tasks": [{"id": t.id, "element_id": t.element_id, "name": t.name, "role": t.role, "agency": ac,
                       "assignee": who, "due_at": t.due_at, "created_at": t.created_at} for t, ac, who in tasks],
            "timers": [_timer(t) for t in timers],
            "messages": [_message(m) for m in messages],
            "incidents": [_incident(i, dossier.code) for i in incidents],
        }


def list_incidents(services: Services, username: str, include_resolved: bool = False) -> list[dict[str, Any]]:
    """Incidents of every source, open first, newest first (an agency administrator: its dossiers')."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        query = sa.select(Incident, Dossier.code).outerjoin(Dossier, Dossier.id == Incident.dossier_id)
        if not include_resolved:
            query = query.where(Incident.resolved_at.is_(None))
        scope = _scope(me)
        if scope is not None:
            query = query.where(Dossier.agency_id == scope)
        rows = s.execute(query.order_by(Incident.resolved_at.is_not(None), Incident.id.desc()).limit(500)).all()
        return [_incident(i, code) for i, code in rows]


def list_messages(services: Services, username: str, status: str = "failed") -> list[dict[str, Any]]:
    """Outbox messages in a status (default: failed for good), newest first."""
    if status not in ("pending", "sent", "failed"):
        raise Invalid("operations.message_status_unknown", "status")
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        query = (sa.select(OutboxMessage).outerjoin(Dossier, Dossier.id == OutboxMessage.dossier_id)
                 .where(OutboxMessage.status == status))
        scope = _scope(me)
        if scope is not None:
            query = query.where(Dossier.agency_id == scope)
        return [_message(m) for m in s.scalars(query.order_by(OutboxMessage.id.desc()).limit(500))]


def list_parked_timers(services: Services, username: str) -> list[dict[str, Any]]:
    """Timers whose retries ran out (parked), waiting for an operator."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        query = (sa.select(Timer, Dossier.code).outerjoin(Dossier, Dossier.id == Timer.dossier_id)
                 .where(Timer.lease_expires_at == PARKED, Timer.fired_at.is_(None)))
        scope = _scope(me)
        if scope is not None:
            query = query.where(Dossier.agency_id == scope)
        return [_timer(t) | {"dossier": code} for t, code in s.execute(query.order_by(Timer.id))]


# -- repairs ----------------------------------------------------------------------------------------
def retry_timer(services: Services, username: str, timer_id: int) -> dict[str, Any]:
    """A parked timer is armed again: its attempts start over and the next sweep fires it (its due
    instant has passed). Its incidents are resolved. Refused for a timer that is not parked."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        timer = s.get(Timer, timer_id)
        dossier = s.get(Dossier, timer.dossier_id) if timer is not None else None
        if timer is None or not may_operate(me, dossier.agency_id if dossier else None):
            raise NotFound("operations.timer_not_found", "timer", id=timer_id)
        if dossier is None:
            raise Conflict("operations.timer_orphan", "timer", id=timer_id)
        if timer.fired_at is not None or timer.lease_expires_at != PARKED:
            raise Conflict("operations.timer_not_parked", "timer", id=timer_id)
        if dossier.suspended_at is not None:
            raise Conflict("operations.dossier_suspended")
        now = services.clock.now()
        before = {"attempts": timer.attempts, "last_error": timer.last_error}
        timer.attempts, timer.last_error, timer.lease_owner, timer.lease_expires_at = 0, None, None, None
        resolved = resolve_matching(s, now, "timer_failed", f"timer {timer.id} (") + resolve_matching(
            s, now, "handler_failed", f"timer {timer.id} (")
        audit.append(s, at=now, actor=me.username, kind="timer_retried", dossier_id=dossier.id,
                     detail={"timer": timer.id, "element": timer.element_id, **before, "incidents_resolved": resolved})
        uow.commit()
        return _timer(timer)


def resend_message(services: Services, username: str, message_id: int) -> dict[str, Any]:
    """A message that failed for good goes back to the outbox: sent by the next dispatch, with its
    attempts counted again. Its incidents are resolved. Refused for a message that has not failed."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_enter_operations)
        msg = s.get(OutboxMessage, message_id)
        dossier = s.get(Dossier, msg.dossier_id) if msg is not None and msg.dossier_id else None
        if msg is None or not may_operate(me, dossier.agency_id if dossier else None):
            raise NotFound("operations.message_not_found", "message", id=message_id)
        if msg.status != "failed":
            raise Conflict("operations.message_not_failed", "message", id=message_id, status=msg.status)
        now = services.clock.now()
        before = {"attempts": msg.attempts, "last_error": msg.last_error}
        msg.status, msg.attempts, msg.next_attempt_at = "pending", 0, now
        resolved = resolve_matching(s, now, "outbox.failed", f"message {msg.id} (")
        audit.append(s, at=now, actor=me.username, kind="message_resent", dossier_id=msg.dossier_id,
                     detail={"message": msg.id, "channel": msg.channel, **before, "incidents_resolved": resolved})
        uow.commit()
        return _message(msg)


def _reason(reason: object, required: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    reasons: list[Reason] = []
    if not text:
        reasons.append(Reason(required, "reason"))
    elif len(text) > MAX_REASON:
        reasons.append(Reason("reason.too_long", "reason", {"max": MAX_REASON}))
    collect(reasons)
    return text


def suspend_dossier(services: Services, username: str, code: str, reason: str) -> dict[str, Any]:
    """Hold a running dossier: no task of it completes and no timer of it fires until resumed. The
    statutory clock is not stopped (a suspension is an operator's repair, not the applicant's wait)."""
    text = _reason(reason, "operations.reason_required")
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me, dossier, _ = _load(s, username, code)
        if dossier.finished_at is not None or dossier.status_code in FINAL_STATUSES:
            raise Conflict("operations.dossier_closed", status=status_name(dossier.status_code))
        if dossier.suspended_at is not None:
            raise Conflict("operations.already_suspended")
        now = services.clock.now()
        dossier.suspended_at = now
        audit.append(s, at=now, actor=me.username, kind="dossier_suspended", dossier_id=dossier.id,
                     detail={"reason": text})
        uow.commit()
        return {"code": dossier.code, "suspended_at": now.isoformat()}


def resume_dossier(services: Services, username: str, code: str, reason: str = "") -> dict[str, Any]:
    """Release a suspended dossier: its tasks may be completed again and its due timers fire at the
    next sweep."""
    text = reason.strip()[:MAX_REASON] if isinstance(reason, str) else ""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me, dossier, _ = _load(s, username, code)
        if dossier.suspended_at is None:
            raise Conflict("operations.not_suspended")
        now = services.clock.now()
        since = dossier.suspended_at
        dossier.suspended_at = None
        audit.append(s, at=now, actor=me.username, kind="dossier_resumed", dossier_id=dossier.id,
                     detail={"reason": text, "suspended_at": since.isoformat()})
        uow.commit()
        return {"code": dossier.code, "suspended_at": None}


def cancel_dossier(services: Services, username: str, code: str, reason: str) -> dict[str, Any]:
    """Stop a running dossier for good with a reason (status 8, processing stopped): its workflow is
    cancelled (tasks and timers go), paid fees are flagged for refund (R8.6), the applicant is told."""
    text = _reason(reason, "operations.reason_required")
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me, dossier, procedure = _load(s, username, code)
        if dossier.finished_at is not None or dossier.status_code in FINAL_STATUSES:
            raise Conflict("operations.dossier_closed", status=status_name(dossier.status_code))
        previous = dossier.status_code
        run = DossierRun(services, s, dossier, procedure, me.username)
        instance = run.load()
        run.act(instance.cancel)
        run.facts.status_code, run.facts.paused_at = DossierStatus.PROCESSING_STOPPED, None
        dossier.suspended_at = None
        run.save()
        audit.append(s, at=run.now, actor=me.username, kind="dossier_cancelled", dossier_id=dossier.id,
                     detail={"reason": text, "previous_status": previous, "name": "Dừng xử lý"})
        notify_applicant(s, dossier, run.now, "Thông báo dừng xử lý hồ sơ",
                         f"{procedure.name}: hồ sơ {dossier.code} đã dừng xử lý. Lý do: {text}.",
                         f"cancel:{dossier.code}")
        uow.commit()
        return {"code": dossier.code, "status_code": int(dossier.status_code),
                "status": status_name(dossier.status_code)}


# -- views ------------------------------------------------------------------------------------------

def _timer(t: Timer) -> dict[str, Any]:
    return {"id": t.id, "kind": t.kind, "element_id": t.element_id, "task_id": t.task_id, "due_at": t.due_at,
            "attempts": t.attempts, "last_error": t.last_error, "parked": t.lease_expires_at == PARKED}


def _message(m: OutboxMessage) -> dict[str, Any]:
    return {"id": m.id, "channel": m.channel, "recipient": m.recipient, "subject": m.subject,
            "status": m.status, "attempts": m.attempts, "created_at": m.created_at, "sent_at": m.sent_at,
            "last_error": m.last_error, "may_resend": m.status == "failed"}


def _incident(i: Incident, code: str | None) -> dict[str, Any]:
    return {"id": i.id, "at": i.at, "kind": i.kind, "message": i.message, "dossier": code,
            "resolved_at": i.resolved_at}


