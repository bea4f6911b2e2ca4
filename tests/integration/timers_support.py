"""Shared by the timer and deadline tests: walks through the use cases, the test procedures of
tests/fixtures/deadlines, and the sweeper that runs in its own process (spawned, so it imports only
this module and builds its own services from the same database URL)."""
from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from processes.definitions.deploy import deploy_paths
from processes.desk.tasks import complete_task, list_tasks
from processes.submission.submission import Submission, Upload, answer_supplement, submit_dossier
from tests.helpers import HKD, HKD_FORM, PDF, PNG, agreeing

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "deadlines"
PAUSING = "TEST.TAMDUNG"  # accepted at once; the specialist may ask for a supplement (clock pauses)
BAD_TIMER = "TEST.HENGIOLOI"  # its second timer gets an unusable value at run time


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)  # type: ignore[misc]


def deploy_fixture(services: Services, name: str) -> None:
    [outcome] = deploy_paths(services, "admin", [FIXTURES / f"{name}.bpmn"])
    assert outcome.ok, [str(p) for p in outcome.problems]


def submit_hkd(services: Services) -> str:
    uploads = [Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)]
    created = submit_dossier(services, "citizen", Submission(procedure=HKD, form=HKD_FORM, uploads=uploads,
                                                            declaration=True))
    return str(created["code"])


def submit_test_procedure(services: Services, procedure: str) -> str:
    created = submit_dossier(services, "citizen", Submission(procedure=procedure, form={"ho_ten": "Nguyễn Văn An"},
                                                            declaration=True))
    return str(created["code"])


def work(services: Services, code: str, username: str, overrides: Mapping[str, Any] | None = None) -> list[str]:
    """Complete every task `username` is offered on this dossier; return the element ids."""
    done = []
    for task in list_tasks(services, username):
        if task["dossier"] == code:
            complete_task(services, username, agreeing(services, task, username, dict(overrides or {})))
            done.append(task["name"])
    return done


def supplement(services: Services, code: str) -> None:
    answer_supplement(services, "citizen", code, {}, [Upload("giay_de_nghi", "bo-sung.pdf", PDF)])


def sweep_in_own_process(config: dict[str, Any], at: str, owner: str, batch: int, barrier: Any,
                         results: Any) -> None:
    """A sweeper process: its own services from the same database; starts when the other is ready."""
    from adapters.bootstrap import bootstrap
    from adapters.messaging import FakeMailer, FakeSms
    from engine.clock import ManualClock
    from processes.timekeeping.timers import sweep_until_done

    instant = datetime.fromisoformat(at)
    services = bootstrap(config, clock=ManualClock(instant), mailer=FakeMailer(), sms=FakeSms())
    with services.db.connect() as conn:  # open the pool before the start line, not after it
        conn.execute(sa.text("SELECT 1"))
    barrier.wait(timeout=60)
    started = time.monotonic()
    result = sweep_until_done(services, at=instant, owner=owner, batch=batch)
    elapsed = time.monotonic() - started
    services.db.dispose()
    results.put((owner, result.claimed, result.fired, result.failed, elapsed))
