"""Substitutes (issue 12): while an officer is absent, the tasks they hold are offered to a named
colleague of the same agency sharing one of their task roles, from one day to another (local days,
both included). During the period the colleague sees those tasks (`my_substitutions`) and may claim
them (processes.desk.workbench.claim_task takes a task from the officer it substitutes for); an
appointment can be ended early. Everything is audited."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Dossier, Procedure, Substitution, User, UserTask
from processes import audit
from processes.access import acting_user, is_officer, may_appoint_substitute
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, collect
from processes.uow import UnitOfWork

MAX_DAYS = 366


def today(services: Services, s: so.Session) -> date:
    return services.clock.now().astimezone(services.calendar(s).timezone).date()


def covers(s: so.Session, substitute: User, officer_id: int, day: date) -> bool:
    """Whether `substitute` stands in for the officer `officer_id` on `day`."""
    return s.scalar(sa.select(Substitution.id).where(
        Substitution.substitute_id == substitute.id, Substitution.officer_id == officer_id,
        Substitution.ended_at.is_(None), Substitution.starts_on <= day, Substitution.ends_on >= day)
        .limit(1)) is not None


def _day(value: object, field: str, reasons: list[Reason]) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    reasons.append(Reason("must_be_date", field))
    return None


def appoint_substitute(services: Services, username: str, officer: str, substitute: str, starts_on: object,
                       ends_on: object) -> dict[str, Any]:
    """Offer `officer`'s tasks to `substitute` from `starts_on` to `ends_on`. The officer, or a leader
    or agency administrator of the agency, appoints; the period does not end in the past."""
    reasons: list[Reason] = []
    first, last = _day(starts_on, "starts_on", reasons), _day(ends_on, "ends_on", reasons)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = acting_user(s, username)
        if not is_officer(me):
            raise Forbidden("substitute.officers_only")
        absent = s.scalar(sa.select(User).where(User.username == officer))
        if absent is None:
            raise Invalid("colleague.unknown", "officer", colleague=officer)
        if absent.agency_id != me.agency_id or (
                me.id != absent.id and not (me.has_role("leader") or me.has_role("agency_admin"))):
            raise Forbidden("substitute.not_allowed")
        colleague = s.scalar(sa.select(User).where(User.username == substitute))
        if colleague is None:
            reasons.append(Reason("colleague.unknown", "substitute", {"colleague": substitute}))
        collect(reasons)
        assert colleague is not None and first is not None and last is not None
        if not may_appoint_substitute(me, absent, colleague):
            raise Invalid("colleague.not_eligible", "substitute", colleague=substitute)
        if last < first:
            raise Invalid("substitute.end_before_start", "ends_on")
        if last < today(services, s):
            raise Invalid("substitute.in_the_past", "ends_on")
        if (last - first).days >= MAX_DAYS:
            raise Invalid("substitute.too_long", "ends_on", max=MAX_DAYS)
        now = services.clock.now()
        row = Substitution(agency_id=absent.agency_id, officer_id=absent.id, substitute_id=colleague.id,
                           starts_on=first, ends_on=last, created_by=me.id, created_at=now)
        s.add(row)
        s.flush()
        audit.append(s, at=now, actor=me.username, kind="substitute_appointed",
                     detail={"substitution": row.id, "officer": absent.username, "substitute": colleague.username,
                             "from": first.isoformat(), "to": last.isoformat()})
        uow.commit()
        return _view(s, row)


def end_substitution(services: Services, username: str, substitution_id: int) -> dict[str, Any]:
    """End an appointment early: the officer, the substitute, or a leader/agency administrator of the agency."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = acting_user(s, username)
        row = s.get(Substitution, substitution_id)
        if row is None or not is_officer(me) or me.agency_id != row.agency_id:
            raise NotFound("substitute.not_found", "substitution", id=substitution_id)
        if me.id not in (row.officer_id, row.substitute_id) and not (
                me.has_role("leader") or me.has_role("agency_admin")):
            raise Forbidden("substitute.not_allowed")
        if row.ended_at is not None:
            raise Conflict("substitute.already_ended")
        row.ended_at = services.clock.now()
        audit.append(s, at=row.ended_at, actor=me.username, kind="substitute_ended",
                     detail={"substitution": row.id})
        uow.commit()
        return _view(s, row)


def my_substitutions(services: Services, username: str) -> dict[str, Any]:
    """The caller's substitutes page: who stands in for me, for whom I stand in, the tasks offered to
    me now (held by an officer I stand in for, of a role I hold), and the colleagues I may name."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = acting_user(s, username)
        if not is_officer(me):
            raise Forbidden("substitute.officers_only")
        day = today(services, s)
        rows = s.scalars(sa.select(Substitution).where(
            Substitution.agency_id == me.agency_id,
            sa.or_(Substitution.officer_id == me.id, Substitution.substitute_id == me.id,
                   sa.true() if (me.has_role("leader") or me.has_role("agency_admin")) else sa.false()))
            .order_by(Substitution.starts_on.desc(), Substitution.id.desc()).limit(200)).all()
        current = [r.officer_id for r in rows if r.substitute_id == me.id and r.ended_at is None
                   and r.starts_on <= day <= r.ends_on]
        holder = so.aliased(User)
        offered = s.execute(
            sa.select(UserTask, Dossier.code, Procedure.name, holder.full_name)
            .join(Dossier, Dossier.id == UserTask.dossier_id).join(Procedure, Procedure.id == Dossier.procedure_id)
            .join(holder, holder.id == UserTask.assignee_id)
            .where(UserTask.assignee_id.in_(current or [-1]), UserTask.completed_at.is_(None),
                   UserTask.agency_id == me.agency_id)
            .order_by(UserTask.due_at.asc().nulls_last(), UserTask.id)).all() if current else []
        colleagues = s.scalars(sa.select(User).where(User.agency_id == me.agency_id, User.active.is_(True),
                                                     User.id != me.id).order_by(User.username)).all()
        return {
            "today": day,
            "appointments": [_view(s, r) | {"current": r.ended_at is None and r.starts_on <= day <= r.ends_on}
                             for r in rows],
            "offered": [{"id": t.id, "dossier": code, "procedure_name": pname, "title": t.name, "role": t.role,
                         "due_at": t.due_at, "holder_name": hname, "may_claim": me.has_role(t.role)}
                        for t, code, pname, hname in offered],
            "colleagues": [{"username": u.username, "full_name": u.full_name} for u in colleagues
                           if may_appoint_substitute(me, me, u)],
            "may_appoint_for_others": me.has_role("leader") or me.has_role("agency_admin"),
            "officers": [{"username": u.username, "full_name": u.full_name}
                         for u in [me, *colleagues] if is_officer(u)],
        }


def _view(s: so.Session, row: Substitution) -> dict[str, Any]:
    officer, substitute = s.get(User, row.officer_id), s.get(User, row.substitute_id)
    return {"id": row.id, "officer": officer.username if officer else None,
            "officer_name": officer.full_name if officer else None,
            "substitute": substitute.username if substitute else None,
            "substitute_name": substitute.full_name if substitute else None,
            "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat(),
            "ended_at": row.ended_at.isoformat() if row.ended_at else None}
