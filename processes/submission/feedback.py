"""Feedback from the people the portal serves (R9.1): a 1–5 rating and comment on a finished
dossier by its applicant (once), and a general comment from anyone, kept for review."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from adapters import throttle
from adapters.bootstrap import Services
from models import Dossier, Feedback
from processes import audit
from processes.access import acting_user, may_read_feedback
from processes.errors import Conflict, Forbidden, Invalid, Throttled
from processes.submission.portal_dossiers import RATABLE, own_dossier
from processes.uow import UnitOfWork

MAX_COMMENT = 2000


def _rating(value: Any, required: bool) -> int | None:
    if value in (None, "") and not required:
        return None
    try:
        rating = int(str(value))
    except ValueError:
        rating = 0
    if not 1 <= rating <= 5:
        raise Invalid("feedback.rating_range", "rating")
    return rating


def _comment(text: str, required: bool) -> str:
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid("feedback.comment_too_long", "comment", max=MAX_COMMENT)
    if required and not text:
        raise Invalid("feedback.comment_required", "comment")
    return text


def rate_dossier(services: Services, username: str, code: str, rating: Any, comment: str) -> None:
    """The applicant rates a dossier whose processing is finished; once per dossier."""
    value, text = _rating(rating, True), _comment(comment, False)
    try:
        with UnitOfWork(services.session_factory) as uow:
            s = uow.session
            user, dossier, _ = own_dossier(s, username, code)
            if dossier.status_code not in RATABLE:
                raise Conflict("feedback.not_finished")
            if s.scalar(sa.select(Feedback.id).where(Feedback.dossier_id == dossier.id)) is not None:
                raise Conflict("feedback.already_rated")
            now = services.clock.now()
            s.add(Feedback(kind="dossier", dossier_id=dossier.id, user_id=user.id, rating=value, comment=text,
                           created_at=now))
            audit.append(s, at=now, actor=username, kind="dossier_rated", dossier_id=dossier.id,
                         detail={"rating": value})
            s.flush()
            uow.commit()
    except IntegrityError:  # a second rating racing the first
        raise Conflict("feedback.already_rated") from None


def give_feedback(services: Services, username: str | None, comment: str, name: str = "",
                  contact: str = "", rating: Any = None, *, ip: str) -> int:
    """Store a general comment (anyone, logged in or not); return its number. At most
    FEEDBACK_PER_IP.attempts an hour per client address (anonymous) or per account (logged in)."""
    text = _comment(comment, True)
    value = _rating(rating, False)
    name, contact = (name or "").strip()[:200], (contact or "").strip()[:200]
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username) if username else None
        key = throttle.key_of("user", user.username) if user else throttle.key_of("ip", ip)
        limit = throttle.configured(services.config, throttle.FEEDBACK_PER_IP)
        if not throttle.take(s, limit, key, services.clock.now()):
            wait = throttle.minutes(limit)
            raise Throttled("feedback.too_many", retry_after=wait * 60, minutes=wait)
        row = Feedback(kind="general", user_id=user.id if user else None, rating=value, comment=text,
                       name=name or (user.full_name if user else None), contact=contact or None,
                       created_at=services.clock.now())
        s.add(row)
        s.flush()
        uow.commit()
        return row.id


def list_feedback(services: Services, username: str, limit: int = 500) -> list[dict[str, Any]]:
    """Every feedback, newest first, for those who review it (system administrators)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        if not may_read_feedback(acting_user(s, username)):
            raise Forbidden("feedback.admins_only")
        rows = s.execute(sa.select(Feedback, Dossier.code).outerjoin(Dossier, Dossier.id == Feedback.dossier_id)
                         .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)).all()
        return [{"id": f.id, "kind": f.kind, "dossier": code, "rating": f.rating, "comment": f.comment,
                 "name": f.name, "contact": f.contact, "created_at": f.created_at.isoformat()}
                for f, code in rows]
