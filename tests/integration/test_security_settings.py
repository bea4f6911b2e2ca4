"""Security settings of issue 11, on SQLite and PostgreSQL: throttles from `[throttle]`, the idle and
absolute limits of browser sessions, the purge of old idempotency keys, a profile change that says
nothing about who owns an address, and a TOTP code spent once under concurrency."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
import sqlalchemy as sa

from adapters import throttle
from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import IdempotentRequest, User, UserSession
from processes.errors import Invalid, Throttled
from processes.people import accounts, credentials, sessions, two_factor
from processes.uow import UnitOfWork
from tests.integration.test_throttles import CALLERS, all_at_once

IP = "203.0.113.7"


# -- [throttle] -------------------------------------------------------------------------------------------

def test_the_log_in_limit_comes_from_the_configuration(services: Services) -> None:
    services.config["throttle"] = {"login_attempts": 2, "login_minutes": 1}
    for _ in range(2):
        with pytest.raises(Invalid):
            credentials.log_in(services, "citizen", "sai-mat-khau", IP)
    with pytest.raises(Throttled) as refused:
        credentials.log_in(services, "citizen", "demo", IP)
    assert refused.value.retry_after == 60


def test_a_limit_not_configured_keeps_its_default_and_a_bad_one_is_refused() -> None:
    assert throttle.configured({}, throttle.LOGIN_FAILURES) == throttle.LOGIN_FAILURES
    assert throttle.configured({"throttle": {"mail_attempts": 9}}, throttle.MAIL_REQUESTS).attempts == 9
    for bad in (0, -1, "5", 2.5, True):
        with pytest.raises(throttle.ThrottleConfigError, match="login_attempts"):
            throttle.configured({"throttle": {"login_attempts": bad}}, throttle.LOGIN_FAILURES)


def test_the_shipped_configuration_states_every_default() -> None:
    from adapters.config import load_config

    section = load_config({})["throttle"]
    for limit in throttle.DEFAULTS:
        assert section[f"{limit.bucket}_attempts"] == limit.attempts, limit.bucket
        assert section[f"{limit.bucket}_minutes"] * 60 == limit.window.total_seconds(), limit.bucket


# -- [sessions] idle_minutes, absolute_hours -----------------------------------------------------------------

def test_a_session_idle_longer_than_the_limit_is_ended(services: Services, clock: ManualClock) -> None:
    services.config["sessions"].update(idle_minutes=60, absolute_hours=12)
    credential = sessions.start_session(services, "citizen")
    clock.advance(timedelta(minutes=59))
    assert sessions.check(services, sessions.WEB, credential) is not None  # used: the idle time starts again
    clock.advance(timedelta(minutes=59))
    assert sessions.check(services, sessions.WEB, credential) is not None
    clock.advance(timedelta(minutes=62))
    assert sessions.check(services, sessions.WEB, credential) is None
    with UnitOfWork(services.session_factory) as uow:
        assert uow.session.get(UserSession, int(credential.split(".")[0])).ended_at == clock.now()
    clock.advance(timedelta(minutes=-120))  # ended for good, whatever happens to the clock
    assert sessions.check(services, sessions.WEB, credential) is None


def test_a_session_in_use_ends_after_the_absolute_limit(services: Services, clock: ManualClock) -> None:
    services.config["sessions"].update(idle_minutes=60, absolute_hours=12)
    credential = sessions.start_session(services, "citizen")
    for _ in range(23):
        clock.advance(timedelta(minutes=30))
        assert sessions.check(services, sessions.WEB, credential) is not None
    clock.advance(timedelta(minutes=31))
    assert sessions.check(services, sessions.WEB, credential) is None


def test_api_tokens_and_switched_off_limits_are_not_idle_limited(services: Services, clock: ManualClock) -> None:
    services.config["sessions"].update(idle_minutes=0, absolute_hours=0)
    credential = sessions.start_session(services, "citizen")
    token = sessions.operator_token(services, "citizen")
    services.config["sessions"].update(idle_minutes=60, absolute_hours=12)
    clock.advance(timedelta(hours=30))
    assert sessions.check(services, sessions.API, token) is not None  # tokens: their own expiry
    services.config["sessions"].update(idle_minutes=0, absolute_hours=0)
    assert sessions.check(services, sessions.WEB, credential) is not None


# -- [idempotency] retention_hours ---------------------------------------------------------------------------

def _keys(services: Services) -> list[str]:
    with UnitOfWork(services.session_factory) as uow:
        return sorted(uow.session.scalars(sa.select(IdempotentRequest.key)))


def _remember(services: Services, key: str) -> None:
    with UnitOfWork(services.session_factory) as uow:
        uow.session.add(IdempotentRequest(username="citizen", key=key, fingerprint="f" * 64, answer={"ok": 1},
                                          created_at=services.clock.now()))
        uow.commit()


def test_old_idempotency_keys_are_purged_after_the_retention(services: Services, clock: ManualClock) -> None:
    from processes.idempotency import purge_expired

    services.config["idempotency"] = {"retention_hours": 48}
    _remember(services, "old")
    clock.advance(timedelta(hours=30))
    _remember(services, "recent")
    assert purge_expired(services) == 0  # 30 hours: still within 48
    clock.advance(timedelta(hours=19))
    assert purge_expired(services) == 1
    assert _keys(services) == ["recent"]


def test_the_retention_is_never_shorter_than_the_replay_window(services: Services, clock: ManualClock) -> None:
    from processes.idempotency import RETENTION, purge_expired, retention

    services.config["idempotency"] = {"retention_hours": 1}
    assert retention(services) == RETENTION
    _remember(services, "k")
    clock.advance(timedelta(hours=23))
    assert purge_expired(services) == 0


def test_the_timer_sweep_purges_old_keys(services: Services, clock: ManualClock) -> None:
    from web import sweeper

    _remember(services, "old")
    clock.advance(timedelta(hours=25))
    sweeper._last_purge.clear()
    sweeper.sweep_once(services)
    assert _keys(services) == []


# -- update_profile: a taken address ------------------------------------------------------------------------

def test_a_profile_change_to_a_taken_address_answers_the_same_and_tells_its_owner(services: Services,
                                                                                 mailer: Any) -> None:
    from processes.outbox import dispatch_outbox

    taken = accounts.update_profile(services, "citizen", "Nguyễn Văn An", "citizen2@example.vn", "0912000111")
    assert taken is True  # as for a free address (next test)
    with UnitOfWork(services.session_factory) as uow:
        mine = uow.session.scalar(sa.select(User).where(User.username == "citizen"))
        assert mine.email == "citizen@example.vn" and mine.phone == "0912000111"  # its mail still goes there
    # the profile looks as after a change to a free address: the new address, waiting for confirmation
    profile = accounts.get_profile(services, "citizen")
    assert profile["email"] == "citizen2@example.vn" and profile["email_confirmed"] is False
    accounts.resend_confirmation(services, "citizen", IP)  # no link for another's address: its owner is told
    dispatch_outbox(services)
    assert [to for to, *_ in mailer.sent] == ["citizen2@example.vn", "citizen2@example.vn"]
    assert "'citizen2'" in mailer.sent[0][2] and "không có gì thay đổi" in mailer.sent[0][2]
    # back to its own address: confirmed again by the link mailed there
    assert accounts.update_profile(services, "citizen", "Nguyễn Văn An", "citizen@example.vn", "0912000111")
    dispatch_outbox(services)
    assert mailer.sent[-1][0] == "citizen@example.vn" and "/confirm/" in mailer.sent[-1][2]
    assert accounts.get_profile(services, "citizen")["email"] == "citizen@example.vn"


def test_a_change_to_a_free_address_gives_the_same_answer(services: Services) -> None:
    assert accounts.update_profile(services, "citizen", "Nguyễn Văn An", "an.moi@example.vn", "0912345678") is True
    profile = accounts.get_profile(services, "citizen")
    assert profile["email"] == "an.moi@example.vn" and profile["email_confirmed"] is False


# -- a TOTP code, twenty at once ----------------------------------------------------------------------------

def test_one_code_sent_by_twenty_at_once_logs_in_once(services: Services, clock: ManualClock) -> None:
    services.config["throttle"] = {"two_factor_attempts": 100}
    enrolment = two_factor.begin_enrolment(services, "reception")
    totp = pyotp.TOTP(enrolment["secret"])
    two_factor.confirm_enrolment(services, "reception", totp.at(clock.now()))
    clock.advance(timedelta(seconds=30))
    pending = two_factor.challenge(services, "reception")
    assert pending is not None
    code = totp.at(clock.now())
    outcomes = all_at_once(lambda: two_factor.complete_log_in(services, pending, code))
    assert sum(isinstance(o, tuple) for o in outcomes) == 1
    assert sum(isinstance(o, Invalid) for o in outcomes) == CALLERS - 1
