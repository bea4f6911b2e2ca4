"""`Idempotency-Key`: a client that lost an answer sends the same request again with the same key and
gets the first answer, with nothing done twice (a second dossier, a second payment).

The use case owns it: it computes what was asked (`request_of`: a SHA-256 of the command, files by their
hash), answers from `replay` when the caller already used the key, and otherwise `remember`s its answer
in the same transaction as its effect — a crash leaves both or neither. Two twins racing: the database's
unique key lets one commit; the other rolls back and answers the winner's answer (`after_race`). The same
key with a different request is refused (422 `idempotency.key_reused`); a key answers its repeats for
`RETENTION`, and its row is purged `[idempotency] retention_hours` after the first request (never sooner
than `RETENTION`) by the timer sweep or `motcua maintenance purge` (`purge_expired`)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from models import IdempotentRequest
from processes.errors import Invalid, Malformed, Refused
from processes.uow import UnitOfWork

FIELD = "Idempotency-Key"
RETENTION = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,200}")  # printable ASCII, no spaces (a UUID fits)


@dataclass(frozen=True)
class Request:
    key: str
    fingerprint: str


def request_of(key: str | None, scope: str, *what: Any) -> Request | None:
    """The request as the key will remember it, or None when no key was sent."""
    if key is None:
        return None
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise Malformed("idempotency.key_invalid", FIELD)
    text = json.dumps([scope, *[_plain(w) for w in what]], sort_keys=True, ensure_ascii=False, default=str)
    return Request(key, hashlib.sha256(text.encode("utf-8")).hexdigest())


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (bytes, bytearray)):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def replay(s: so.Session, username: str, request: Request | None, now: datetime) -> dict[str, Any] | None:
    """The first answer to this key of this caller, or None when the key is new (or expired)."""
    if request is None:
        return None
    row = s.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.username == username,
                                                      IdempotentRequest.key == request.key))
    if row is None:
        return None
    if row.created_at + RETENTION < now:
        s.delete(row)
        s.flush()
        return None
    if row.fingerprint != request.fingerprint:
        raise Invalid("idempotency.key_reused", FIELD)
    return dict(row.answer)


def remember(s: so.Session, username: str, request: Request | None, answer: dict[str, Any],
             now: datetime) -> dict[str, Any]:
    """Keep the answer with the effect (same transaction); returns the answer."""
    if request is not None:
        s.add(IdempotentRequest(username=username, key=request.key, fingerprint=request.fingerprint,
                                answer=json.loads(json.dumps(answer, default=str)), created_at=now))
    return answer


def after_race(services: Services, username: str, request: Request | None) -> dict[str, Any] | None:
    """After a commit failed: the answer of a twin that committed first with the same key, if any."""
    if request is None:
        return None
    with UnitOfWork(services.session_factory) as uow:
        return replay(uow.session, username, request, services.clock.now())


def retention(services: Services) -> timedelta:
    """How long a key's row is kept: `[idempotency] retention_hours`, never less than `RETENTION`."""
    hours = services.config.get("idempotency", {}).get("retention_hours", RETENTION.total_seconds() / 3600)
    if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours < 0:
        raise ValueError(f"[idempotency] retention_hours must be a number of hours, not {hours!r}")
    return max(timedelta(hours=float(hours)), RETENTION)


def purge_expired(services: Services, batch: int = 5000) -> int:
    """Delete the kept answers older than the retention (maintenance: the timer sweep and `motcua
    maintenance purge`, acting as the system); returns how many were deleted."""
    cutoff = services.clock.now() - retention(services)
    deleted = 0
    while True:
        with UnitOfWork(services.session_factory) as uow:
            ids = list(uow.session.scalars(sa.select(IdempotentRequest.id).where(
                IdempotentRequest.created_at < cutoff).limit(batch)))
            if ids:
                uow.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.id.in_(ids)))
                uow.commit()
        deleted += len(ids)
        if len(ids) < batch:
            return deleted


def commit_or_twin(services: Services, uow: UnitOfWork, username: str, request: Request | None,
                   answer: dict[str, Any], lost: Refused | None = None) -> dict[str, Any]:
    """Commit the effect with its answer. When the commit loses a race on a unique key, the answer of
    the twin request that won (same caller and key); else `lost` (or the database's error) is raised."""
    try:
        uow.commit()
    except sa.exc.IntegrityError:
        uow.session.rollback()
        twin = after_race(services, username, request)
        if twin is None:
            if lost is None:
                raise
            raise lost from None
        return twin
    return answer
