"""Extension of the time limit (issue 12): a specialist of the handling agency asks for more working
days with a reason; a leader of the agency approves or refuses. On approval the appointment moves by
that many working days (the working-day calendar), the deadline timers and the open tasks follow it
(processes/timekeeping/deadlines.py), and the applicant receives the new appointment. Approved requests
are what the reports count as extensions (`extension_requests.status = 'approved'`)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from handlers.texts import fmt_instant
from models import Dossier, ExtensionRequest, User
from processes import audit
from processes.access import may_decide_extension, may_request_extension
from processes.acts.notices import notify_applicant, notify_officers, notify_user
from processes.dossier.dossier_run import DossierRun
from processes.dossier.dossiers import load_for
from processes.dossier.status import FINAL_STATUSES, status_name
from processes.errors import Conflict, NotFound, Reason, collect
from processes.uow import UnitOfWork

MAX_REASON = 2000
MAX_WORKING_DAYS = 60
NOTICE_TITLE = "Thông báo gia hạn và hẹn lại ngày trả kết quả"


def _check_open(dossier: Dossier) -> None:
    if dossier.finished_at is not None or dossier.status_code in FINAL_STATUSES:
        raise Conflict("extension.dossier_closed", status=status_name(dossier.status_code))
    if dossier.accepted_at is None or dossier.due_at is None:
        raise Conflict("extension.not_accepted")
    if dossier.paused_at is not None:
        raise Conflict("extension.paused")


def _text(value: object, field: str, required_code: str, reasons: list[Reason]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        reasons.append(Reason(required_code, field))
    elif len(text) > MAX_REASON:
        reasons.append(Reason("reason.too_long", field, {"max": MAX_REASON}))
    return text


def request_extension(services: Services, username: str, code: str, reason: str,
                      working_days: object) -> dict[str, Any]:
    """A specialist asks for `working_days` more (1..60) with a reason; the leaders are told.
    One pending request per dossier."""
    reasons: list[Reason] = []
    text = _text(reason, "reason", "extension.reason_required", reasons)
    days = working_days if isinstance(working_days, int) and not isinstance(working_days, bool) else None
    if isinstance(working_days, str) and working_days.strip().isdigit():
        days = int(working_days.strip())
    if days is None or not 1 <= days <= MAX_WORKING_DAYS:
        reasons.append(Reason("extension.days_invalid", "working_days", {"max": MAX_WORKING_DAYS}))
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, _ = load_for(s, username, code, may_request_extension, "extension.specialists_only")
        collect(reasons)
        assert days is not None
        _check_open(dossier)
        if _pending(s, dossier.id) is not None:
            raise Conflict("extension.already_pending")
        now = services.clock.now()
        if dossier.due_at is not None and dossier.due_at <= now:
            # Asked before the appointment passes; after it, the leader's apology letter (form 04) gives
            # the new date (processes/desk/apology.py).
            raise Conflict("extension.already_late")
        row = ExtensionRequest(dossier_id=dossier.id, requested_by=user.id, requested_at=now, reason=text,
                               working_days=days, status="pending", due_before=dossier.due_at)
        s.add(row)
        s.flush()
        audit.append(s, at=now, actor=user.username, kind="extension_requested", dossier_id=dossier.id,
                     detail={"request": row.id, "working_days": days, "reason": text})
        notify_officers(s, dossier, now, dossier.agency_id, "leader", f"Đề nghị gia hạn hồ sơ {dossier.code}",
                        f"{user.full_name} đề nghị gia hạn hồ sơ {dossier.code} thêm {days} ngày làm việc. "
                        f"Lý do: {text}", f"extension:{row.id}:asked")
        uow.commit()
        return view(s, row)


def decide_extension(services: Services, username: str, code: str, request_id: int, approve: bool,
                     reason: str = "") -> dict[str, Any]:
    """A leader approves (the appointment moves by the working days asked, the applicant gets the new
    appointment) or refuses with a reason (the specialist is told). A decided request is not decided again."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = load_for(s, username, code, may_decide_extension, "extension.leaders_only")
        row = s.get(ExtensionRequest, request_id)
        if row is None or row.dossier_id != dossier.id:
            raise NotFound("extension.not_found", "request", id=request_id)
        if row.status != "pending":
            raise Conflict("extension.already_decided")
        reasons: list[Reason] = []
        text = (reason.strip() if isinstance(reason, str) else "")
        if not approve:
            text = _text(reason, "reason", "extension.refusal_reason_required", reasons)
        elif len(text) > MAX_REASON:
            reasons.append(Reason("reason.too_long", "reason", {"max": MAX_REASON}))
        collect(reasons)
        run = DossierRun(services, s, dossier, procedure, user.username)
        row.decided_by, row.decided_at, row.decision_reason = user.id, run.now, text or None
        requester = s.get(User, row.requested_by)
        if not approve:
            row.status = "refused"
            audit.append(s, at=run.now, actor=user.username, kind="extension_refused", dossier_id=dossier.id,
                         detail={"request": row.id, "reason": text})
            if requester is not None:
                notify_user(s, dossier, run.now, requester,
                            f"Đề nghị gia hạn hồ sơ {dossier.code} không được chấp thuận", f"Lý do: {text}",
                            f"extension:{row.id}:refused")
            uow.commit()
            return view(s, row)
        _check_open(dossier)
        before = dossier.due_at
        assert before is not None
        after = run.calendar.add_working_days(before, row.working_days)
        run.load()
        run.facts.due_at = after
        row.status, row.due_before, row.due_after = "approved", before, after
        run.save()  # the deadline timers and the open tasks follow the new appointment
        audit.append(s, at=run.now, actor=user.username, kind="deadline_extended", dossier_id=dossier.id,
                     detail={"request": row.id, "working_days": row.working_days, "due_at_before": before.isoformat(),
                             "due_at": after.isoformat(), "reason": row.reason, "name": "Gia hạn"})
        notify_applicant(s, dossier, run.now, NOTICE_TITLE,
                         f"{procedure.name}: hồ sơ {dossier.code} được gia hạn thêm {row.working_days} ngày làm "
                         f"việc. Lý do: {row.reason}. Ngày hẹn trả kết quả mới: {fmt_instant(after)} "
                         f"(trước đây: {fmt_instant(before)}).", f"extension:{row.id}")
        uow.commit()
        return view(s, row)


def list_extensions(services: Services, username: str, code: str) -> list[dict[str, Any]]:
    """The extension requests of a dossier, newest first (officers who may see the dossier)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        _, dossier, _ = load_for(s, username, code, _not_the_applicant, "acts.officers_only")
        rows = s.scalars(sa.select(ExtensionRequest).where(ExtensionRequest.dossier_id == dossier.id)
                         .order_by(ExtensionRequest.id.desc())).all()
        return [view(s, r) for r in rows]


def _not_the_applicant(user: User, dossier: Dossier) -> bool:
    return user.id != dossier.applicant_id


def _pending(s: so.Session, dossier_id: int) -> ExtensionRequest | None:
    return s.scalar(sa.select(ExtensionRequest).where(ExtensionRequest.dossier_id == dossier_id,
                                                      ExtensionRequest.status == "pending"))


def view(s: so.Session, row: ExtensionRequest) -> dict[str, Any]:
    requester = s.get(User, row.requested_by)
    decider = s.get(User, row.decided_by) if row.decided_by else None
    return {"id": row.id, "status": row.status, "working_days": row.working_days, "reason": row.reason,
            "requested_at": row.requested_at.isoformat(), "requested_by": requester.username if requester else None,
            "requested_by_name": requester.full_name if requester else None,
            "decided_at": row.decided_at.isoformat() if row.decided_at else None,
            "decided_by": decider.username if decider else None, "decision_reason": row.decision_reason,
            "due_before": row.due_before.isoformat() if row.due_before else None,
            "due_after": row.due_after.isoformat() if row.due_after else None}
