"""What the procedural acts tell people: a notice kept on the dossier and sent to the applicant
(e-mail and SMS through the outbox), and e-mails to the officers of one role of an agency."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy.orm as so

from models import Dossier, DossierNotice, OutboxMessage, User
from processes.people.users import active_officers


def notify_applicant(s: so.Session, dossier: Dossier, now: datetime, title: str, body: str, key: str,
                     form_no: str | None = None) -> None:
    """Keep the notice on the dossier and queue it to the applicant (idempotent by `key`)."""
    s.add(DossierNotice(dossier_id=dossier.id, at=now, form_no=form_no, title=title, body=body))
    applicant = s.get(User, dossier.applicant_id)
    if applicant is not None and applicant.email:
        _queue(s, dossier, now, "email", applicant.email, title, body, f"mail:{key}")
    phone = (applicant.phone if applicant is not None and applicant.phone else None) or dossier.applicant_phone
    if phone:
        _queue(s, dossier, now, "sms", phone, title, f"{title}: {dossier.code}", f"sms:{key}")


def notify_officers(s: so.Session, dossier: Dossier, now: datetime, agency_id: int, role: str, subject: str,
                    body: str, key: str) -> None:
    """E-mail every active officer of `role` in the agency."""
    for officer in active_officers(s, agency_id):
        if officer.has_role(role) and officer.email:
            _queue(s, dossier, now, "email", officer.email, subject, body, f"{key}:{officer.id}")


def notify_user(s: so.Session, dossier: Dossier, now: datetime, user: User, subject: str, body: str,
                key: str) -> None:
    """E-mail one officer."""
    if user.email:
        _queue(s, dossier, now, "email", user.email, subject, body, f"{key}:{user.id}")


def _queue(s: so.Session, dossier: Dossier, now: datetime, channel: str, to: str, subject: str, body: str,
           key: str) -> None:
    s.add(OutboxMessage(key=key[:200], channel=channel, recipient=to, subject=subject[:300], body=body,
                        dossier_id=dossier.id, created_at=now, next_attempt_at=now))
