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
from handlers.texts import fmt_instant
from models import (
    Agency,
    Attachment,
    AuditEvent,
    Dossier,
    DossierNotice,
    Feedback,
    OutboxMessage,
    Procedure,
    ProcessDefinition,
    User,
)
from processes import audit
from processes.access import acting_user, may_act_as_applicant, may_submit
from processes.desk.steps import RESULT_KEY  # the online result an officer attaches
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import DossierStatus, status_name
from processes.dossier.views import dossier_view
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, Throttled, collect
from processes.submission.portal_submission import signature_report
from processes.uow import UnitOfWork

MAX_WITHDRAW_REASON = 1000
# Before a result exists, and while nothing has closed the dossier.
WITHDRAWABLE = (DossierStatus.NEWLY_REGISTERED, DossierStatus.ACCEPTED, DossierStatus.IN_PROCESS,
                DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED)
RATABLE = (DossierStatus.PROCESSING_FINISHED, DossierStatus.RESULT_RETURNED)
TIMELINE_KINDS = ("dossier_submitted", "task_completed", "supplement_requested", "supplement_answered",
                  "dossier_accepted", "dossier_refused", "processing_finished", "result_delivered",
                  "dossier_withdrawn")


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
    """One dossier as its applicant sees it: status, appointment, timeline, open requests, files."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        _, dossier, procedure = own_dossier(s, username, code)
        view = dossier_view(services, s, dossier, procedure)
        names = {d["key"]: d["name"] for d in procedure.catalogue.get("documents", [])}
        files = [{"id": a.id, "key": a.document_key, "name": names.get(a.document_key, a.document_key),
                  "filename": a.filename, "size": a.size, "uploaded_at": a.uploaded_at,
                  "is_result": a.document_key == RESULT_KEY}
                 for a in s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id)
                                    .order_by(Attachment.id))]
        notices = s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == dossier.id)
                            .order_by(DossierNotice.id)).all()
        agency = s.get(Agency, dossier.agency_id)
        rated = s.scalar(sa.select(Feedback).where(Feedback.dossier_id == dossier.id))
        definition = s.get(ProcessDefinition, dossier.definition_id)
        return {
            **view, "level": procedure.level, "agency_name": agency.name if agency else "",
            "received": dossier.received_at, "due": dossier.due_at, "finished": dossier.finished_at,
            "form": dict(dossier.form), "documents": procedure.catalogue.get("documents", []),
            "timeline": _timeline(s, dossier, notices),
            "open_request": next((n.body for n in reversed(notices) if n.form_no == "02"), None)
            if dossier.status_code == DossierStatus.SUPPLEMENT_REQUESTED else None,
            "files": [f for f in files if not f["is_result"]],
            "results": [f for f in files if f["is_result"]],
            "signatures": signature_report(services, s, dossier, procedure),
            "may_withdraw": dossier.status_code in WITHDRAWABLE,
            "may_supplement": dossier.status_code == DossierStatus.SUPPLEMENT_REQUESTED,
            "may_rate": dossier.status_code in RATABLE and rated is None,
            "rating": {"rating": rated.rating, "comment": rated.comment} if rated else None,
            "has_diagram": definition is not None and b"BPMNShape" in definition.bpmn,
        }


def _timeline(s: so.Session, dossier: Dossier, notices: Sequence[DossierNotice]) -> list[dict[str, Any]]:
    """What happened, oldest first: steps done (by name, not by officer) and the notices sent."""
    events = s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                   AuditEvent.kind.in_(TIMELINE_KINDS))
                       .order_by(AuditEvent.seq)).all()
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
    """The applicant withdraws the dossier (status 7). Decision: the withdrawal takes effect at once:
    the workflow is cancelled, its open tasks and timers disappear, the agency's reception desk is
    told by e-mail, a notice is kept on the dossier, and the audit trail records who and why."""
    reason = (reason or "").strip()
    if len(reason) > MAX_WITHDRAW_REASON:
        raise Invalid("withdrawal.reason_too_long", "reason", max=MAX_WITHDRAW_REASON)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = own_dossier(s, username, code)
        if dossier.status_code not in WITHDRAWABLE:
            raise Conflict("withdrawal.not_now", status=status_name(dossier.status_code))
        previous = dossier.status_code
        run = DossierRun(services, s, dossier, procedure, username)
        instance = run.load()
        run.act(instance.cancel)
        run.facts.status_code, run.facts.paused_at = DossierStatus.WITHDRAWAL_REQUESTED, None
        run.save()
        now = run.now
        title = "Thông báo rút hồ sơ"
        body = (f"Hồ sơ {dossier.code} ({procedure.name}) đã được người nộp rút lúc "
                f"{fmt_instant(now)}. Lý do: {reason or 'không nêu'}.")
        s.add(DossierNotice(dossier_id=dossier.id, at=now, form_no=None, title=title, body=body))
        for to in _reception_emails(s, dossier.agency_id) + ([user.email] if user.email else []):
            s.add(OutboxMessage(key=f"withdraw:{dossier.code}:{to}", channel="email", recipient=to,
                                subject=f"{title} {dossier.code}", body=body, dossier_id=dossier.id,
                                created_at=now, next_attempt_at=now))
        audit.append(s, at=now, actor=username, kind="dossier_withdrawn", dossier_id=dossier.id,
                     detail={"reason": reason, "previous_status": previous, "name": "Rút hồ sơ"})
        uow.commit()
        return {"code": dossier.code, "status": status_name(DossierStatus.WITHDRAWAL_REQUESTED),
                "status_code": int(DossierStatus.WITHDRAWAL_REQUESTED)}


def _reception_emails(s: so.Session, agency_id: int) -> list[str]:
    officers = s.scalars(sa.select(User).where(User.agency_id == agency_id, User.active.is_(True))).all()
    return sorted({u.email for u in officers if u.has_role("reception") and u.email})


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
    with UnitOfWork(services.session_factory) as uow:
        s, now = uow.session, services.clock.now()
        # a failure is counted before the look-up (atomically) and given back when it matches
        if not (throttle.take(s, throttle.LOOKUP_FAILURES, key, now) and throttle.take(s, throttle.LOOKUPS, key, now)):
            wait = throttle.minutes(throttle.LOOKUPS)
            raise Throttled("lookup.too_many", retry_after=wait * 60, minutes=wait)
        found = s.execute(sa.select(Dossier, Procedure).join(Procedure, Procedure.id == Dossier.procedure_id)
                          .where(Dossier.code == code)).first()
        if found is None or wanted not in _phones(found[0], found[1]):
            uow.commit()
            raise NotFound("lookup.no_match")
        throttle.give_back(s, throttle.LOOKUP_FAILURES, key, now)
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
