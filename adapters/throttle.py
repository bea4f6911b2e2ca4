"""Counting attempts in a sliding window, in the database so that every web process sees the
same counts (log-in failures, public look-ups, registrations, feedback, mail requests).

`take` is the one door: in one transaction it serialises every caller of the same bucket and key
(SQLite: the writer lock of BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock on
the bucket and key), counts the window and records the attempt only when it is under the limit.
Twenty concurrent attempts against a limit of five therefore get exactly five "yes". The attempt is
taken *before* the guarded work (checking a password, sending a mail); when the work succeeds and
should not count, `give_back` removes it again."""
from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from models import ThrottleHit


@dataclass(frozen=True)
class Limit:
    bucket: str
    attempts: int
    window: timedelta


LOGIN_FAILURES = Limit("login", 5, timedelta(minutes=15))  # per username + IP address
LOGIN_FAILURES_PER_IP = Limit("login_ip", 30, timedelta(minutes=15))  # many usernames from one address
LOOKUP_FAILURES = Limit("track_fail", 10, timedelta(minutes=15))  # public look-up, per IP
LOOKUPS = Limit("track", 60, timedelta(minutes=15))
MAIL_REQUESTS = Limit("mail", 5, timedelta(hours=1))  # reset / confirmation mails, per IP or account
REGISTRATIONS_PER_IP = Limit("register_ip", 10, timedelta(hours=1))
REGISTRATIONS_PER_EMAIL = Limit("register_mail", 3, timedelta(hours=1))  # also bounds the notices it mails
FEEDBACK_PER_IP = Limit("feedback_ip", 10, timedelta(hours=1))  # anonymous general comments
TWO_FACTOR_CODES = Limit("two_factor", 5, timedelta(minutes=15))  # wrong second-factor codes, per account
DEFAULTS = (LOGIN_FAILURES, LOGIN_FAILURES_PER_IP, LOOKUP_FAILURES, LOOKUPS, MAIL_REQUESTS, REGISTRATIONS_PER_IP,
            REGISTRATIONS_PER_EMAIL, FEEDBACK_PER_IP, TWO_FACTOR_CODES)


class ThrottleConfigError(ValueError):
    """A `[throttle]` setting is not a positive whole number (the message names the key)."""


def configured(config: Mapping[str, object], limit: Limit) -> Limit:
    """The limit as the operator set it in `[throttle]` (`<bucket>_attempts`, `<bucket>_minutes`); the
    constant above where a key is absent."""
    section = config.get("throttle") or {}
    assert isinstance(section, Mapping)
    attempts, window = limit.attempts, limit.window
    for key in (f"{limit.bucket}_attempts", f"{limit.bucket}_minutes"):
        if key not in section:
            continue
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ThrottleConfigError(f"[throttle] {key} must be a whole number of at least 1, not {value!r}")
        if key.endswith("_attempts"):
            attempts = value
        else:
            window = timedelta(minutes=value)
    return replace(limit, attempts=attempts, window=window)


def key_of(*parts: str) -> str:
    """The stored key: a digest, so that names and addresses are not kept in clear."""
    return hashlib.sha256("\x1f".join(p.strip().lower() for p in parts).encode("utf-8")).hexdigest()


def _lock(s: so.Session, limit: Limit, key: str) -> None:
    """Serialise the callers of one bucket and key until this transaction ends."""
    if s.get_bind().dialect.name == "postgresql":
        digest = hashlib.sha256(f"{limit.bucket}\x1f{key}".encode()).digest()
        s.execute(sa.select(sa.func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big", signed=True))))
    # SQLite: every transaction began with BEGIN IMMEDIATE (models.base), so it already holds the
    # one writer lock of the database file.


def take(s: so.Session, limit: Limit, key: str, now: datetime) -> bool:
    """Record one attempt and say True when it is within the limit; say False (recording nothing)
    when the window is full. Atomic under concurrency; the caller commits (or rolls back)."""
    _lock(s, limit, key)
    if exceeded(s, limit, key, now):
        return False
    hit(s, limit, key, now)
    return True


def give_back(s: so.Session, limit: Limit, key: str, at: datetime) -> None:
    """Forget one attempt taken at `at` (the guarded work succeeded and should not count)."""
    one = sa.select(ThrottleHit.id).where(ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key,
                                          ThrottleHit.at == at).limit(1).scalar_subquery()
    s.execute(sa.delete(ThrottleHit).where(ThrottleHit.id == one))


def exceeded(s: so.Session, limit: Limit, key: str, now: datetime) -> bool:
    since = now - limit.window
    count = s.scalar(sa.select(sa.func.count()).select_from(ThrottleHit).where(
        ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key, ThrottleHit.at > since)) or 0
    return count >= limit.attempts


def hit(s: so.Session, limit: Limit, key: str, now: datetime) -> None:
    """Count one attempt (and forget some of this bucket's attempts older than the window)."""
    _prune(s, limit, now)
    s.add(ThrottleHit(bucket=limit.bucket, key=key, at=now))
    s.flush()


def _prune(s: so.Session, limit: Limit, now: datetime, batch: int = 200) -> None:
    # Rows another transaction is deleting are skipped (PostgreSQL), so two callers of different
    # keys never wait on, or deadlock over, each other's clean-up.
    old = (sa.select(ThrottleHit.id).where(ThrottleHit.bucket == limit.bucket, ThrottleHit.at <= now - limit.window)
           .limit(batch).with_for_update(skip_locked=True))
    ids = list(s.scalars(old))
    if ids:
        s.execute(sa.delete(ThrottleHit).where(ThrottleHit.id.in_(ids)))


def clear(s: so.Session, limit: Limit, key: str) -> None:
    s.execute(sa.delete(ThrottleHit).where(ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key))


def minutes(limit: Limit) -> int:
    return int(limit.window.total_seconds() // 60)
