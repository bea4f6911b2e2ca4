"""In-app notifications (issue 12). Other rooms call `notify` inside their own transaction:

    from processes.inbox import inbox
    inbox.notify(session, [user_id, ...] or inbox.Group(agency_id, role), inbox.TASK_QUEUED,
                 dossier_id, {"code": ..., "task": ...}, at=now)

A notification keeps its kind and values, never a sentence: the page words it in the reader's language
(web/desk_pages.py KIND_TEXTS). The mail, SMS and Zalo channels are the outbox's (issue 15); the same
events may feed both.

Officers are told: new work in their group's queue (TASK_QUEUED), a task returned to them with the
reason (TASK_RETURNED), a consultation asked of their agency (CONSULTATION), a deadline near
(DUE_SOON) or passed (LATE); applicants: each notice sent on their dossiers (NOTICE)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import Dossier, Notification, OutboxMessage, User
from processes.access import acting_user
from processes.errors import Invalid
from processes.people.users import active_officers
from processes.uow import UnitOfWork

TASK_QUEUED = "task_queued"
TASK_RETURNED = "task_returned"
CONSULTATION = "consultation_requested"
DUE_SOON = "due_soon"
LATE = "late"
NOTICE = "notice"
KINDS = (TASK_QUEUED, TASK_RETURNED, CONSULTATION, DUE_SOON, LATE, NOTICE)
PER_PAGE = 20
MAX_IDS = 200


@dataclass(frozen=True)
class Group:
    """Every active officer of an agency holding a role (a task's queue), but `besides`: the username of
    the officer whose action caused the event, who needs no telling."""

    agency_id: int
    role: str
    besides: str | None = None


def notify(s: so.Session, recipients: Iterable[int] | Group, kind: str, dossier_id: int | None,
           params: Mapping[str, Any], at: datetime) -> list[int]:
    """Add one notification per recipient (user ids, or a Group), in the caller's transaction; the ids of
    the users told."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if isinstance(recipients, Group):
        told = [u.id for u in active_officers(s, recipients.agency_id)
                if u.has_role(recipients.role) and u.username != recipients.besides]
    else:
        told = list(dict.fromkeys(recipients))
    for user_id in told:
        notification = Notification(user_id=user_id, kind=kind, dossier_id=dossier_id, params=dict(params),
                                    created_at=at)
        s.add(notification)
        if kind in MAILED:
            s.flush()
            _mail(s, user_id, notification, at)
    return told


# The officers' events addressed to them that also leave by e-mail: a task returned to me. A consultation is
# mailed by its handler (handlers/coordination.py) and the deadline warnings by the escalations; new work in a
# group's queue stays in the inbox and its badge (a mail to every officer of the group for every dossier would
# be noise); the applicant's notices go through processes/notices with the applicant's own channel choices.
MAILED = {TASK_RETURNED: ("Hồ sơ {code} được trả lại cho bạn",
                          "Hồ sơ {code} được trả lại cho bạn ({task}). Lý do: {reason}")}


def _mail(s: so.Session, user_id: int, notification: Notification, at: datetime) -> None:
    """The same event by e-mail to an officer who has an address, once (the outbox key is the notification)."""
    user = s.get(User, user_id)
    if user is None or not user.email or not any(user.has_role(r) for r in ("reception", "specialist", "leader")):
        return
    code = s.scalar(sa.select(Dossier.code).where(Dossier.id == notification.dossier_id)) or ""
    values = {"code": code, "task": "", "reason": ""} | {k: str(v) for k, v in notification.params.items()
                                                         if isinstance(v, str)}
    subject, body = (text.format_map(values) for text in MAILED[notification.kind])
    s.add(OutboxMessage(key=f"inbox:{notification.id}", channel="email", recipient=user.email,
                        subject=f"[MotCua] {subject}"[:300], body=body + "\n\nXem tại /inbox",
                        dossier_id=notification.dossier_id, created_at=at, next_attempt_at=at))


def inbox_page(services: Services, username: str, page: int = 1, unread_only: bool = False,
               per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of the caller's own notifications, newest first, with the unread count."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        where = [Notification.user_id == user.id]
        if unread_only:
            where.append(Notification.read_at.is_(None))
        total = int(s.scalar(sa.select(sa.func.count()).select_from(Notification).where(*where)) or 0)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        rows = s.execute(sa.select(Notification, Dossier.code).outerjoin(Dossier, Dossier.id == Notification.dossier_id)
                         .where(*where).order_by(Notification.id.desc())
                         .limit(per_page).offset((page - 1) * per_page)).all()
        items = [{"id": n.id, "kind": n.kind, "dossier": code, "params": dict(n.params), "created_at": n.created_at,
                  "read": n.read_at is not None} for n, code in rows]
        return {"items": items, "page": page, "pages": pages, "total": total,
                "unread": _unread(s, user.id), "officer": user.agency_id is not None}


def unread_count(services: Services, username: str) -> int:
    """How many of the caller's notifications are unread (the header's badge)."""
    with UnitOfWork(services.session_factory) as uow:
        return _unread(uow.session, acting_user(uow.session, username).id)


def mark_read(services: Services, username: str, ids: Iterable[int] | None = None) -> int:
    """Mark the caller's notifications read: the given ids (others' are ignored), or all when None.
    Returns how many changed."""
    wanted = None if ids is None else list(ids)
    if wanted is not None and (len(wanted) > MAX_IDS or not all(isinstance(i, int) for i in wanted)):
        raise Invalid("inbox.ids_invalid", "ids", max=MAX_IDS)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        query = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        if wanted is not None:
            query = query.where(Notification.id.in_(wanted))
        changed = s.execute(query.values(read_at=services.clock.now()).execution_options(synchronize_session=False))
        uow.commit()
        return int(getattr(changed, "rowcount", 0) or 0)


def _unread(s: so.Session, user_id: int) -> int:
    return int(s.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0)
