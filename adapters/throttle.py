"""Counting attempts in a sliding window, in the database so that every web process sees the
same counts (log-in failures, public look-ups, mail requests)."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
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




def key_of(*parts: str) -> str:
    """The stored key: a digest, so that names and addresses are not kept in clear."""
    return hashlib.sha256("\x1f".join(p.strip().lower() for p in parts).encode("utf-8")).hexdigest()


def exceeded(s: so.Session, limit: Limit, key: str, now: datetime) -> bool:
    since = now - limit.window
    count = s.scalar(sa.select(sa.func.count()).select_from(ThrottleHit).where(
        ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key, ThrottleHit.at > since)) or 0
    return count >= limit.attempts


def hit(s: so.Session, limit: Limit, key: str, now: datetime) -> None:
    """Count one attempt (and forget this bucket's attempts older than the window)."""
    s.execute(sa.delete(ThrottleHit).where(ThrottleHit.bucket == limit.bucket,
                                           ThrottleHit.at <= now - limit.window))
    s.add(ThrottleHit(bucket=limit.bucket, key=key, at=now))
    s.flush()


def clear(s: so.Session, limit: Limit, key: str) -> None:
    s.execute(sa.delete(ThrottleHit).where(ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key))


def minutes(limit: Limit) -> int:
    return int(limit.window.total_seconds() // 60)
