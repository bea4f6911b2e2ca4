"""Transfer of a dossier received by the wrong agency to the competent one (issue 12).

Decision: a transfer is the reception check's act — it is allowed while the dossier has not been
accepted (status 1, or waiting for a supplement before acceptance); once accepted, the agency
answers for it (a refusal or a consultation is the way). The dossier keeps its code, its history and
its documents; the handling agency changes; its open tasks of the former agency go to the new
agency's group queue (unclaimed); the new agency's reception desk is e-mailed, the applicant is told
(notice + e-mail/SMS), and the audit trail records from where, to where, who and why."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Agency, User, UserTask
from processes import audit
from processes.access import may_transfer_dossier
from processes.acts.notices import notify_applicant, notify_officers
from processes.dossier.dossiers import load_for
from processes.dossier.status import FINAL_STATUSES, status_name
from processes.errors import Conflict, Reason, collect
from processes.uow import UnitOfWork

MAX_REASON = 2000
NOTICE_TITLE = "Thông báo chuyển hồ sơ đến cơ quan có thẩm quyền"


def transfer_dossier(services: Services, username: str, code: str, agency_code: str,
                     reason: str) -> dict[str, Any]:
    """Send the dossier to the agency `agency_code` (which must have an active reception desk)."""
    reasons: list[Reason] = []
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        reasons.append(Reason("transfer.reason_required", "reason"))
    elif len(text) > MAX_REASON:
        reasons.append(Reason("reason.too_long", "reason", {"max": MAX_REASON}))
    target_code = agency_code.strip() if isinstance(agency_code, str) else ""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = load_for(s, username, code, may_transfer_dossier, "transfer.not_your_agency")
        target = s.scalar(sa.select(Agency).where(Agency.code == target_code)) if target_code else None
        if target is None:
            reasons.append(Reason("transfer.agency_unknown", "agency", {"code": target_code[:40]}))
        elif target.id == dossier.agency_id:
            reasons.append(Reason("transfer.same_agency", "agency"))
        elif not _has_reception(s, target.id):
            reasons.append(Reason("transfer.no_reception", "agency", {"agency": target.name}))
        collect(reasons)
        assert target is not None
        if dossier.finished_at is not None or dossier.status_code in FINAL_STATUSES:
            raise Conflict("transfer.dossier_closed", status=status_name(dossier.status_code))
        if dossier.accepted_at is not None:
            raise Conflict("transfer.after_acceptance")
        if dossier.suspended_at is not None:
            raise Conflict("operations.dossier_suspended")
        now = services.clock.now()
        source = s.get(Agency, dossier.agency_id)
        moved = list(s.scalars(sa.select(UserTask).where(UserTask.dossier_id == dossier.id,
                                                          UserTask.completed_at.is_(None),
                                                          UserTask.agency_id == dossier.agency_id)))
        for task in moved:
            task.agency_id, task.assignee_id = target.id, None
        dossier.agency_id = target.id
        s.flush()
        audit.append(s, at=now, actor=user.username, kind="dossier_transferred", dossier_id=dossier.id,
                     detail={"from": source.code if source else None, "to": target.code, "reason": text,
                             "tasks": [t.id for t in moved], "name": "Chuyển hồ sơ"})
        notify_applicant(s, dossier, now, NOTICE_TITLE,
                         f"{procedure.name}: hồ sơ {dossier.code} không thuộc thẩm quyền của "
                         f"{source.name if source else ''} và đã được chuyển đến {target.name}. Lý do: {text}. "
                         f"Mã hồ sơ giữ nguyên; ông/bà tiếp tục theo dõi hồ sơ bằng mã này.",
                         f"transfer:{dossier.code}:{dossier.version}")
        notify_officers(s, dossier, now, target.id, "reception", f"Hồ sơ {dossier.code} được chuyển đến",
                        f"{source.name if source else ''} chuyển hồ sơ {dossier.code} ({procedure.name}) đến "
                        f"cơ quan. Lý do: {text}", f"transfer:{dossier.code}:{dossier.version}:in")
        uow.commit()
        return {"code": dossier.code, "agency": target.code, "agency_name": target.name,
                "status_code": dossier.status_code, "status": status_name(dossier.status_code),
                "tasks_moved": len(moved)}


def transfer_targets(services: Services, username: str, code: str) -> list[dict[str, str]]:
    """The agencies the dossier may be sent to: every other agency with an active reception desk."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        _, dossier, _ = load_for(s, username, code, may_transfer_dossier, "transfer.not_your_agency")
        with_desk = sa.select(User.agency_id).where(User.active.is_(True), User.agency_id.is_not(None))
        agencies = s.scalars(sa.select(Agency).where(Agency.id != dossier.agency_id,
                                                     Agency.id.in_(with_desk)).order_by(Agency.code)).all()
        return [{"code": a.code, "name": a.name} for a in agencies if _has_reception(s, a.id)]


def _has_reception(s: Any, agency_id: int) -> bool:
    return any(u.has_role("reception") for u in s.scalars(
        sa.select(User).where(User.agency_id == agency_id, User.active.is_(True))))
