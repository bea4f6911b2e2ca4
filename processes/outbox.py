"""Send what waits in the outbox after its transaction committed; retry with backoff.

Channels: email (services.mailer), sms (services.sms), zalo (services.zalo), national (the national
portal, services.national). Rows that share an `ordering` (the national portal: one per dossier) leave one
after the other: a row waits while an earlier row of its ordering has not been sent. A send that fails is
retried with a doubling wait; after `[outbox] max_attempts` a notice is failed and an incident opened
(`outbox.failed`), a national-portal message keeps being retried at the longest wait and opens one
incident (`national_sync.failing`). Delivery is at least once: a crash between sending and recording
sends again after the claim's lease, with the same key (the receivers de-duplicate on it).

Sent messages keep their row (its key stops a notice being queued twice; the dossier's delivery list
and the national sync state read it), but after `[outbox] archive_after_days` their bodies move to the
archive files of the file store (`archive_sent`), so that the database stays small."""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import outbox_archive
from adapters.bootstrap import Services
from engine.clock import iso
from models import OutboxMessage
from processes.operations.incidents import ALERT_PREFIX, raise_incident
from processes.uow import UnitOfWork

MAX_ATTEMPTS = 8  # the default of [outbox] max_attempts

_EARLIER_UNSENT = (sa.select(OutboxMessage.id)
                   .where(OutboxMessage.ordering == sa.bindparam("ordering"),
                          OutboxMessage.id < sa.bindparam("id"),
                          OutboxMessage.status.not_in(("sent", "delivered"))).limit(1))


def settings(config: Mapping[str, Any]) -> tuple[int, float, float]:
    """(max attempts, first wait, longest wait) from [outbox]."""
    cfg = config.get("outbox", {})
    return (int(cfg.get("max_attempts", MAX_ATTEMPTS)), float(cfg.get("retry_base_seconds", 30)),
            float(cfg.get("retry_max_seconds", 3600)))


@dataclass(frozen=True)
class _Claimed:
    """A message taken for one send, read before its claiming transaction ended."""

    id: int
    key: str
    channel: str
    recipient: str
    subject: str
    body: str
    event: str | None
    ordering: str | None


MAX_ROUNDS = 50  # rounds of one dispatch: a dossier's queued portal steps go out one after the other


def dispatch_outbox(services: Services, now: datetime | None = None, batch: int = 100) -> int:
    """Send pending messages; return how many were sent.

    Three short steps, so that no transaction (on SQLite: the write lock) is held while an outside system
    answers: claim due messages (their next try moved `[outbox] lease_seconds` ahead, so no other
    dispatcher takes them meanwhile; a crash leaves them to be tried again after the lease), send them
    with no transaction open, record each outcome. Rows of one ordering go one per round, in id order,
    each only once the earlier ones were sent; rounds repeat while they make progress."""
    now = now or services.clock.now()
    total = 0
    for _ in range(MAX_ROUNDS):
        claimed = _claim(services, now, batch)
        if not claimed:
            break
        outcomes: list[tuple[_Claimed, str | None, Exception | None]] = []
        for msg in claimed:
            try:
                outcomes.append((msg, _send(services, msg), None))
            except Exception as exc:  # a port failure is retried, never lost
                outcomes.append((msg, None, exc))
        sent, ordered = _record(services, outcomes, now)
        total += sent
        if not ordered and len(claimed) < batch:
            break
    return total


def _claim(services: Services, now: datetime, batch: int) -> list[_Claimed]:
    lease = timedelta(seconds=float(services.config.get("outbox", {}).get("lease_seconds", 300)))
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        query = (sa.select(OutboxMessage).where(OutboxMessage.status == "pending",
                                                OutboxMessage.next_attempt_at <= now)
                 .order_by(OutboxMessage.id).limit(batch))
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        taken: list[_Claimed] = []
        orderings: set[str] = set()  # one row per ordering per round: the earliest not yet sent
        for msg in s.scalars(query).all():
            if msg.ordering is not None:
                if msg.ordering in orderings or _waits(s, msg):
                    orderings.add(msg.ordering)
                    continue
                orderings.add(msg.ordering)
            msg.next_attempt_at = now + lease
            taken.append(_Claimed(msg.id, msg.key, msg.channel, msg.recipient, msg.subject, msg.body, msg.event,
                                  msg.ordering))
        uow.commit()
        return taken


def _record(services: Services, outcomes: list[tuple[_Claimed, str | None, Exception | None]],
            now: datetime) -> tuple[int, int]:
    """Write what each send did; (messages sent, of which in an ordering)."""
    max_attempts, base, longest = settings(services.config)
    sent = ordered = 0
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        for claimed, ref, error in outcomes:
            msg = s.get(OutboxMessage, claimed.id)
            if msg is None or msg.status != "pending":
                continue
            if error is not None:
                _failed(s, msg, error, now, max_attempts, base, longest)
                continue
            msg.status, msg.sent_at, msg.attempts, msg.provider_ref = "sent", now, msg.attempts + 1, ref
            sent += 1
            ordered += claimed.ordering is not None
        uow.commit()
    return sent, ordered


def _waits(s: so.Session, msg: OutboxMessage) -> bool:
    return s.scalar(_EARLIER_UNSENT, {"ordering": msg.ordering, "id": msg.id}) is not None


def _send(services: Services, msg: _Claimed) -> str | None:
    if msg.channel == "email":
        services.mailer.send(msg.recipient, msg.subject, msg.body, msg.key)
        return None
    if msg.channel == "sms":
        return services.sms.send(msg.recipient, msg.body, msg.key, template=msg.event)
    if msg.channel == "zalo":
        if services.zalo is None:
            raise RuntimeError("Zalo is off ([zalo] transport)")
        payload = json.loads(msg.body)
        return services.zalo.send(msg.recipient, str(payload.get("text", "")), msg.key, template=msg.event,
                                  data=payload.get("data") or {})
    if msg.channel == "national":
        if services.national is None:
            raise RuntimeError("the national portal is off ([national_portal] url)")
        services.national.push(msg.subject, json.loads(msg.body), msg.key)
        return None
    raise RuntimeError(f"unknown outbox channel {msg.channel!r}")


def _failed(s: so.Session, msg: OutboxMessage, exc: Exception, now: datetime, max_attempts: int,
            base: float, longest: float) -> None:
    msg.attempts += 1
    msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    msg.next_attempt_at = now + timedelta(seconds=min(longest, base * 2 ** min(msg.attempts - 1, 30)))
    if msg.attempts < max_attempts:
        return
    if msg.channel == "national":  # every step must reach the portal: keep trying, tell an operator once
        if msg.attempts == max_attempts:
            raise_incident(s, now, "national_sync.failing",
                           f"message {msg.id} (national portal {msg.subject}, {msg.key}) failed {msg.attempts} "
                           f"times and is retried every {longest:g} s; later steps of the dossier wait: "
                           f"{msg.last_error}", msg.dossier_id)
        return
    msg.status = "failed"
    if msg.key.startswith(ALERT_PREFIX):
        return  # an alert that failed for good raises no further incident (no loop)
    # Failed for good: an incident and an alert; the console's resend resolves it ("message ID (").
    raise_incident(s, now, "outbox.failed",
                   f"message {msg.id} ({msg.channel} to {msg.recipient}: {msg.subject}, {msg.key}) failed "
                   f"{msg.attempts} time(s) and was given up: {msg.last_error}", msg.dossier_id)


ARCHIVED = "archived:"  # a body moved to the archive starts so, followed by the archive file's name
ARCHIVE_AFTER_DAYS = 30  # the default of [outbox] archive_after_days


def archive_sent(services: Services, now: datetime | None = None, batch: int = 1000) -> int:
    """Move the bodies of messages sent (or delivered) more than `[outbox] archive_after_days` ago
    (0: never) to the archive files; how many were moved. Each row keeps its key, channel, recipient,
    subject, event, states and times, and its body names the file that holds it. Pending and failed
    messages stay whole (they may still be sent, or resent from the console). The file is written and
    synced before the rows change; a crash in between archives those messages again (`read` keeps one).
    Nodes archiving at once skip each other's rows (PostgreSQL) or write the same lines twice (SQLite)."""
    days = float(services.config.get("outbox", {}).get("archive_after_days", ARCHIVE_AFTER_DAYS))
    if days <= 0:
        return 0
    now = now or services.clock.now()
    before = now - timedelta(days=days)
    moved = 0
    while True:
        with UnitOfWork(services.session_factory) as uow:
            s = uow.session
            query = (sa.select(OutboxMessage)
                     .where(OutboxMessage.status.in_(("sent", "delivered")), OutboxMessage.sent_at < before,
                            OutboxMessage.body.not_like(f"{ARCHIVED}%"))
                     .order_by(OutboxMessage.id).limit(batch))
            if s.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = s.scalars(query).all()
            if not rows:
                return moved
            by_month: dict[str, list[OutboxMessage]] = {}
            for msg in rows:
                assert msg.sent_at is not None
                by_month.setdefault(msg.sent_at.astimezone(UTC).strftime("%Y-%m"), []).append(msg)
            for month, messages in sorted(by_month.items()):
                outbox_archive.append(services.config, month, [_archived(m) for m in messages])
                for msg in messages:
                    msg.body = ARCHIVED + outbox_archive.file_name(month)
            uow.commit()
        moved += len(rows)
        if len(rows) < batch:
            return moved


def _archived(m: OutboxMessage) -> dict[str, Any]:
    return {"id": m.id, "key": m.key, "channel": m.channel, "recipient": m.recipient, "subject": m.subject,
            "body": m.body, "event": m.event, "dossier_id": m.dossier_id, "status": m.status,
            "attempts": m.attempts, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at),
            "delivered_at": iso(m.delivered_at), "provider_ref": m.provider_ref}
