"""The operations console (issue 12) through its use cases on SQLite and PostgreSQL: incidents from
every source (timers, handlers, the outbox) raise an alert to the administrators; a parked timer is
retried and fires; a failed message is resent and sent; suspend/resume and cancel; the agency
administrator's scope; each repair refused where it cannot apply."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.messaging import FakeMailer
from models import Agency, AuditEvent, Dossier, Incident, OutboxMessage, Timer, User
from processes.desk.tasks import list_tasks
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.operations import console
from processes.outbox import MAX_ATTEMPTS, dispatch_outbox
from processes.people.users import hash_password
from processes.timekeeping import timers
from processes.timekeeping.timers import PARKED, fire_due_timers
from tests.helpers import work
from tests.integration.timers_support import BAD_TIMER, deploy_fixture, local, submit_hkd, submit_test_procedure


def alerts(services: Services, incident_kind: str) -> list[str]:
    """The recipients of the alerts queued for the incidents of a kind."""
    with services.session_factory() as s:
        ids = list(s.scalars(sa.select(Incident.id).where(Incident.kind == incident_kind)))
        assert ids, f"no {incident_kind} incident"
        return sorted(m.recipient for m in s.scalars(sa.select(OutboxMessage).where(
            sa.or_(*[OutboxMessage.key.startswith(f"incident:{i}:") for i in ids]))))


def dossier_id(services: Services, code: str) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(Dossier.id).where(Dossier.code == code)))


def park_a_timer(services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """A dossier whose reception timer (the diagram's own) fails every time until it is parked."""
    code = submit_hkd(services)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the escalation service is down")

    monkeypatch.setattr(timers.escalations, "mark_drawn_overdue", broken)
    at = local(2026, 3, 2, 15)
    for _ in range(int(services.config["timers"]["max_attempts"])):
        fire_due_timers(services, at=at)
        at += timedelta(hours=1)
    monkeypatch.undo()
    the_id = dossier_id(services, code)
    with services.session_factory() as s:
        timer = s.scalar(sa.select(Timer).where(Timer.dossier_id == the_id))
        assert timer is not None and timer.lease_expires_at == PARKED
        return code, timer.id


def test_a_parked_timer_raises_an_alerted_incident_and_a_retry_fires_it(
        services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    code, timer_id = park_a_timer(services, monkeypatch)
    assert alerts(services, "timer_failed") == ["admin@example.vn"]
    assert [t["id"] for t in console.list_parked_timers(services, "admin")] == [timer_id]
    assert fire_due_timers(services, at=local(2026, 3, 3, 15)).claimed == 0  # parked: waits for an operator
    retried = console.retry_timer(services, "admin", timer_id)
    assert (retried["parked"], retried["attempts"]) == (False, 0)
    with pytest.raises(Conflict) as conflict:
        console.retry_timer(services, "admin", timer_id)
    assert conflict.value.code == "operations.timer_not_parked"
    assert console.list_incidents(services, "admin") == []  # the retry resolved it
    result = fire_due_timers(services, at=local(2026, 3, 3, 15))
    assert result.fired >= 1 and result.failed == 0
    the_id = dossier_id(services, code)
    with services.session_factory() as s:
        assert s.get(Timer, timer_id) is None  # the diagram's timer fired: its row is gone
        kinds = list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.dossier_id == the_id)))
    assert "timer_retried" in kinds and "timer_fired" in kinds


def test_a_handler_that_fails_at_a_timer_raises_an_alerted_incident(services: Services) -> None:
    deploy_fixture(services, "hen_gio_loi")
    submit_test_procedure(services, BAD_TIMER)
    fire_due_timers(services, at=local(2026, 3, 2, 15))
    assert alerts(services, "handler_failed") == ["admin@example.vn"]


def test_a_message_failed_for_good_raises_an_alert_and_a_resend_sends_it(
        services: Services, mailer: FakeMailer) -> None:
    code = submit_hkd(services)
    now = services.clock.now()
    dispatch_outbox(services, now=now)  # what the submission queued leaves first
    the_id = dossier_id(services, code)
    with services.session_factory() as s, s.begin():
        msg = OutboxMessage(key="test:one", channel="email", recipient="an@example.vn", subject="Thông báo",
                            body="Nội dung", dossier_id=the_id, created_at=now,
                            next_attempt_at=now)
        s.add(msg)
        s.flush()
        message_id = msg.id
    mailer.fail_times = MAX_ATTEMPTS
    for n in range(MAX_ATTEMPTS):
        dispatch_outbox(services, now=now + timedelta(days=n + 1))
    with services.session_factory() as s:
        assert s.get(OutboxMessage, message_id).status == "failed"  # type: ignore[union-attr]
    assert alerts(services, "outbox.failed") == ["admin@example.vn"]
    assert [m["id"] for m in console.list_messages(services, "admin")] == [message_id]
    with pytest.raises(Conflict):  # a message that has not failed is not "resent"
        console.resend_message(services, "admin", _pending_alert(services))
    resent = console.resend_message(services, "admin", message_id)
    assert resent["status"] == "pending"
    assert console.list_incidents(services, "admin") == []
    dispatch_outbox(services, now=now + timedelta(days=20))
    assert "test:one" in [key for *_, key in mailer.sent]
    with services.session_factory() as s:
        assert s.get(OutboxMessage, message_id).status == "sent"  # type: ignore[union-attr]


def _pending_alert(services: Services) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.status != "failed").limit(1)))


def test_an_alert_that_fails_raises_no_incident_of_its_own(services: Services, mailer: FakeMailer) -> None:
    now = services.clock.now()
    with services.session_factory() as s, s.begin():
        s.add(OutboxMessage(key="incident:999:1", channel="email", recipient="admin@example.vn", subject="Sự cố",
                            body="...", created_at=now, next_attempt_at=now))
    dispatch_outbox(services, now=now)  # first the demo set-up's own messages, if any
    mailer.fail_times = 10 * MAX_ATTEMPTS
    for n in range(MAX_ATTEMPTS + 1):
        dispatch_outbox(services, now=now + timedelta(days=n + 1))
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Incident)
                        .where(Incident.message.contains("incident:999"))) == 0


def test_suspend_holds_tasks_and_timers_resume_releases_them(services: Services) -> None:
    code = submit_hkd(services)
    console.suspend_dossier(services, "admin", code, "Sửa dữ liệu")
    with pytest.raises(Conflict):
        console.suspend_dossier(services, "admin", code, "Lần nữa")
    with pytest.raises(Conflict) as conflict:
        work(services, code, "reception")
    assert conflict.value.code == "operations.dossier_suspended"
    assert fire_due_timers(services, at=local(2026, 3, 2, 15)).claimed == 0  # its forward limit waits
    assert console.running_dossiers(services, "admin", suspended=True)["total"] == 1
    console.resume_dossier(services, "admin", code)
    with pytest.raises(Conflict):
        console.resume_dossier(services, "admin", code)
    assert fire_due_timers(services, at=local(2026, 3, 2, 15)).fired == 1
    assert work(services, code, "reception")


def test_cancel_stops_the_dossier_with_a_reason_and_tells_the_applicant(services: Services) -> None:
    code = submit_hkd(services)
    with pytest.raises(Invalid):
        console.cancel_dossier(services, "admin", code, " ")
    done = console.cancel_dossier(services, "admin", code, "Hồ sơ tạo nhầm khi thử nghiệm")
    assert done["status_code"] == 8
    assert [t for t in list_tasks(services, "reception") if t["dossier"] == code] == []
    the_id = dossier_id(services, code)
    with services.session_factory() as s:
        out = [m.recipient for m in s.scalars(sa.select(OutboxMessage).where(
            OutboxMessage.dossier_id == the_id, OutboxMessage.subject.contains("dừng xử lý")))]
    assert "citizen@example.vn" in out
    with pytest.raises(Conflict):
        console.cancel_dossier(services, "admin", code, "Lần nữa")
    view = console.inspect_dossier(services, "admin", code)
    assert view["running"] is False and view["tasks"] == [] and view["timers"] == []


def test_the_console_shows_a_dossiers_inside(services: Services) -> None:
    code = submit_hkd(services)
    view = console.inspect_dossier(services, "admin", code)
    assert view["running"] and [t["role"] for t in view["tasks"]] == ["reception"]
    assert {t["kind"] for t in view["timers"]} == {"bpmn"}  # the diagram's own reception limit
    assert isinstance(view["variables"], dict)
    groups = console.running_dossiers(services, "admin")["groups"]
    assert [(g["procedure"], g["status_code"], g["count"]) for g in groups] == [("1.001612", 1, 1)]


def test_an_agency_administrator_operates_only_the_dossiers_of_its_agency(services: Services) -> None:
    code = submit_hkd(services)
    with services.session_factory() as s, s.begin():
        for username, agency in (("qtv_tp", "000.00.22.H34"), ("qtv_phuong", "000.25.22.H34")):
            s.add(User(username=username, password_hash=hash_password("demo"), full_name=username,
                       roles=["agency_admin"], email=f"{username}@example.vn", created_at=services.clock.now(),
                       agency_id=s.scalar(sa.select(Agency.id).where(Agency.code == agency))))
    assert console.running_dossiers(services, "qtv_tp")["total"] == 1
    assert console.running_dossiers(services, "qtv_phuong")["total"] == 0
    assert console.inspect_dossier(services, "qtv_tp", code)["code"] == code
    with pytest.raises(NotFound):
        console.inspect_dossier(services, "qtv_phuong", code)
    with pytest.raises(NotFound):
        console.suspend_dossier(services, "qtv_phuong", code, "Không phải của mình")
    console.suspend_dossier(services, "qtv_tp", code, "Kiểm tra")
    with pytest.raises(Forbidden):
        console.running_dossiers(services, "reception")
