"""An applicant's withdrawal (status 7), and its review by reception (issue 12).

Decision (docs/workbench.md): before processing has started — the dossier not yet accepted — a
withdrawal takes effect at once, as before: nobody has worked on it yet. Once the dossier has been
accepted, the applicant's withdrawal becomes a *request*: the dossier keeps being processed, the
reception desk of the handling agency is e-mailed and reviews it — accepting withdraws the dossier
(the workflow is cancelled, status 7), refusing states a reason the applicant is told. One pending
request per dossier."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from handlers.texts import fmt_instant
from models import Dossier, Procedure, User, WithdrawalRequest
from processes import audit
from processes.access import may_review_withdrawal
from processes.acts.notices import notify_applicant, notify_officers
from processes.dossier.dossier_run import DossierRun
from processes.dossier.dossiers import load_for
from processes.dossier.status import DossierStatus, status_name
from processes.errors import Conflict, Reason, collect
from processes.uow import UnitOfWork

MAX_REASON = 2000
# Before a result exists, and while nothing has closed the dossier.
WITHDRAWABLE = (DossierStatus.NEWLY_REGISTERED, DossierStatus.ACCEPTED, DossierStatus.IN_PROCESS,
                DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED)


def needs_review(dossier: Dossier) -> bool:
    """Processing has started: the withdrawal is a request reception reviews."""
    return dossier.accepted_at is not None


def pending_request(s: so.Session, dossier_id: int) -> WithdrawalRequest | None:
    return s.scalar(sa.select(WithdrawalRequest).where(WithdrawalRequest.dossier_id == dossier_id,
                                                       WithdrawalRequest.status == "pending"))


def withdraw_now(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure, actor: str,
                 applicant: User | None, reason: str) -> None:
    """The withdrawal itself: the workflow cancelled (its tasks and timers go), status 7, a notice on
    the dossier, the reception desk and the applicant e-mailed, the audit trail written."""
    previous = dossier.status_code
    run = DossierRun(services, s, dossier, procedure, actor)
    instance = run.load()
    run.act(instance.cancel)
    run.facts.status_code, run.facts.paused_at = DossierStatus.WITHDRAWAL_REQUESTED, None
    run.save()
    now = run.now
    title = "Thông báo rút hồ sơ"
    body = (f"Hồ sơ {dossier.code} ({procedure.name}) đã được người nộp rút lúc "
            f"{fmt_instant(now)}. Lý do: {reason or 'không nêu'}.")
    notify_applicant(s, dossier, now, title, body, f"withdraw:{dossier.code}")
    notify_officers(s, dossier, now, dossier.agency_id, "reception", f"{title} {dossier.code}", body,
                    f"withdraw:{dossier.code}:desk")
    audit.append(s, at=now, actor=actor, kind="dossier_withdrawn", dossier_id=dossier.id,
                 detail={"reason": reason, "previous_status": previous, "name": "Rút hồ sơ"})


def ask_withdrawal(s: so.Session, dossier: Dossier, procedure: Procedure, actor: str, reason: str,
                   now: Any) -> WithdrawalRequest:
    """Record the applicant's request; reception is e-mailed; the applicant gets an acknowledgement."""
    if pending_request(s, dossier.id) is not None:
        raise Conflict("withdrawal.already_requested")
    row = WithdrawalRequest(dossier_id=dossier.id, requested_at=now, reason=reason, status="pending")
    s.add(row)
    s.flush()
    audit.append(s, at=now, actor=actor, kind="withdrawal_requested", dossier_id=dossier.id,
                 detail={"request": row.id, "reason": reason, "name": "Đề nghị rút hồ sơ"})
    notify_officers(s, dossier, now, dossier.agency_id, "reception", f"Đề nghị rút hồ sơ {dossier.code}",
                    f"Người nộp đề nghị rút hồ sơ {dossier.code} ({procedure.name}). "
                    f"Lý do: {reason or 'không nêu'}. Hãy xem xét đề nghị.", f"withdrawal:{row.id}:asked")
    notify_applicant(s, dossier, now, "Tiếp nhận đề nghị rút hồ sơ",
                     f"Cơ quan đã nhận đề nghị rút hồ sơ {dossier.code} lúc {fmt_instant(now)}. Hồ sơ đang "
                     f"được xử lý nên bộ phận một cửa sẽ xem xét đề nghị và trả lời ông/bà.",
                     f"withdrawal:{row.id}:asked")
    return row


def review_withdrawal(services: Services, username: str, code: str, accept: bool,
                      reason: str = "") -> dict[str, Any]:
    """Reception accepts (the dossier is withdrawn) or refuses with a reason the applicant is told."""
    text = reason.strip() if isinstance(reason, str) else ""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = load_for(s, username, code, may_review_withdrawal, "withdrawal.reception_only")
        row = pending_request(s, dossier.id)
        if row is None:
            raise Conflict("withdrawal.no_request")
        reasons: list[Reason] = []
        if not accept and not text:
            reasons.append(Reason("withdrawal.refusal_reason_required", "reason"))
        elif len(text) > MAX_REASON:
            reasons.append(Reason("reason.too_long", "reason", {"max": MAX_REASON}))
        collect(reasons)
        now = services.clock.now()
        row.decided_by, row.decided_at, row.decision_reason = user.id, now, text or None
        if accept:
            if dossier.status_code not in WITHDRAWABLE:
                raise Conflict("withdrawal.not_now", status=status_name(dossier.status_code))
            row.status = "accepted"
            withdraw_now(services, s, dossier, procedure, user.username, None, row.reason)
        else:
            row.status = "refused"
            audit.append(s, at=now, actor=user.username, kind="withdrawal_refused", dossier_id=dossier.id,
                         detail={"request": row.id, "reason": text, "name": "Không chấp nhận rút hồ sơ"})
            notify_applicant(s, dossier, now, "Thông báo không chấp nhận đề nghị rút hồ sơ",
                             f"Đề nghị rút hồ sơ {dossier.code} của ông/bà không được chấp nhận. Lý do: {text}. "
                             f"Hồ sơ tiếp tục được giải quyết.", f"withdrawal:{row.id}:refused")
        uow.commit()
        return {"code": dossier.code, "request": row.id, "decision": row.status,
                "status_code": int(dossier.status_code), "status": status_name(dossier.status_code)}


def request_view(row: WithdrawalRequest | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": row.id, "status": row.status, "reason": row.reason, "requested_at": row.requested_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None,
            "decision_reason": row.decision_reason}
