"""The apology-and-new-date letter (form 04 of the national one-stop rules) for a late dossier.

When the statutory time has passed (R8.1), the agency may give the applicant a new appointment only
through this letter: the leader states the reason and the new date; the letter is kept on the dossier
(a DossierNotice, form 04) and sent to the applicant through the outbox; the appointment moves, and
with it the deadline timers (armed again for the new date) and the due instant of the open tasks.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.bootstrap import Services
from handlers.registry import HandlerContext
from handlers.texts import fmt_instant
from processes.access import may_issue_apology
from processes.dossier.dossier_run import DossierRun, procedure_facts
from processes.dossier.dossiers import load_for
from processes.dossier.status import FINAL_STATUSES
from processes.dossier.views import dossier_view
from processes.errors import Conflict, Invalid, Reason, collect
from processes.uow import UnitOfWork

FORM_04_TITLE = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
MAX_REASON = 2000


def issue_apology(services: Services, username: str, code: str, new_due: datetime,
                  reason: str) -> dict[str, Any]:
    """Form 04: a leader of the handling agency apologises for a late dossier and sets the new
    appointment (moved to the next working instant when outside office hours). Refused when the
    dossier is not late, is finished, the new date is not in the future or resolves to the appointment
    already given (409 `apology.same_due`: no second letter). Returns the dossier view."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    reasons = []
    if not reason:
        reasons.append(Reason("apology.reason_required", "reason"))
    elif len(reason) > MAX_REASON:
        reasons.append(Reason("apology.reason_too_long", "reason", {"max": MAX_REASON}))
    if not isinstance(new_due, datetime) or new_due.tzinfo is None:
        reasons.append(Reason("apology.new_due_required", "new_due"))
    collect(reasons)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = load_for(s, username, code, may_issue_apology, "apology.leaders_only")
        run = DossierRun(services, s, dossier, procedure, user.username)
        facts = run.facts
        if facts.finished_at is not None or facts.status_code in FINAL_STATUSES:
            raise Conflict("apology.dossier_finished")
        overdue = facts.due_at is not None and facts.due_at <= run.now
        if not (facts.late or overdue):
            raise Conflict("apology.not_late")
        moved = run.calendar.next_working_instant(new_due)
        if moved <= run.now:
            raise Invalid("apology.new_due_past", "new_due", now=fmt_instant(run.now))
        if facts.due_at is not None and moved == facts.due_at:
            # The appointment is already there (a second click, or a date that resolves to the same
            # working instant): a second letter would promise nothing new.
            raise Conflict("apology.same_due", "new_due", due=fmt_instant(moved))
        run.load()
        before = facts.due_at
        facts.due_at, facts.late = moved, True
        ctx = HandlerContext(element_id="apology", topic="issue_apology", dossier=facts,
                             procedure=procedure_facts(procedure), variables={}, now=run.now,
                             calendar=run.calendar)
        ctx.notify(FORM_04_TITLE,
                   f"{procedure.name}: hồ sơ {dossier.code} đã quá hạn trả kết quả "
                   f"({fmt_instant(before)}). Cơ quan giải quyết thành thật xin lỗi ông/bà. Lý do: {reason}. "
                   f"Ngày hẹn trả kết quả mới: {fmt_instant(moved)}.", form_no="04")
        ctx.record("apology_issued", reason=reason, due_at_before=before.isoformat() if before else None,
                   due_at=moved.isoformat())
        run.contexts.append(ctx)
        run.save()
        uow.commit()
        return dossier_view(services, s, dossier, procedure)
