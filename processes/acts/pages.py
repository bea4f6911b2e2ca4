"""What the officers' pages of the procedural acts show (issue 12): one dossier's acts with what the
caller may do now, and the requests of the caller's agency waiting for them."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Agency, Dossier, ExtensionRequest, Procedure, User, WithdrawalRequest
from processes.access import (
    acting_user,
    is_officer,
    may_decide_extension,
    may_request_extension,
    may_review_withdrawal,
    may_transfer_dossier,
)
from processes.acts import extension, withdrawal
from processes.dossier.dossiers import load_for
from processes.dossier.status import FINAL_STATUSES, status_name
from processes.errors import Forbidden
from processes.uow import UnitOfWork


def dossier_acts(services: Services, username: str, code: str) -> dict[str, Any]:
    """The acts page of a dossier, for the officers who may see it (the applicant is refused)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = load_for(s, username, code, lambda u, d: u.id != d.applicant_id,
                                            "acts.officers_only")
        agency = s.get(Agency, dossier.agency_id)
        open_ = dossier.finished_at is None and dossier.status_code not in FINAL_STATUSES
        rows = s.scalars(sa.select(ExtensionRequest).where(ExtensionRequest.dossier_id == dossier.id)
                         .order_by(ExtensionRequest.id.desc())).all()
        pending_withdrawal = withdrawal.pending_request(s, dossier.id)
        may_transfer = open_ and dossier.accepted_at is None and may_transfer_dossier(user, dossier)
        targets = []
        if may_transfer:  # the agencies with an active reception desk (transfer.transfer_targets' list)
            desks = {u.agency_id for u in s.scalars(sa.select(User).where(
                User.active.is_(True), User.agency_id.is_not(None))) if u.has_role("reception")}
            targets = [{"code": a.code, "name": a.name} for a in s.scalars(
                sa.select(Agency).where(Agency.id != dossier.agency_id, Agency.id.in_(desks or {-1}))
                .order_by(Agency.code))]
        return {
            "code": dossier.code, "procedure_name": procedure.name, "status": status_name(dossier.status_code),
            "status_code": dossier.status_code, "agency": agency.code if agency else "",
            "agency_name": agency.name if agency else "", "due_at": dossier.due_at,
            "accepted": dossier.accepted_at is not None, "open": open_,
            "suspended": dossier.suspended_at is not None,
            "may_transfer": may_transfer, "targets": targets,
            "may_request_extension": open_ and dossier.accepted_at is not None and dossier.paused_at is None
            and may_request_extension(user, dossier) and not any(r.status == "pending" for r in rows),
            "may_decide_extension": may_decide_extension(user, dossier),
            "extensions": [extension.view(s, r) for r in rows],
            "withdrawal_request": withdrawal.request_view(pending_withdrawal),
            "may_review_withdrawal": pending_withdrawal is not None and may_review_withdrawal(user, dossier),
        }


def waiting_requests(services: Services, username: str) -> dict[str, Any]:
    """The caller's agency's pending requests: extensions for its leaders, withdrawals for its
    reception desk (each list empty for an officer without that role)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        if not is_officer(user):
            raise Forbidden("acts.officers_only")
        extensions: list[dict[str, Any]] = []
        withdrawals: list[dict[str, Any]] = []
        if user.has_role("leader"):
            for row, code, name in s.execute(
                    sa.select(ExtensionRequest, Dossier.code, Procedure.name)
                    .join(Dossier, Dossier.id == ExtensionRequest.dossier_id)
                    .join(Procedure, Procedure.id == Dossier.procedure_id)
                    .where(ExtensionRequest.status == "pending", Dossier.agency_id == user.agency_id)
                    .order_by(ExtensionRequest.requested_at)):
                extensions.append(extension.view(s, row) | {"dossier": code, "procedure_name": name})
        if user.has_role("reception"):
            for wrow, code, name in s.execute(
                    sa.select(WithdrawalRequest, Dossier.code, Procedure.name)
                    .join(Dossier, Dossier.id == WithdrawalRequest.dossier_id)
                    .join(Procedure, Procedure.id == Dossier.procedure_id)
                    .where(WithdrawalRequest.status == "pending", Dossier.agency_id == user.agency_id)
                    .order_by(WithdrawalRequest.requested_at)):
                view = withdrawal.request_view(wrow) or {}
                withdrawals.append(view | {"dossier": code, "procedure_name": name})
        return {"extensions": extensions, "withdrawals": withdrawals}
