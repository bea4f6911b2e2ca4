"""Counter and postal intake (R7.1, R14): reception registers a dossier for someone without an
account, handed in at the counter or received by post, and may accept it at once so that form 01 is
printed on the spot. The applicant later follows it at `/track` (code and phone) and may link it
to an account (processes/submission/portal_dossiers.py `link_dossier`).

Registration is `processes.submission.submission.register_dossier` with a `DeskIntake` (one set of
rules for every door); acceptance is the intake task's own completion
(`processes.desk.tasks.complete_task`, the checklist and the decision "accept"), so the desk step's
rules hold here as on the task page. A refused acceptance leaves the dossier registered, waiting in
reception's queue, and says why."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, Dossier, Procedure, UserTask
from processes import idempotency
from processes.access import authorise, may_register_at_desk
from processes.desk.steps import INTAKE_DECISIONS, task_step
from processes.desk.tasks import Completion, complete_task
from processes.dossier.status import status_name
from processes.errors import Refused
from processes.submission.submission import DeskIntake, Submission, register_dossier
from processes.uow import UnitOfWork

ACCEPT = INTAKE_DECISIONS[0]


def register_at_desk(services: Services, username: str, cmd: Submission, desk: DeskIntake,
                     accept: bool = False, checklist: Mapping[str, bool] | None = None,
                     idempotency_key: str | None = None) -> dict[str, Any]:
    """Register a counter or postal dossier; with `accept`, complete its intake task with the
    checklist and the decision "accept" (form 01 is then printable). Returns {code, status,
    status_code, intake_task, accepted, refusal} where `refusal` is the Refused of the acceptance."""
    request = idempotency.request_of(idempotency_key, "dossier.desk_intake", cmd, desk)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        earlier = idempotency.replay(s, username, request, services.clock.now())
        if earlier is not None:
            return earlier
        dossier = register_dossier(services, s, username, cmd, desk)
        task_id, decision = _intake_task(services, s, dossier)
        answer = idempotency.remember(s, username, request, {
            "code": dossier.code, "status": status_name(dossier.status_code),
            "status_code": dossier.status_code, "intake_task": task_id}, services.clock.now())
        answer = idempotency.commit_or_twin(services, uow, username, request, answer)
    result: dict[str, Any] = dict(answer) | {"accepted": False, "refusal": None}
    if accept and task_id is not None and decision is not None:
        try:
            done = complete_task(services, username, Completion(task_id, {decision: ACCEPT}, dict(checklist or {})))
            result |= {"accepted": True, "status": done.get("status", result["status"]),
                       "status_code": done.get("status_code", result["status_code"])}
        except Refused as exc:
            result["refusal"] = exc
    return result


def desk_procedures(services: Services, username: str) -> list[dict[str, Any]]:
    """The procedures the caller's desk registers: published, handled by the caller's agency (or by any
    agency of its level when the procedure names none). Reception only."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_register_at_desk)
        agency = s.get(Agency, user.agency_id)
        assert agency is not None
        rows = s.scalars(sa.select(Procedure).where(
            Procedure.current_definition_id.is_not(None),
            sa.or_(Procedure.agency_id == agency.id,
                   sa.and_(Procedure.agency_id.is_(None), Procedure.agency_level == agency.level)))
            .order_by(Procedure.code)).all()
        return [{"code": p.code, "name": p.name, "level": p.level} for p in rows]


def _intake_task(services: Services, s: so.Session, dossier: Dossier) -> tuple[str | None, str | None]:
    """The dossier's open intake task and the id of its decision field (the enum offering "accept")."""
    definition = services.definition(s, dossier.definition_id)
    for task in s.scalars(sa.select(UserTask).where(UserTask.dossier_id == dossier.id,
                                                    UserTask.completed_at.is_(None)).order_by(UserTask.id)):
        info = definition.user_tasks.get(task.element_id)
        if info is None or task_step(info, task, dossier) != "intake":
            continue
        decision = next((f.id for f in info.form if any(o.id == ACCEPT for o in f.options)), None)
        return task.id, decision
    return None, None
