"""Append to and verify the hash-chained audit trail (R4.1: tampering is detectable)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import AuditEvent, AuditHead


def event_digest(prev_hash: str, seq: int, at: datetime, actor: str, dossier_id: int | None, kind: str,
            detail: dict[str, Any]) -> str:
    body = json.dumps({"seq": seq, "at": at.isoformat(), "actor": actor, "dossier": dossier_id,
                       "kind": kind, "detail": detail}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(session: so.Session, *, at: datetime, actor: str, kind: str, detail: dict[str, Any] | None = None,
           dossier_id: int | None = None) -> AuditEvent:
    """Add one event to the chain inside the caller's transaction (the head row serialises writers)."""
    head = _locked_head(session)
    detail = json.loads(json.dumps(detail or {}, default=str))
    seq = head.seq + 1
    digest = event_digest(head.hash, seq, at, actor, dossier_id, kind, detail)
    event = AuditEvent(seq=seq, at=at, actor=actor, dossier_id=dossier_id, kind=kind, detail=detail,
                       prev_hash=head.hash, hash=digest)
    session.add(event)
    head.seq, head.hash = seq, digest
    return event


_HEAD = "motcua.audit_head"
_HEAD_FOR_UPDATE = sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()  # built once (hot)


def _locked_head(session: so.Session) -> AuditHead:
    """The chain's head row, locked once per transaction: a use case that appends several events
    reads and locks it with the first and reuses it (a savepoint locks again for itself)."""
    current = session.get_nested_transaction() or session.get_transaction()
    cached = session.info.get(_HEAD)
    if current is not None and cached is not None and cached[0] is current:
        return cached[1]
    head = session.scalars(_HEAD_FOR_UPDATE).one()
    session.info[_HEAD] = (session.get_nested_transaction() or session.get_transaction(), head)
    return head


@dataclass(frozen=True)
class Verification:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def verify(session: so.Session, batch: int = 5000) -> Verification:
    """Recompute the chain from the first event; name the first event that does not fit."""
    prev = "0" * 64
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(sa.select(AuditEvent).where(AuditEvent.seq > last_seq)
                               .order_by(AuditEvent.seq).limit(batch)).all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != last_seq + 1:
                return Verification(False, count, last_seq + 1, f"event {last_seq + 1} is missing")
            if ev.prev_hash != prev:
                return Verification(False, count, ev.seq, "its link to the previous event does not match")
            if event_digest(prev, ev.seq, ev.at, ev.actor, ev.dossier_id, ev.kind, ev.detail) != ev.hash:
                return Verification(False, count, ev.seq, "its content was changed after it was written")
            prev, last_seq, count = ev.hash, ev.seq, count + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.hash != prev):
        return Verification(False, count, last_seq + 1, "events after the last one were removed")
    return Verification(True, count)
