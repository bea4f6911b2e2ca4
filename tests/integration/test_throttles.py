"""Throttles under concurrency (issue 11), on SQLite and PostgreSQL: the attempt is taken before the
guarded work, in one transaction that serialises every caller of the same bucket and key, so twenty
simultaneous attempts against a limit of five get exactly five through."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest

from adapters import throttle
from adapters.bootstrap import Services
from engine.clock import ManualClock
from processes.errors import Invalid, Throttled
from processes.people import credentials
from processes.uow import UnitOfWork

IP = "203.0.113.9"
CALLERS = 20


def all_at_once(attempt: Callable[[], object]) -> list[object]:
    """Run `attempt` in CALLERS threads released together; return each outcome (value or exception)."""
    gate, outcomes, lock = threading.Barrier(CALLERS), [], threading.Lock()

    def run() -> None:
        gate.wait()
        try:
            outcome: object = attempt()
        except Exception as exc:  # the outcome under test
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == CALLERS
    return outcomes


def test_take_lets_exactly_the_limit_through_when_callers_race(services: Services) -> None:
    limit = throttle.Limit("test", 5, timedelta(minutes=15))

    def take() -> bool:
        with UnitOfWork(services.session_factory) as uow:
            taken = throttle.take(uow.session, limit, "k", services.clock.now())
            uow.commit()
            return taken

    assert sorted(map(bool, all_at_once(take))) == [False] * (CALLERS - 5) + [True] * 5


def test_twenty_concurrent_wrong_passwords_get_exactly_five_tries(services: Services) -> None:
    outcomes = all_at_once(lambda: credentials.log_in(services, "citizen", "sai-mat-khau", IP))
    assert sum(isinstance(o, Invalid) for o in outcomes) == throttle.LOGIN_FAILURES.attempts
    assert sum(isinstance(o, Throttled) for o in outcomes) == CALLERS - throttle.LOGIN_FAILURES.attempts
    with pytest.raises(Throttled):
        credentials.log_in(services, "citizen", "demo", IP)  # even the right password, until the window ends


def test_a_successful_log_in_gives_its_attempt_back(services: Services, clock: ManualClock) -> None:
    for _ in range(throttle.LOGIN_FAILURES_PER_IP.attempts + 5):  # many people behind one address
        assert credentials.log_in(services, "citizen", "demo", IP) == "citizen"
        clock.advance(timedelta(seconds=1))
    for _ in range(4):
        with pytest.raises(Invalid):
            credentials.log_in(services, "citizen", "sai-mat-khau", IP)
    assert credentials.log_in(services, "citizen", "demo", IP) == "citizen"  # the fifth try, and it clears
    for _ in range(5):
        with pytest.raises(Invalid):
            credentials.log_in(services, "citizen", "sai-mat-khau", IP)
    with pytest.raises(Throttled):
        credentials.log_in(services, "citizen", "demo", IP)
