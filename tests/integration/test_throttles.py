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
from processes.errors import Invalid, NotFound, Throttled
from processes.people import accounts, credentials
from processes.people.accounts import Registration
from processes.submission import feedback, portal_dossiers
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


def test_twenty_concurrent_wrong_look_ups_get_exactly_ten_answers(services: Services) -> None:
    outcomes = all_at_once(lambda: portal_dossiers.public_status(services, "X-1", "0912345678", IP))
    assert sum(isinstance(o, NotFound) for o in outcomes) == throttle.LOOKUP_FAILURES.attempts
    assert all(isinstance(o, (NotFound, Throttled)) for o in outcomes)


def registration(n: int, email: str | None = None) -> Registration:
    return Registration(f"nguoidan{n}", "Người Dân", email or f"dan{n}@example.vn", "0905111222",
                        "mot-mat-khau-dai", "mot-mat-khau-dai")


def test_registrations_are_limited_per_client_address(services: Services, clock: ManualClock) -> None:
    for n in range(throttle.REGISTRATIONS_PER_IP.attempts):
        accounts.register(services, registration(n), IP)
    with pytest.raises(Throttled) as refused:
        accounts.register(services, registration(99), IP)
    assert refused.value.code == "account.too_many_registrations" and refused.value.retry_after == 3600
    accounts.register(services, registration(100), "198.51.100.3")  # another address
    clock.advance(timedelta(minutes=61))
    accounts.register(services, registration(99), IP)


def test_anonymous_feedback_is_limited_per_client_address(services: Services) -> None:
    for n in range(throttle.FEEDBACK_PER_IP.attempts):
        feedback.give_feedback(services, None, f"Góp ý {n}", ip=IP)
    with pytest.raises(Throttled) as refused:
        feedback.give_feedback(services, None, "Thêm một góp ý", ip=IP)
    assert refused.value.code == "feedback.too_many"
    feedback.give_feedback(services, None, "Từ nơi khác", ip="198.51.100.3")
    feedback.give_feedback(services, "citizen", "Đã đăng nhập", ip=IP)  # counted per account instead


def test_reset_requests_are_limited_per_account_from_any_address(services: Services) -> None:
    for n in range(throttle.MAIL_REQUESTS.attempts):
        credentials.request_password_reset(services, "citizen@example.vn", f"198.51.100.{n}")
    with pytest.raises(Throttled) as refused:
        credentials.request_password_reset(services, "Citizen@Example.vn", "198.51.100.99")
    assert refused.value.code == "account.too_many_mails"
