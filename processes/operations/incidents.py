"""Raising an incident (R9.2): one `incidents` row, and an e-mail to every active system administrator
(and the agency administrators of the dossier's agency) through the outbox, in the caller's
transaction. Sources: timers that failed for good (`timer_failed`), a diagram step or handler that
failed while a timer fired it (`handler_failed`), outbox messages that failed for good
(`outbox.failed`); later payments and national sync raise theirs the same way.

An alert that itself fails for good raises no further incident (no loop): its key starts `incident:`."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import Dossier, Incident, OutboxMessage, User

ALERT_PREFIX = "incident:"


def raise_incident(s: so.Session, now: datetime, kind: str, message: str,
                   dossier_id: int | None = None) -> Incident:
    incident = Incident(at=now, dossier_id=dossier_id, kind=kind[:60], message=message)
    s.add(incident)
    s.flush()
    agency_id = s.scalar(sa.select(Dossier.agency_id).where(Dossier.id == dossier_id)) if dossier_id else None
    subject = f"[MotCua] Sự cố cần xử lý: {kind}"[:300]
    body = (f"Sự cố #{incident.id} ({kind}) lúc {now.isoformat()}:\n{message}\n\n"
            f"Xem và xử lý tại /admin/operations/incidents")
    for user in s.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
        wanted = user.has_role("admin") or (
            agency_id is not None and user.has_role("agency_admin") and user.agency_id == agency_id)
        if wanted and user.email:
            s.add(OutboxMessage(key=f"{ALERT_PREFIX}{incident.id}:{user.id}", channel="email",
                                recipient=user.email, subject=subject, body=body, dossier_id=dossier_id,
                                created_at=now, next_attempt_at=now))
    return incident


def resolve_matching(s: so.Session, now: datetime, kind: str, prefix: str) -> int:
    """Mark resolved the open incidents of `kind` whose message starts with `prefix` (a repair done)."""
    rows = s.scalars(sa.select(Incident).where(Incident.kind == kind, Incident.resolved_at.is_(None),
                                                Incident.message.startswith(prefix, autoescape=True))).all()
    for row in rows:
        row.resolved_at = now
    return len(rows)
