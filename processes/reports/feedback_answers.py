"""Feedback and complaints answered (R9.1, Decree 61/2018/NĐ-CP art. 9.4): each feedback is received,
answered (the answer goes to its author through the outbox) and closed; an answer may be published on
the portal. Ratings of dossiers are aggregated per procedure and agency on the dashboards
(processes/reports/oversight.py).

Who: administrators every feedback; leaders and agency administrators the ratings and comments on the
dossiers of their agency and the agencies below it (general feedback, about no dossier, is the
administrators')."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Agency, Dossier, OutboxMessage, User
from models.portal import Feedback
from processes import audit
from processes.access import authorise, may_view_reports, may_view_some_report
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.uow import UnitOfWork

STATUSES = ("received", "answered", "closed")
MAX_ANSWER = 4000


def _agency_chain(s: so.Session, agency_id: int | None) -> list[int]:
    chain: list[int] = []
    while agency_id is not None and agency_id not in chain:
        chain.append(agency_id)
        agency_id = s.scalar(sa.select(Agency.parent_id).where(Agency.id == agency_id))
    return chain


def _may_handle(s: so.Session, me: User, dossier_agency: int | None) -> bool:
    if me.has_role("admin") and me.active:
        return True
    return dossier_agency is not None and any(may_view_reports(me, a) for a in _agency_chain(s, dossier_agency))


def list_for_answer(services: Services, username: str, status: str = "") -> list[dict[str, Any]]:
    """The feedback the caller may answer, newest first, optionally of one status."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        if status and status not in STATUSES:
            raise Invalid("feedback.status_unknown", "status")
        query = (sa.select(Feedback, Dossier.code, Dossier.agency_id)
                 .outerjoin(Dossier, Dossier.id == Feedback.dossier_id)
                 .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(500))
        if status:
            query = query.where(Feedback.status == status)
        return [_row(f, code) for f, code, agency_id in s.execute(query) if _may_handle(s, me, agency_id)]


def _row(f: Feedback, code: str | None) -> dict[str, Any]:
    return {"id": f.id, "kind": f.kind, "dossier": code, "rating": f.rating, "comment": f.comment,
            "name": f.name, "contact": f.contact, "created_at": f.created_at.isoformat(), "status": f.status,
            "answer": f.answer, "answered_at": f.answered_at.isoformat() if f.answered_at else None,
            "answered_by": f.answered_by, "published": f.published}


def _load(s: so.Session, me: User, feedback_id: int) -> tuple[Feedback, str | None]:
    row = s.execute(sa.select(Feedback, Dossier.code, Dossier.agency_id)
                    .outerjoin(Dossier, Dossier.id == Feedback.dossier_id)
                    .where(Feedback.id == feedback_id).with_for_update(of=Feedback)).first()
    if row is None:
        raise NotFound("feedback.not_found", "feedback", id=feedback_id)
    f, code, agency_id = row
    if not _may_handle(s, me, agency_id):
        raise Forbidden("feedback.not_your_agency")
    return f, code


def answer_feedback(services: Services, username: str, feedback_id: int, answer: object,
                    publish: bool = False) -> dict[str, Any]:
    """Answer a feedback (again, to correct it, while it is not closed): the answer is sent to its author
    (their e-mail, or the phone number they left, through the outbox) and published when asked."""
    text = answer.strip() if isinstance(answer, str) else ""
    if not text:
        raise Invalid("feedback.answer_required", "answer")
    if len(text) > MAX_ANSWER:
        raise Invalid("feedback.answer_too_long", "answer", max=MAX_ANSWER)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        f, code = _load(s, me, feedback_id)
        if f.status == "closed":
            raise Conflict("feedback.closed", "feedback", id=feedback_id)
        now = services.clock.now()
        f.status, f.answer, f.answered_at, f.answered_by, f.published = "answered", text, now, me.username, publish
        to, channel = _recipient(s, f)
        if to:
            subject = f"Trả lời góp ý số {f.id}" + (f" về hồ sơ {code}" if code else "")
            s.add(OutboxMessage(key=f"feedback_answer:{f.id}:{now.isoformat()}", channel=channel, recipient=to,
                                subject=subject, body=f"Góp ý của bạn:\n{f.comment}\n\nTrả lời:\n{text}",
                                created_at=now, next_attempt_at=now))
        audit.append(s, at=now, actor=me.username, kind="feedback_answered", dossier_id=f.dossier_id,
                     detail={"feedback": f.id, "published": publish, "sent_to": channel if to else None})
        uow.commit()
        return _row(f, code)


def _recipient(s: so.Session, f: Feedback) -> tuple[str | None, str]:
    contact = (f.contact or "").strip()
    if "@" in contact:
        return contact, "email"
    digits = contact.replace(" ", "").replace(".", "")
    if digits.lstrip("+").isdigit() and len(digits) >= 9:
        return digits, "sms"
    if f.user_id is not None:
        email = s.scalar(sa.select(User.email).where(User.id == f.user_id))
        if email:
            return email, "email"
    return None, "email"


def close_feedback(services: Services, username: str, feedback_id: int) -> dict[str, Any]:
    """Close a feedback (answered or not); closing twice is refused."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        me = authorise(s, username, may_view_some_report)
        f, code = _load(s, me, feedback_id)
        if f.status == "closed":
            raise Conflict("feedback.closed", "feedback", id=feedback_id)
        f.status = "closed"
        audit.append(s, at=services.clock.now(), actor=me.username, kind="feedback_closed",
                     dossier_id=f.dossier_id, detail={"feedback": f.id})
        uow.commit()
        return _row(f, code)


def published_answers(services: Services, limit: int = 100) -> list[dict[str, Any]]:
    """The published answers, newest first, for the portal (no name, no contact of the author)."""
    with UnitOfWork(services.session_factory) as uow:
        rows = uow.session.scalars(sa.select(Feedback).where(Feedback.published.is_(True),
                                                             Feedback.answer.is_not(None))
                                   .order_by(Feedback.answered_at.desc(), Feedback.id.desc()).limit(limit))
        return [{"id": f.id, "comment": f.comment, "answer": f.answer, "rating": f.rating,
                 "answered_at": f.answered_at.isoformat() if f.answered_at else None} for f in rows]
