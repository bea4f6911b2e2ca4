"""Send what waits in the outbox after its transaction committed; retry with backoff."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import OutboxMessage
from processes.operations.incidents import ALERT_PREFIX, raise_incident
from processes.uow import UnitOfWork

MAX_ATTEMPTS = 8


def dispatch_outbox(services: Services, now: datetime | None = None, batch: int = 100) -> int:
    """Send pending messages; return how many were sent. Each row is sent by one dispatcher."""
    now = now or services.clock.now()
    sent = 0
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        query = (sa.select(OutboxMessage).where(OutboxMessage.status == "pending",
                                                OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.id).limit(batch))
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        for msg in s.scalars(query):
            try:
                if msg.channel == "sms":
                    services.sms.send(msg.recipient, msg.body, msg.key)
                else:
                    services.mailer.send(msg.recipient, msg.subject, msg.body, msg.key)
            except Exception as exc:  # a port failure is retried, never lost
                msg.attempts += 1
                msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                msg.status = "failed" if msg.attempts >= MAX_ATTEMPTS else "pending"
                msg.next_attempt_at = now + timedelta(seconds=30 * 2 ** min(msg.attempts, 10))
                if msg.status == "failed" and not msg.key.startswith(ALERT_PREFIX):
                    # Failed for good: an incident and an alert (the console resends it: "message ID (").
                    raise_incident(s, now, "outbox.failed",
                                   f"message {msg.id} ({msg.channel} to {msg.recipient}: {msg.subject}) failed "
                                   f"{msg.attempts} time(s): {msg.last_error}", msg.dossier_id)
                continue
            msg.status, msg.sent_at, msg.attempts = "sent", now, msg.attempts + 1
            sent += 1
        uow.commit()
    return sent
