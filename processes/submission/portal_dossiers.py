"""The applicant's side of a dossier (R6.1): the list, one dossier with its timeline and open
requests, files, withdrawing it; and the public look-up by code and phone number. (The dossier's
diagram is drawn by processes.definitions.diagrams.)"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import throttle
from adapters.bootstrap import Services
from models import (
    Agency,
    Attachment,
    AuditEvent,
    Dossier,
    DossierNotice,
    Feedback,
    Procedure,
    ProcessDefinition,
    ResultDelivery,
    User,
    WithdrawalRequest,
)
from processes import audit
from processes.access import acting_user, may_act_as_applicant, may_submit
from processes.acts import withdrawal
from processes.definitions.catalogue import form_fields
from processes.desk.paper import applicable_forms
from processes.desk.steps import RESULT_KEY  # the online result an officer attaches
from processes.dossier.status import DossierStatus, status_name
from processes.dossier.views import dossier_view
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, Throttled, collect
from processes.submission.portal_submission import signature_report
from processes.submission.submission import requested_documents
from processes.texts import N_
from processes.uow import UnitOfWork

MAX_WITHDRAW_REASON = 1000
# Before a result exists, and while nothing has closed the dossier.
WITHDRAWABLE = withdrawal.WITHDRAWABLE
RATABLE = (DossierStatus.PROCESSING_FINISHED, DossierStatus.RESULT_RETURNED)
TIMELINE_KINDS = ("dossier_submitted", "task_completed", "supplement_requested", "supplement_answered",
                  "dossier_accepted", "dossier_refused", "processing_finished", "result_delivered",
                  "dossier_withdrawn", "withdrawal_requested", "withdrawal_refused", "deadline_extended",
                  "dossier_transferred")


def own_dossier(s: so.Session, username: str, code: str) -> tuple[User, Dossier, Procedure]:
    """The dossier if this user submitted it; NotFound otherwise (as if it did not exist)."""
    user = acting_user(s, username)
    dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
    if dossier is None or not may_act_as_applicant(user, dossier):
        raise NotFound("dossier.not_found", code=code)
    procedure = s.get(Procedure, dossier.procedure_id)
    assert procedure is not None
    return user, dossier, procedure


def my_dossiers(services: Services, username: str) -> list[dict[str, Any]]:
    """The applicant's dossiers, newest first."""
    with UnitOfWork(services.session_factory) as uow:
        user = acting_user(uow.session, username)
        rows = uow.session.execute(
            sa.select(Dossier, Procedure.name).join(Procedure, Procedure.id == Dossier.procedure_id)
            .where(Dossier.applicant_id == user.id).order_by(Dossier.received_at.desc(), Dossier.id.desc())).all()
        return [{"code": d.code, "procedure_name": name, "status": status_name(d.status_code),
                 "status_code": d.status_code, "received_at": d.received_at, "due_at": d.due_at,
                 "needs_action": d.status_code == DossierStatus.SUPPLEMENT_REQUESTED} for d, name in rows]


def my_dossier(services: Services, username: str, code: str) -> dict[str, Any]:
    """One dossier as its applicant sees it: what matters first (the reason of a refusal or of a supplement
    request, in full), the plain steps with their dates and the appointment, the notices to download,
    the data they declared, each document with its versions, how the result reaches them, what they may
    do now; the full timeline and the diagram on request."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        _, dossier, procedure = own_dossier(s, username, code)
        view = dossier_view(services, s, dossier, procedure)
        names = {d["key"]: d["name"] for d in procedure.catalogue.get("documents", [])}
        attachments = s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id)
                                .order_by(Attachment.id)).all()
        files = [{"id": a.id, "key": a.document_key, "name": names.get(a.document_key, a.document_key),
                  "filename": a.filename, "size": a.size, "uploaded_at": a.uploaded_at,
                  "superseded_at": a.superseded_at, "supplemented": a.uploaded_at > dossier.received_at,
                  "is_result": a.document_key == RESULT_KEY}
                 for a in attachments]
        notices = s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == dossier.id)
                            .order_by(DossierNotice.id)).all()
        agency = s.get(Agency, dossier.agency_id)
        rated = s.scalar(sa.select(Feedback).where(Feedback.dossier_id == dossier.id))
        definition = s.get(ProcessDefinition, dossier.definition_id)
        delivery = s.scalar(sa.select(ResultDelivery).where(ResultDelivery.dossier_id == dossier.id))
        supplementing = dossier.status_code == DossierStatus.SUPPLEMENT_REQUESTED
        refused = dossier.status_code in (DossierStatus.NOT_ACCEPTED, DossierStatus.PROCESSING_STOPPED)
        events = _events(s, dossier)
        pending = withdrawal.pending_request(s, dossier.id)
        return {
            **view, "level": procedure.level, "agency_name": agency.name if agency else "",
            "received": dossier.received_at, "due": dossier.due_at, "finished": dossier.finished_at,
            "form": dict(dossier.form), "documents": procedure.catalogue.get("documents", []),
            "declared": [{"label": f.label, "value": dossier.form[f.id], "type": f.type}
                         for f in form_fields(procedure.catalogue) if dossier.form.get(f.id) not in (None, "")],
            "timeline": _timeline(events, notices),
            "steps": _steps(dossier, events),
            "open_request": next((n.body for n in reversed(notices) if n.form_no == "02"), None)
            if supplementing else None,
            "requested_documents": requested_documents(s, dossier, procedure) if supplementing else [],
            "refusal": next((n.body for n in reversed(notices) if n.form_no == "03"), None) if refused else None,
            "notices": [{"form_no": n, "title": NOTICE_TITLES[n]}
                        for n in applicable_forms(s, dossier) if n in NOTICE_TITLES],
            "files": [f for f in files if not f["is_result"]],
            "by_document": _by_document(files, procedure),
            "results": [f for f in files if f["is_result"]],
            "delivery": {"channel": delivery.channel, "at": delivery.delivered_at,
                         "tracking_number": delivery.tracking_number} if delivery else None,
            "postal_address": dossier.postal_address,
            "signatures": signature_report(services, s, dossier, procedure),
            "may_withdraw": dossier.status_code in WITHDRAWABLE and pending is None,
            "withdrawal_request": withdrawal.request_view(pending or _last_withdrawal(s, dossier.id)),
            "withdrawal_needs_review": withdrawal.needs_review(dossier),
            "may_supplement": supplementing,
            "may_rate": dossier.status_code in RATABLE and rated is None,
            "rating": {"rating": rated.rating, "comment": rated.comment} if rated else None,
            "has_diagram": definition is not None and b"BPMNShape" in definition.bpmn,
        }


# The notices an applicant receives, by form number (the desk's control sheet, 05, is the agency's own).
NOTICE_TITLES = {"01": N_("Giấy tiếp nhận hồ sơ và hẹn trả kết quả (mẫu 01)"),
                 "02": N_("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)"),
                 "03": N_("Phiếu từ chối tiếp nhận, giải quyết hồ sơ (mẫu 03)"),
                 "04": N_("Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)")}


def _events(s: so.Session, dossier: Dossier) -> list[AuditEvent]:
    return list(s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                      AuditEvent.kind.in_(TIMELINE_KINDS))
                          .order_by(AuditEvent.seq)))


def _steps(dossier: Dossier, events: Sequence[AuditEvent]) -> list[dict[str, Any]]:
    """The plain steps an applicant recognises, each done (with its date), current or still to come."""
    def first(kind: str) -> Any:
        return next((e.at for e in events if e.kind == kind), None)

    status = dossier.status_code
    closed_early = status in (DossierStatus.NOT_ACCEPTED, DossierStatus.WITHDRAWAL_REQUESTED) or (
        status == DossierStatus.PROCESSING_STOPPED)
    steps: list[dict[str, Any]] = [{"key": "received", "at": dossier.received_at}]
    steps.append({"key": "accepted", "at": dossier.accepted_at})
    steps.append({"key": "in_review", "at": dossier.accepted_at})
    for e in events:
        if e.kind == "supplement_requested":
            steps.append({"key": "supplement_requested", "at": e.at})
        elif e.kind == "supplement_answered":
            steps.append({"key": "supplement_answered", "at": e.at})
    if closed_early:
        ended = {DossierStatus.NOT_ACCEPTED: "refused", DossierStatus.PROCESSING_STOPPED: "stopped",
                 DossierStatus.WITHDRAWAL_REQUESTED: "withdrawn"}[DossierStatus(status)]
        steps.append({"key": ended, "at": first("dossier_refused") or first("dossier_withdrawn")
                      or dossier.finished_at})
        steps = [st for st in steps if st["at"] is not None]
    else:
        steps.append({"key": "result_ready", "at": dossier.finished_at})
        steps.append({"key": "handed_over", "at": dossier.delivered_at})
    current = next((i for i, st in enumerate(steps) if st["at"] is None), None)
    for i, st in enumerate(steps):
        st["state"] = "done" if st["at"] is not None else ("current" if i == current else "todo")
    if status == DossierStatus.SUPPLEMENT_REQUESTED:
        for st in steps:
            if st["key"] == "supplement_requested":
                st["state"] = "waiting"  # the latest request waits for the applicant
    return steps


def _by_document(files: list[dict[str, Any]], procedure: Procedure) -> list[dict[str, Any]]:
    """Each document of the catalogue the applicant sent, with its versions newest first."""
    order = [d["key"] for d in procedure.catalogue.get("documents", [])]
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in files:
        if not f["is_result"]:
            groups.setdefault(f["key"], []).append(f)
    keys = [k for k in order if k in groups] + [k for k in groups if k not in order]
    return [{"key": k, "name": groups[k][0]["name"], "versions": list(reversed(groups[k]))} for k in keys]


def _timeline(events: Sequence[AuditEvent], notices: Sequence[DossierNotice]) -> list[dict[str, Any]]:
    """What happened, oldest first: steps done (by name, not by officer) and the notices sent."""
    items = [{"at": e.at, "kind": e.kind, "title": e.detail.get("name") or "", "body": ""} for e in events]
    items += [{"at": n.at, "kind": "notice", "title": n.title, "body": n.body, "form": n.form_no}
              for n in notices]
    return sorted(items, key=lambda i: i["at"])


def attachment_content(services: Services, username: str, code: str, attachment_id: int) -> tuple[bytes, str, str]:
    """(content, filename, content type) of a file of the applicant's own dossier, checked against
    its SHA-256."""
    with UnitOfWork(services.session_factory) as uow:
        _, dossier, _ = own_dossier(uow.session, username, code)
        a = uow.session.get(Attachment, attachment_id)
        if a is None or a.dossier_id != dossier.id:
            raise NotFound("document.not_found", "document")
        return services.attachments.read(a.sha256), a.filename, a.content_type


def withdraw_dossier(services: Services, username: str, code: str, reason: str) -> dict[str, Any]:
    """The applicant withdraws the dossier (status 7). Decision (issue 12, processes/acts/withdrawal.py):
    before processing has started (not yet accepted) the withdrawal takes effect at once — the workflow
    is cancelled, its open tasks and timers disappear, the reception desk is told by e-mail, a notice is
    kept on the dossier and the audit trail records who and why; once accepted it becomes a request
    reception reviews (`"withdrawal": "requested"` in the answer, the status unchanged)."""
    reason = (reason or "").strip()
    if len(reason) > MAX_WITHDRAW_REASON:
        raise Invalid("withdrawal.reason_too_long", "reason", max=MAX_WITHDRAW_REASON)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = own_dossier(s, username, code)
        if dossier.status_code not in WITHDRAWABLE:
            raise Conflict("withdrawal.not_now", status=status_name(dossier.status_code))
        if withdrawal.needs_review(dossier):
            row = withdrawal.ask_withdrawal(s, dossier, procedure, username, reason, services.clock.now())
            uow.commit()
            return {"code": dossier.code, "status": status_name(dossier.status_code),
                    "status_code": int(dossier.status_code), "withdrawal": "requested", "request": row.id}
        withdrawal.withdraw_now(services, s, dossier, procedure, username, user, reason)
        uow.commit()
        return {"code": dossier.code, "status": status_name(DossierStatus.WITHDRAWAL_REQUESTED),
                "status_code": int(DossierStatus.WITHDRAWAL_REQUESTED), "withdrawal": "done"}


def _last_withdrawal(s: so.Session, dossier_id: int) -> WithdrawalRequest | None:
    return s.scalar(sa.select(WithdrawalRequest).where(WithdrawalRequest.dossier_id == dossier_id)
                    .order_by(WithdrawalRequest.id.desc()).limit(1))


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def public_status(services: Services, code: str, phone: str, ip: str) -> dict[str, Any]:
    """Status only, no personal data, for whoever knows the code and the applicant's phone number.
    An unknown code and a wrong number get the same answer; look-ups are rate-limited per address."""
    code, wanted = (code or "").strip(), _digits(phone)
    reasons = []
    if not code or len(code) > 40:
        reasons.append(Reason("lookup.code_required", "code"))
    if not 8 <= len(wanted) <= 15:
        reasons.append(Reason("lookup.phone_required", "phone"))
    collect(reasons)
    key = throttle.key_of(ip)
    failures = throttle.configured(services.config, throttle.LOOKUP_FAILURES)
    lookups = throttle.configured(services.config, throttle.LOOKUPS)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        # a failure is counted before the look-up (atomically) and given back when it matches
        if not (throttle.take(s, failures, key, now) and throttle.take(s, lookups, key, now)):
            wait = throttle.minutes(lookups)
            raise Throttled("lookup.too_many", retry_after=wait * 60, minutes=wait)
        found = s.execute(sa.select(Dossier, Procedure).join(Procedure, Procedure.id == Dossier.procedure_id)
                          .where(Dossier.code == code)).first()
        if found is None or wanted not in _phones(found[0], found[1]):
            uow.commit()
            raise NotFound("lookup.no_match")
        throttle.give_back(s, failures, key, now)
        uow.commit()
        d, p = found
        return {"code": d.code, "procedure_name": p.name, "status": status_name(d.status_code),
                "status_code": d.status_code, "received_at": d.received_at, "due_at": d.due_at,
                "finished_at": d.finished_at}


def _phones(dossier: Dossier, procedure: Procedure) -> set[str]:
    phone_fields = [f["id"] for f in procedure.catalogue.get("form", []) if f.get("type") == "phone"]
    numbers = {_digits(dossier.applicant_phone or "")} | {_digits(str(dossier.form.get(f) or ""))
                                                         for f in phone_fields}
    return {n for n in numbers if len(n) >= 8}



def link_dossier(services: Services, username: str, code: str, phone: str, ip: str) -> dict[str, Any]:
    """An applicant links a dossier registered at the counter or from the post (no account) to the
    own account, proving it with the code and the phone number given at the desk (R6.1). Rate-limited
    like the public look-up; an unknown code, a wrong number and a dossier that already belongs to an
    account get the same answer. The applicant then follows it from "Hồ sơ của tôi"."""
    code, wanted = (code or "").strip(), _digits(phone)
    reasons = []
    if not code or len(code) > 40:
        reasons.append(Reason("lookup.code_required", "code"))
    if not 8 <= len(wanted) <= 15:
        reasons.append(Reason("lookup.phone_required", "phone"))
    collect(reasons)
    key = throttle.key_of(ip)
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        user = acting_user(s, username)
        if not may_submit(user):
            raise Forbidden("link.applicants_only")
        if not (throttle.take(s, throttle.LOOKUP_FAILURES, key, now) and throttle.take(s, throttle.LOOKUPS, key, now)):
            wait = throttle.minutes(throttle.LOOKUPS)
            raise Throttled("lookup.too_many", retry_after=wait * 60, minutes=wait)
        found = s.execute(sa.select(Dossier, Procedure).join(Procedure, Procedure.id == Dossier.procedure_id)
                          .where(Dossier.code == code)).first()
        if found is None or found[0].applicant_id is not None or wanted not in _phones(found[0], found[1]):
            uow.commit()
            raise NotFound("lookup.no_match")
        throttle.give_back(s, throttle.LOOKUP_FAILURES, key, now)
        dossier = found[0]
        dossier.applicant_id = user.id
        audit.append(s, at=now, actor=user.username, kind="dossier_linked", dossier_id=dossier.id,
                     detail={"channel": dossier.channel})
        uow.commit()
        return {"code": dossier.code, "status": status_name(dossier.status_code),
                "status_code": dossier.status_code}
