"""Deadlines and durable timers on a real database (SQLite, and PostgreSQL when configured): a dossier
left untouched shows the escalations of R14.4 and R8.1; waiting for a supplement stops the clock;
every due timer fires exactly once, from two sweeper processes at once, after a sweeper died, and
a timer that cannot fire becomes an incident while the sweep goes on."""
from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import AuditEvent, Dossier, FeePayment, Incident, OutboxMessage, Timer, User
from processes.audit import verify
from processes.definitions.deploy import deploy_paths
from processes.desk.apology import issue_apology
from processes.dossier.dossiers import get_dossier
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.timekeeping.timers import PARKED, claim_due_timers, fire_due_timers, sweep_until_done
from tests.integration.timers_support import (
    BAD_TIMER,
    PAUSING,
    deploy_fixture,
    local,
    submit_hkd,
    submit_test_procedure,
    supplement,
    sweep_in_own_process,
    work,
)
from tests.workbench_support import COORDINATION_BPMN, deploy_coordination, submit_coordination

DEADLINE_KINDS = ("statutory_due", "statutory_warning", "forward_limit", "step_limit")


def instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def view(services: Services, code: str) -> dict[str, Any]:
    return get_dossier(services, "citizen", code)


def history(services: Services, code: str) -> list[str]:
    return [h["kind"] for h in view(services, code)["history"]]


def deadline_rows(services: Services, code: str) -> dict[str, tuple[datetime, bool]]:
    """kind -> (due instant, fired?) of the dossier's deadline timers."""
    with services.session_factory() as s:
        rows = s.scalars(sa.select(Timer).join(Dossier, Dossier.id == Timer.dossier_id)
                         .where(Dossier.code == code, Timer.kind.in_(DEADLINE_KINDS))).all()
        return {r.kind: (r.due_at, r.fired_at is not None) for r in rows}


def mails(services: Services, code: str) -> list[tuple[str, str]]:
    """(recipient, subject) of every e-mail about this dossier waiting in the outbox."""
    with services.session_factory() as s:
        rows = s.execute(sa.select(OutboxMessage.recipient, OutboxMessage.subject)
                         .join(Dossier, Dossier.id == OutboxMessage.dossier_id)
                         .where(Dossier.code == code, OutboxMessage.channel == "email")
                         .order_by(OutboxMessage.id)).all()
        return [(r, subject) for r, subject in rows]


def events(services: Services, code: str, kind: str) -> list[dict[str, Any]]:
    with services.session_factory() as s:
        return [e.detail for e in s.scalars(sa.select(AuditEvent).join(Dossier, Dossier.id == AuditEvent.dossier_id)
                                            .where(Dossier.code == code, AuditEvent.kind == kind)
                                            .order_by(AuditEvent.seq))]


# -- escalations of a dossier left untouched ----------------------------------------------------------
def test_a_dossier_left_untouched_shows_the_forward_limit_and_statutory_escalations(
        services: Services, clock: ManualClock) -> None:
    code = submit_hkd(services)  # Monday 09:00: reception must forward it by 14:30 (R14.4)
    assert fire_due_timers(services, at=local(2026, 3, 2, 14)).fired == 0
    assert fire_due_timers(services, at=local(2026, 3, 2, 15)).fired == 1
    [task] = view(services, code)["open_tasks"]
    assert instant(task["overdue_at"]) == local(2026, 3, 2, 15)
    assert ("leader@example.vn", "Hồ sơ quá hạn chuyển xử lý") in mails(services, code)
    assert "task_overdue" in history(services, code)

    clock.set(local(2026, 3, 3, 9))  # accepted a day late; 3 working days: due Friday 09:00
    work(services, code, "reception")
    assert instant(view(services, code)["due_at"]) == local(2026, 3, 6, 9)
    assert deadline_rows(services, code) == {"statutory_due": (local(2026, 3, 6, 9), False),
                                             "statutory_warning": (local(2026, 3, 5, 9), False)}

    assert fire_due_timers(services, at=local(2026, 3, 5, 10)).fired == 1  # one working day before
    warned = {to for to, subject in mails(services, code) if subject.endswith("sắp đến hạn")}
    assert warned == {"specialist@example.vn", "leader@example.vn"}  # the step's role holders, the leader
    assert view(services, code)["late"] is False

    assert fire_due_timers(services, at=local(2026, 3, 6, 9, 30)).fired == 1
    dossier = view(services, code)
    assert dossier["late"] is True
    assert instant(dossier["open_tasks"][0]["overdue_at"]) == local(2026, 3, 6, 9, 30)
    assert "deadline_passed" in history(services, code)
    [told] = [subject for to, subject in mails(services, code) if subject.endswith("đã quá hạn trả kết quả")]
    assert told == f"Hồ sơ {code} đã quá hạn trả kết quả"
    assert events(services, code, "deadline_passed")[0]["apology_required"] is True

    assert fire_due_timers(services, at=local(2026, 3, 9, 9)).fired == 0  # each escalation once


def test_a_step_with_its_own_limit_is_overdue_and_its_leaders_alerted(services: Services) -> None:
    deploy_fixture(services, "tam_dung")
    code = submit_test_procedure(services, PAUSING)  # accepted Monday 09:00; review within 1 working day
    assert deadline_rows(services, code)["step_limit"] == (local(2026, 3, 3, 9), False)
    assert fire_due_timers(services, at=local(2026, 3, 3, 10)).fired == 1
    [task] = view(services, code)["open_tasks"]
    assert instant(task["overdue_at"]) == local(2026, 3, 3, 10)
    assert ("leader@example.vn", f'Hồ sơ {code}: bước "Thẩm định" quá hạn') in mails(services, code)
    assert view(services, code)["late"] is False  # the step is late, the dossier is not (yet)


def test_reception_that_does_not_forward_in_half_a_working_day_is_overdue_and_its_leaders_alerted(
        services: Services) -> None:
    deploy_coordination(services)  # its reception check has a limit (forward_due) but no timer of its own
    code = submit_coordination(services)
    assert deadline_rows(services, code) == {"forward_limit": (local(2026, 3, 2, 14, 30), False)}
    assert fire_due_timers(services, at=local(2026, 3, 2, 15)).fired == 1
    [task] = view(services, code)["open_tasks"]
    assert instant(task["overdue_at"]) == local(2026, 3, 2, 15)
    assert ("leader@example.vn", f"Hồ sơ {code} quá hạn chuyển xử lý") in mails(services, code)
    assert events(services, code, "task_overdue")[0]["limit"] == "forward_limit"


def test_reception_has_half_a_working_day_even_when_the_diagram_sets_no_limit(
        services: Services, tmp_path: Path) -> None:
    for suffix in (".bpmn", ".toml"):
        text = COORDINATION_BPMN.with_suffix(suffix).read_text(encoding="utf-8")
        (tmp_path / COORDINATION_BPMN.with_suffix(suffix).name).write_text(
            text.replace('<camunda:property name="due" value="forward_due" />', ""), encoding="utf-8")
    [outcome] = deploy_paths(services, "admin", [tmp_path / COORDINATION_BPMN.name])
    assert outcome.ok, [str(p) for p in outcome.problems]
    code = submit_coordination(services)  # Monday 09:00
    assert deadline_rows(services, code) == {"forward_limit": (local(2026, 3, 2, 14, 30), False)}
    assert instant(view(services, code)["open_tasks"][0]["due_at"]) == local(2026, 3, 2, 14, 30)


# -- pause and resume -----------------------------------------------------------------------------------
def test_waiting_for_a_supplement_moves_the_due_instant_by_the_working_time_paused(
        services: Services, clock: ManualClock) -> None:
    deploy_fixture(services, "tam_dung")
    code = submit_test_procedure(services, PAUSING)  # Monday 09:00 + 5 working days
    assert instant(view(services, code)["due_at"]) == local(2026, 3, 9, 9)

    clock.set(local(2026, 3, 3, 8))
    work(services, code, "specialist", {"specialist_decision": "supplement", "specialist_note": "Thiếu bản sao"})
    assert instant(view(services, code)["paused_at"]) == local(2026, 3, 3, 8)
    assert deadline_rows(services, code) == {}  # the clock stopped: nothing can fire while waiting
    assert fire_due_timers(services, at=local(2026, 3, 20, 9)).fired == 0

    clock.set(local(2026, 3, 5, 8))  # two working days later
    supplement(services, code)
    dossier = view(services, code)
    assert instant(dossier["due_at"]) == local(2026, 3, 11, 9)
    assert dossier["paused_at"] is None
    [resumed] = events(services, code, "clock_resumed")
    assert resumed["waiting_working_hours"] == 16.0
    assert instant(resumed["due_at_before"]) == local(2026, 3, 9, 9)
    assert deadline_rows(services, code)["statutory_due"] == (local(2026, 3, 11, 9), False)

    clock.set(local(2026, 3, 5, 10))  # a second request counts against the agency: it is recorded
    work(services, code, "specialist", {"specialist_decision": "supplement"})
    clock.set(local(2026, 3, 6, 10))
    supplement(services, code)
    dossier = view(services, code)
    assert dossier["supplement_count"] == 2
    assert instant(dossier["due_at"]) == local(2026, 3, 12, 9)
    assert Counter(history(services, code))["clock_paused"] == 2
    assert Counter(history(services, code))["clock_resumed"] == 2


def test_a_step_limit_never_runs_past_the_appointment(services: Services, clock: ManualClock) -> None:
    deploy_fixture(services, "tam_dung")
    code = submit_test_procedure(services, PAUSING)  # due Monday 9 March 09:00
    clock.set(local(2026, 3, 6, 16, 30))  # two working hours left
    work(services, code, "specialist", {"specialist_decision": "supplement"})
    clock.set(local(2026, 3, 10, 9))
    supplement(services, code)  # the review opens again: one working day of its own would end after the due
    dossier = view(services, code)
    assert instant(dossier["due_at"]) == local(2026, 3, 10, 11)
    assert instant(dossier["open_tasks"][0]["due_at"]) == local(2026, 3, 10, 11)
    assert "step_limit" not in deadline_rows(services, code)


def test_a_warning_that_fired_is_not_repeated_when_a_pause_moves_the_due_instant(
        services: Services, clock: ManualClock) -> None:
    deploy_fixture(services, "tam_dung")
    code = submit_test_procedure(services, PAUSING)  # due Monday 9 March 09:00, warning Friday 09:00
    clock.set(local(2026, 3, 3, 8, 30))
    work(services, code, "specialist", {"specialist_decision": "supplement"})
    clock.set(local(2026, 3, 3, 9))
    supplement(services, code)  # half an hour paused: due 09:30, warning Friday 09:30
    assert fire_due_timers(services, at=local(2026, 3, 6, 10)).fired == 2  # the warning, the step's limit
    clock.set(local(2026, 3, 6, 11))
    work(services, code, "specialist", {"specialist_decision": "supplement"})
    clock.set(local(2026, 3, 10, 11))  # 16 working hours paused: due Wednesday 11 March 09:30
    supplement(services, code)
    assert instant(view(services, code)["due_at"]) == local(2026, 3, 11, 9, 30)
    rows = deadline_rows(services, code)
    assert rows["statutory_warning"] == (local(2026, 3, 6, 9, 30), True)  # its new instant has passed
    assert rows["statutory_due"] == (local(2026, 3, 11, 9, 30), False)
    assert fire_due_timers(services, at=local(2026, 3, 10, 12)).fired == 0
    assert len(events(services, code, "deadline_warning")) == 1


# -- the apology letter (form 04) --------------------------------------------------------------------
def test_a_late_dossier_gets_a_new_date_only_through_the_apology_letter(
        services: Services, clock: ManualClock) -> None:
    deploy_fixture(services, "tam_dung")
    code = submit_test_procedure(services, PAUSING)
    clock.set(local(2026, 3, 9, 10))
    assert fire_due_timers(services, at=clock.now()).fired == 3  # the review step's limit, warning, due
    on_time = submit_test_procedure(services, PAUSING)
    with pytest.raises(Conflict, match="apology.not_late"):
        issue_apology(services, "leader", on_time, local(2026, 3, 20, 9), "Chưa trễ")
    with pytest.raises(Forbidden):
        issue_apology(services, "specialist", code, local(2026, 3, 13, 16), "Thiếu ý kiến phối hợp")
    with pytest.raises(NotFound):
        issue_apology(services, "leader2", code, local(2026, 3, 13, 16), "Thiếu ý kiến phối hợp")
    with pytest.raises(Invalid) as past:
        issue_apology(services, "leader", code, local(2026, 3, 9, 8), "Thiếu ý kiến phối hợp")
    assert "new_due" in past.value.fields
    with pytest.raises(Invalid) as no_reason:
        issue_apology(services, "leader", code, local(2026, 3, 13, 16), "  ")
    assert "reason" in no_reason.value.fields
    assert events(services, code, "apology_issued") == []

    dossier = issue_apology(services, "leader", code, local(2026, 3, 13, 16), "Chờ ý kiến của Sở Tư pháp")
    assert instant(dossier["due_at"]) == local(2026, 3, 13, 16) and dossier["late"] is True
    letter = dossier["notices"][-1]
    assert letter["form"] == "04" and "Chờ ý kiến của Sở Tư pháp" in letter["body"] and "13/03/2026" in letter["body"]
    assert ("citizen@example.vn", "Phiếu xin lỗi và hẹn lại ngày trả kết quả") in mails(services, code)
    assert "apology_issued" in history(services, code)
    rows = deadline_rows(services, code)
    assert rows["statutory_due"] == (local(2026, 3, 13, 16), False)  # armed again for the new date
    assert rows["statutory_warning"] == (local(2026, 3, 12, 16), False)
    fire_due_timers(services, at=local(2026, 3, 12, 17))
    assert len(events(services, code, "deadline_warning")) == 1  # the first one fired when already late
    fire_due_timers(services, at=local(2026, 3, 13, 17))
    assert len(events(services, code, "deadline_passed")) == 2  # the new date was missed too


# -- the end of a dossier ---------------------------------------------------------------------------
def test_a_finished_dossier_keeps_no_deadline(services: Services, clock: ManualClock) -> None:
    code = submit_hkd(services)
    work(services, code, "reception")
    assert set(deadline_rows(services, code)) == {"statutory_due", "statutory_warning"}
    clock.set(local(2026, 3, 3, 9))
    work(services, code, "specialist")
    work(services, code, "leader")
    assert deadline_rows(services, code) == {}
    assert fire_due_timers(services, at=local(2026, 3, 20, 9)).fired == 0
    assert view(services, code)["late"] is False


def test_paid_fees_are_flagged_for_refund_when_the_agency_stops_after_acceptance(
        services: Services, clock: ManualClock) -> None:
    paid, unpaid = submit_hkd(services), submit_hkd(services)
    for code in (paid, unpaid):
        work(services, code, "reception")
    with services.session_factory() as s:
        desk = s.scalar(sa.select(User.id).where(User.username == "reception"))
        dossier_id = s.scalar(sa.select(Dossier.id).where(Dossier.code == paid))
        s.add(FeePayment(dossier_id=dossier_id, amount_vnd=100000, receipt_no="BL-0001", paid_at=clock.now(),
                         received_by=desk))
        s.commit()
    for code in (paid, unpaid):
        work(services, code, "specialist", {"specialist_proposal": "refuse", "specialist_note": "Trùng tên"})
        work(services, code, "leader")
    assert [view(services, c)["status_code"] for c in (paid, unpaid)] == [8, 8]
    assert view(services, paid)["refund_flagged"] is True
    assert events(services, paid, "refund_flagged") == [{"amount_vnd": 100000, "receipt_no": "BL-0001", "rule": "R8.6"}]
    assert view(services, unpaid)["refund_flagged"] is False  # nothing was paid, nothing to refund
    assert deadline_rows(services, paid) == {}


# -- exactly once ----------------------------------------------------------------------------------
def test_two_sweeper_processes_fire_two_thousand_due_timers_each_exactly_once(
        services: Services, clock: ManualClock) -> None:
    codes = [submit_hkd(services) for _ in range(4)]
    for code in codes:
        work(services, code, "reception")  # accepted Monday 09:00: warned Wednesday 09:00, due Thursday
    at = local(2026, 3, 4, 10)
    with services.session_factory() as s:
        ids = list(s.scalars(sa.select(Dossier.id).where(Dossier.code.in_(codes))))
        # Cheap to make, cheap to fire: "due" rows of dossiers whose appointment is still ahead fire as
        # no-ops. Firing still means one transaction that writes one timer_fired event and marks the row.
        s.execute(sa.insert(Timer), [
            {"dossier_id": ids[n % 4], "kind": "statutory_due", "element_id": f"bulk-{n}", "task_id": None,
             "due_at": local(2026, 3, 2, 10) + timedelta(seconds=n), "attempts": 0} for n in range(2000)])
        s.commit()
        due = set(s.scalars(sa.select(Timer.id).where(Timer.due_at <= at)))
    assert len(due) == 2004  # and the four real warnings, which alert people

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    sweepers = [ctx.Process(target=sweep_in_own_process,
                            args=(dict(services.config), at.isoformat(), f"sweeper-{n}", 50, barrier, results))
                for n in range(2)]
    for p in sweepers:
        p.start()
    outcomes = [results.get(timeout=300) for _ in sweepers]
    for p in sweepers:
        p.join(timeout=60)
    assert all(p.exitcode == 0 for p in sweepers)

    assert sum(fired for _, _, fired, _, _ in outcomes) == 2004
    assert sum(failed for _, _, _, failed, _ in outcomes) == 0
    assert all(fired > 0 for _, _, fired, _, _ in outcomes), outcomes  # both really swept
    with services.session_factory() as s:
        fired_events = Counter(e.detail["timer_id"] for e in s.scalars(
            sa.select(AuditEvent).where(AuditEvent.kind == "timer_fired")))
        unfired = s.scalar(sa.select(sa.func.count()).select_from(Timer).where(Timer.id.in_(due),
                                                                               Timer.fired_at.is_(None)))
        alerts = Counter(key.split(":")[1] for key in s.scalars(
            sa.select(OutboxMessage.key).where(OutboxMessage.key.like("deadline:%"))))
    assert {t: fired_events[t] for t in due} == {t: 1 for t in due}  # one timer_fired event each
    assert unfired == 0
    for code in codes:
        assert len(events(services, code, "deadline_warning")) == 1
        assert view(services, code)["late"] is False  # the no-op rows changed nothing
    assert sorted(alerts.values()) == [2, 2, 2, 2]  # each real warning: the specialists and the leader
    swept = max(elapsed for *_, elapsed in outcomes)
    print(f"\n2 sweeper processes, 2004 timers, {services.db.dialect.name}: swept in {swept:.1f} s")


def test_a_sweeper_killed_mid_batch_loses_nothing(services: Services) -> None:
    codes = [submit_hkd(services) for _ in range(3)]  # each waits on its forward limit, 14:30
    at = local(2026, 3, 2, 15)
    assert len(claim_due_timers(services, at, owner="dead-sweeper", batch=100)) == 3  # then it died
    assert fire_due_timers(services, at=at).fired == 0  # its leases still hold: nobody steals them
    lease = timedelta(seconds=float(services.config["timers"]["lease_seconds"]))
    assert sweep_until_done(services, at=at + lease + timedelta(seconds=1)).fired == 3
    for code in codes:
        assert len(events(services, code, "timer_fired")) == 1
        assert view(services, code)["open_tasks"][0]["overdue_at"] is not None
    assert sweep_until_done(services, at=at + 2 * lease).fired == 0


# -- timers that cannot fire ---------------------------------------------------------------------------
def _orphan_timer(services: Services, dossier_id: int, due_at: datetime) -> int:
    """A timer row of a dossier that an operator deleted behind the application's back."""
    raw = services.db.raw_connection()  # below the ORM: the foreign key check must be off for this
    try:
        cur = raw.cursor()
        sqlite = services.db.dialect.name == "sqlite"
        cur.execute("PRAGMA foreign_keys=OFF" if sqlite else "SET session_replication_role = replica")
        when: Any = due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else due_at
        cur.execute("INSERT INTO timers (dossier_id, kind, element_id, due_at, attempts) VALUES "
                    f"({dossier_id}, 'bpmn', 'Event_forward_overdue', {'?' if sqlite else '%s'}, 0)", (when,))
        raw.commit()
        cur.execute("PRAGMA foreign_keys=ON" if sqlite else "RESET session_replication_role")
        raw.commit()
    finally:
        raw.close()
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.max(Timer.id))))


def test_a_timer_whose_dossier_was_deleted_is_an_incident_and_the_sweep_goes_on(services: Services) -> None:
    code = submit_hkd(services)
    orphan = _orphan_timer(services, 987654, local(2026, 3, 2, 10))
    result = fire_due_timers(services, at=local(2026, 3, 2, 15))
    assert (result.fired, result.failed) == (1, 1)  # the real forward limit still fired
    assert len(events(services, code, "timer_fired")) == 1
    with services.session_factory() as s:
        [incident] = s.scalars(sa.select(Incident)).all()
        timer = s.get(Timer, orphan)
        assert timer is not None and timer.lease_expires_at == PARKED
    assert "987654" in incident.message and "no longer exists" in incident.message
    assert fire_due_timers(services, at=local(2026, 3, 3, 15)).claimed == 0  # parked: not retried in a loop


def test_a_timer_value_unusable_at_run_time_is_an_incident_and_the_sweep_goes_on(services: Services) -> None:
    deploy_fixture(services, "hen_gio_loi")
    broken = submit_test_procedure(services, BAD_TIMER)  # its first timer is due at 10:00
    fine = submit_hkd(services)
    result = fire_due_timers(services, at=local(2026, 3, 2, 15))
    assert (result.fired, result.failed) == (1, 1)
    assert len(events(services, fine, "timer_fired")) == 1
    assert events(services, broken, "timer_fired") == []  # its firing was rolled back, nothing half-written
    with services.session_factory() as s:
        [incident] = s.scalars(sa.select(Incident)).all()
    assert "Timer_recheck" in incident.message and "next week" in incident.message
    assert incident.dossier_id is not None


def test_timers_fire_several_per_transaction_and_a_failing_one_keeps_back_only_its_own_dossier(
        services: Services) -> None:
    services.config["timers"]["firings_per_transaction"] = 3
    deploy_fixture(services, "hen_gio_loi")
    fine = [submit_hkd(services) for _ in range(2)]
    broken = submit_test_procedure(services, BAD_TIMER)  # fails at run time, in the middle of a batch
    fine += [submit_hkd(services) for _ in range(4)]
    commits: list[int] = []
    result = fire_due_timers(services, at=local(2026, 3, 2, 15), on_commit=commits.append)
    assert (result.fired, result.failed) == (6, 1)
    # In dossier order: [fine, fine, broken] was undone and fired one by one (the broken one failing
    # alone), [fine, fine, fine] was one transaction, the last fine one went alone.
    assert commits == [1, 1, 3, 1]
    for code in fine:  # each once, although its first attempt was undone with the batch
        assert len(events(services, code, "timer_fired")) == 1
        assert view(services, code)["open_tasks"][0]["overdue_at"] is not None
    assert events(services, broken, "timer_fired") == []
    with services.session_factory() as s:
        assert [i.dossier_id is not None for i in s.scalars(sa.select(Incident))] == [True]
        assert verify(s).ok  # the undone batch left no gap in a chain and no stale seal
