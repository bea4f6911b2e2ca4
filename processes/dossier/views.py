"""Read models: what the API and pages show of a dossier."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from engine.clock import iso
from models import AuditEvent, Dossier, DossierNotice, Procedure, UserTask
from processes.dossier.status import status_name

_HISTORY_KINDS = {"dossier_submitted", "task_completed", "supplement_requested", "supplement_answered",
                  "dossier_accepted", "dossier_refused", "processing_finished", "result_delivered",
                  "forward_overdue", "timer_fired", "clock_paused", "clock_resumed", "deadline_warning",
                  "deadline_passed", "task_overdue", "apology_issued", "refund_flagged"}


# Built once: building a statement costs about as much as running it (SQLAlchemy coerces every
# clause); the hot use cases run these with bound values.
_OPEN_TASKS = sa.select(UserTask).where(UserTask.dossier_id == sa.bindparam("dossier_id"),
                                        UserTask.completed_at.is_(None))
# The history's events only, four columns each (not the hashes: a dossier's trail holds access-log and
# consent events too, which the history does not show).
_EVENTS = (sa.select(AuditEvent.at, AuditEvent.kind, AuditEvent.actor, AuditEvent.detail)
           .where(AuditEvent.dossier_id == sa.bindparam("dossier_id"), AuditEvent.kind.in_(sorted(_HISTORY_KINDS)))
           .order_by(AuditEvent.seq))
_NOTICES = (sa.select(DossierNotice).where(DossierNotice.dossier_id == sa.bindparam("dossier_id"))
            .order_by(DossierNotice.id))



def dossier_view(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure,
                 open_tasks: Sequence[UserTask] | None = None) -> dict[str, Any]:
    """What the API and pages show of a dossier; `open_tasks`: its open task rows when the caller
    has them already (a use case that just wrote them)."""
    ids = {"dossier_id": dossier.id}
    if open_tasks is None:
        open_tasks = s.scalars(_OPEN_TASKS, ids).all()
    events = s.execute(_EVENTS, ids).all()
    notices = s.scalars(_NOTICES, ids).all()
    from processes.payments import ledger  # fees due and paid (issue 13); local: ledger runs workflows

    return ledger.summary(services, s, dossier, procedure) | {
        "code": dossier.code, "procedure": procedure.code, "procedure_name": procedure.name,
        "status": status_name(dossier.status_code), "status_code": dossier.status_code,
        "received_at": iso(dossier.received_at), "accepted_at": iso(dossier.accepted_at),
        "due_at": iso(dossier.due_at), "finished_at": iso(dossier.finished_at),
        "delivered_at": iso(dossier.delivered_at), "result_channel": dossier.result_channel,
        "late": dossier.late, "supplement_count": dossier.supplement_count,
        "paused_at": iso(dossier.paused_at), "refund_flagged": dossier.refund_flagged,
        "open_tasks": [{"id": t.id, "name": t.element_id, "title": t.name, "role": t.role,
                        "due_at": iso(t.due_at), "overdue_at": iso(t.overdue_at)} for t in open_tasks],
        "history": [{"at": iso(e.at), "kind": e.kind, "actor": e.actor,
                     "task": e.detail.get("task"), "title": e.detail.get("name")}
                    for e in events],
        "notices": [{"at": iso(n.at), "form": n.form_no, "title": n.title, "body": n.body} for n in notices],
    }
