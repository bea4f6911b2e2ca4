"""A household business registration through the use cases, on a real database (SQLite and
PostgreSQL): every path of the diagram, dossier codes, concurrent completion, a failing handler,
refusals, and the notices that leave through the outbox."""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services, bootstrap
from adapters.messaging import FakeMailer, FakeSms
from engine.clock import ManualClock
from handlers.default import default_registry
from handlers.registry import HandlerContext, HandlerRegistry
from models import AuditEvent, Dossier, DossierNotice, OutboxMessage, Timer, UserTask
from processes.desk.tasks import Completion, complete_task
from processes.dossier.dossiers import get_dossier
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Unprocessable
from processes.outbox import dispatch_outbox
from processes.submission.submission import Upload, answer_supplement
from tests.helpers import PDF, agreeing, offered, submit, work

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
AGENCY = "000.00.22.H34"


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)  # type: ignore[misc]


def dossier(services: Services, code: str) -> dict[str, Any]:
    return get_dossier(services, "citizen", code)


def count(services: Services, stmt: Any) -> int:
    with services.session_factory() as s:
        return int(s.scalar(stmt) or 0)


def snapshot(services: Services, code: str) -> dict[str, Any]:
    """Everything a step may write, to show that a failed step wrote nothing."""
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert d is not None
        return {
            "dossier": (d.version, d.status_code, d.accepted_at, d.due_at,
                        hashlib.sha256(d.state).hexdigest()),
            "user_tasks": sorted((t.id, t.element_id, t.completed_at) for t in
                                 s.scalars(sa.select(UserTask).where(UserTask.dossier_id == d.id))),
            "timers": sorted((t.element_id, t.due_at)
                             for t in s.scalars(sa.select(Timer).where(Timer.dossier_id == d.id))),
            # Changes only: reads of personal data are logged too (issue 18), a refused attempt's page included.
            "audit": s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.kind != "personal_data_read")),
            "outbox": s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)),
            "notices": s.scalar(sa.select(sa.func.count()).select_from(DossierNotice)),
        }


# -- the paths of the diagram ---------------------------------------------------------------------
def test_affirmative_path_reaches_result_returned_with_appointment_three_working_days_out(
        services: Services, clock: ManualClock) -> None:
    code = submit(services)
    assert [t["name"] for t in offered(services, code, "reception")] == ["Task_reception_check"]
    assert work(services, code, "reception") == ["Task_reception_check"]
    after_accept = dossier(services, code)
    assert after_accept["status_code"] == 4
    assert datetime.fromisoformat(after_accept["accepted_at"]) == local(2026, 3, 2, 9, 0)
    assert datetime.fromisoformat(after_accept["due_at"]) == local(2026, 3, 5, 9, 0)  # Thursday 09:00
    clock.advance(timedelta(days=1))
    assert work(services, code, "specialist") == ["Task_specialist_review"]
    assert work(services, code, "leader") == ["Task_leader_approve"]
    assert dossier(services, code)["status_code"] == 9
    assert work(services, code, "reception") == ["Task_reception_deliver"]
    final = dossier(services, code)
    assert final["status_code"] == 10
    assert final["late"] is False
    assert final["open_tasks"] == []
    assert [h["kind"] for h in final["history"]] == [
        "dossier_submitted", "task_completed", "dossier_accepted", "task_completed", "task_completed",
        "processing_finished", "task_completed", "result_delivered"]
    assert final["notices"][0]["form"] == "01"


def test_supplement_pauses_then_the_answer_returns_the_dossier_to_reception(
        services: Services, clock: ManualClock) -> None:
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "supplement", "reception_note": "Ảnh CCCD bị mờ"})
    waiting = dossier(services, code)
    assert waiting["status_code"] == 5 and waiting["supplement_count"] == 1
    assert waiting["open_tasks"] == []
    assert "Ảnh CCCD bị mờ" in waiting["notices"][-1]["body"] and waiting["notices"][-1]["form"] == "02"
    assert offered(services, code, "reception") == []

    clock.set(local(2026, 3, 3, 9, 0))
    with pytest.raises(NotFound):  # another applicant is not even told the dossier exists
        answer_supplement(services, "citizen2", code, {}, [Upload("giay_to_phap_ly", "cccd.pdf", PDF)])
    with pytest.raises(Invalid) as nothing:
        answer_supplement(services, "citizen", code, {}, [])
    assert "documents" in nothing.value.fields
    answered = answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd-ro.pdf", PDF)])
    assert answered["status_code"] == 1
    with pytest.raises(Conflict):  # nothing is asked any more
        answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd-ro.pdf", PDF)])

    assert work(services, code, "reception") == ["Task_reception_check"]
    accepted = dossier(services, code)
    assert accepted["status_code"] == 4
    # The statutory time starts at acceptance (Tuesday 09:00), not at the first submission.
    assert datetime.fromisoformat(accepted["due_at"]) == local(2026, 3, 6, 9, 0)
    assert [h["kind"] for h in accepted["history"]].count("supplement_answered") == 1


def test_refusal_at_reception_ends_with_status_3_and_notice_03(services: Services) -> None:
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "refuse",
                                       "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    d = dossier(services, code)
    assert d["status_code"] == 3
    assert d["accepted_at"] is None and d["open_tasks"] == []
    assert d["notices"][-1]["form"] == "03" and "cấm kinh doanh" in d["notices"][-1]["body"]
    assert all(offered(services, code, u) == [] for u in ("reception", "specialist", "leader"))


def test_specialist_refusal_approved_by_leader_stops_processing_with_status_8(services: Services) -> None:
    code = submit(services)
    work(services, code, "reception")
    work(services, code, "specialist", {"specialist_proposal": "refuse",
                                        "specialist_note": "Địa điểm không phù hợp quy hoạch"})
    work(services, code, "leader")
    d = dossier(services, code)
    assert d["status_code"] == 8
    assert d["finished_at"] is not None and d["open_tasks"] == []
    assert "Địa điểm không phù hợp quy hoạch" in d["notices"][-1]["body"]


def test_leader_return_sends_the_dossier_back_to_the_specialist(services: Services) -> None:
    code = submit(services)
    work(services, code, "reception")
    work(services, code, "specialist")
    work(services, code, "leader", {"leader_decision": "return", "leader_note": "Bổ sung ý kiến thẩm định"})
    d = dossier(services, code)
    assert d["status_code"] == 4
    assert [t["name"] for t in d["open_tasks"]] == ["Task_specialist_review"]
    assert work(services, code, "specialist") == ["Task_specialist_review"]
    assert work(services, code, "leader") == ["Task_leader_approve"]
    assert dossier(services, code)["status_code"] == 9


# -- dossier codes --------------------------------------------------------------------------------
def test_codes_follow_the_daily_sequence_of_the_agency_in_local_time(services: Services, clock: ManualClock) -> None:
    assert [submit(services), submit(services, "citizen2")] == [f"{AGENCY}-260302-0001", f"{AGENCY}-260302-0002"]
    clock.set(local(2026, 3, 2, 23, 59))
    assert submit(services) == f"{AGENCY}-260302-0003"
    # 00:30 in Kon Tum is still 2 March in UTC: the local day decides.
    clock.set(local(2026, 3, 3, 0, 30))
    assert clock.now().astimezone(ZoneInfo("UTC")).day == 2
    assert [submit(services), submit(services)] == [f"{AGENCY}-260303-0001", f"{AGENCY}-260303-0002"]


# -- concurrency ----------------------------------------------------------------------------------
def test_two_officers_completing_the_same_task_at_once_one_wins_the_other_gets_a_conflict(
        services: Services) -> None:
    code = submit(services)
    [task] = offered(services, code, "reception")
    data = agreeing(services, task, "reception")
    before = snapshot(services, code)["dossier"][0]
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def attempt() -> None:
        barrier.wait()
        try:
            outcomes.append(complete_task(services, "reception", data))
        except Exception as exc:  # noqa: BLE001 — the test inspects what each thread got
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == 2
    wins = [o for o in outcomes if isinstance(o, dict)]
    losses = [o for o in outcomes if not isinstance(o, dict)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert isinstance(losses[0], Conflict), repr(losses[0])
    assert wins[0]["status_code"] == 4
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert d is not None and d.version == before + 1
        completed = [e for e in s.scalars(sa.select(AuditEvent).where(
            AuditEvent.dossier_id == d.id, AuditEvent.kind == "task_completed"))]
        assert [e.detail["task"] for e in completed] == ["Task_reception_check"]
        refused = s.scalars(sa.select(AuditEvent).where(AuditEvent.kind == "task_refused",
                                                        AuditEvent.dossier_id == d.id)).all()
        assert [e.detail["reason"] for e in refused] in (  # the loser's attempt is audited
            ["task.already_done"], ["task.changed"], ["dossier.changed"])
        assert len(list(s.scalars(sa.select(AuditEvent).where(
            AuditEvent.dossier_id == d.id, AuditEvent.kind == "dossier_accepted")))) == 1
    assert [t["name"] for t in offered(services, code, "specialist")] == ["Task_specialist_review"]


# -- a failing handler ----------------------------------------------------------------------------
def registry_with(topic: str, handler: Callable[[HandlerContext], Any]) -> HandlerRegistry:
    default = default_registry()
    registry = HandlerRegistry()
    for name in default:
        registry.register(name)(handler if name == topic else default.get(name))
    return registry


def test_a_handler_that_raises_refuses_the_step_naming_the_element_and_writes_nothing(
        services: Services, clock: ManualClock, mailer: FakeMailer) -> None:
    code = submit(services)
    [task] = offered(services, code, "reception")

    def broken(ctx: HandlerContext) -> Any:
        raise RuntimeError("máy in phiếu hẹn bị lỗi")

    failing = bootstrap(services.config, clock=clock, mailer=mailer, sms=FakeSms(),
                        handlers=registry_with("accept_dossier", broken))
    try:
        before = snapshot(services, code)
        with pytest.raises(Unprocessable) as caught:
            complete_task(failing, "reception", agreeing(services, task, "reception"))
        assert (caught.value.code, caught.value.field) == ("workflow.step_failed", "Task_accept_dossier")
        assert "máy in phiếu hẹn bị lỗi" in caught.value.params["problem"]
        assert snapshot(services, code) == before
    finally:
        failing.db.dispose()
    # Once the handler works again, the same task completes normally.
    complete_task(services, "reception", agreeing(services, task, "reception"))
    assert dossier(services, code)["status_code"] == 4


def test_a_handler_that_raises_at_submission_stores_no_dossier_and_uses_no_code(
        services: Services, clock: ManualClock, mailer: FakeMailer) -> None:
    def broken(ctx: HandlerContext) -> Any:
        raise KeyError("giay_de_nghi")

    failing = bootstrap(services.config, clock=clock, mailer=mailer, sms=FakeSms(),
                        handlers=registry_with("check_completeness", broken))
    try:
        with pytest.raises(Unprocessable) as caught:
            submit(failing)
        assert (caught.value.code, caught.value.field) == ("workflow.step_failed", "Task_check_completeness")
    finally:
        failing.db.dispose()
    assert count(services, sa.select(sa.func.count()).select_from(Dossier)) == 0
    assert count(services, sa.select(sa.func.count()).select_from(AuditEvent)
                 .where(AuditEvent.kind == "dossier_submitted")) == 0
    assert submit(services) == f"{AGENCY}-260302-0001"


# -- refusals -------------------------------------------------------------------------------------
def test_a_forged_task_id_is_not_found(services: Services) -> None:
    submit(services)
    with pytest.raises(NotFound) as caught:
        complete_task(services, "reception", Completion("00000000-0000-0000-0000-000000000000",
                                                        {"reception_decision": "accept"}))
    assert caught.value.code == "task.not_found"


def test_an_officer_of_another_agency_is_refused_and_the_attempt_is_audited(services: Services) -> None:
    code = submit(services)
    [task] = offered(services, code, "reception")
    assert offered(services, code, "reception2") == []
    before = snapshot(services, code)
    with pytest.raises(Forbidden):
        complete_task(services, "reception2", agreeing(services, task, "reception2"))
    after = snapshot(services, code)
    assert after["audit"] == before["audit"] + 1
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    with services.session_factory() as s:
        event = s.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.kind, event.actor, event.detail["task"]) == ("access_refused", "reception2", task["id"])
    with pytest.raises(NotFound):  # nor may they read it
        get_dossier(services, "reception2", code)


def test_data_outside_the_form_is_refused_naming_the_field_and_writes_nothing(services: Services) -> None:
    code = submit(services)
    [task] = offered(services, code, "reception")
    before = snapshot(services, code)
    with pytest.raises(Invalid) as caught:
        complete_task(services, "reception", Completion(task["id"], {"reception_decision": "approve_everything"}))
    assert caught.value.fields["data.reception_decision"].code == "form.not_an_option"
    after = snapshot(services, code)
    assert after["audit"] == before["audit"] + 1  # the refused attempt is audited, nothing else changed
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}


# -- notices through the outbox -------------------------------------------------------------------
def test_receipt_is_written_to_the_outbox_and_mailed_to_the_applicant_with_retries(
        services: Services, clock: ManualClock, mailer: FakeMailer) -> None:
    code = submit(services)
    dispatch_outbox(services)  # the confirmation of the submission
    assert [(to, subject) for to, subject, _, _ in mailer.sent] == [("citizen@example.vn", f"Đã nhận hồ sơ {code}")]
    mailer.sent.clear()
    work(services, code, "reception")
    with services.session_factory() as s:
        rows = s.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "email",
                                                        OutboxMessage.status == "pending")).all()
    assert [(r.recipient, r.status, r.event) for r in rows] == [("citizen@example.vn", "pending", "receipt")]
    assert code in rows[0].body and "hẹn trả kết quả" in rows[0].subject

    mailer.fail_times = 1
    dispatch_outbox(services)
    assert mailer.sent == []
    with services.session_factory() as s:
        failed = s.get(OutboxMessage, rows[0].id)
        assert failed is not None
        assert (failed.status, failed.attempts) == ("pending", 1)
        assert "ConnectionError" in (failed.last_error or "")
        retry_at = failed.next_attempt_at
    assert retry_at > clock.now()
    assert dispatch_outbox(services) == 0  # not before its backoff has passed
    clock.set(retry_at)
    assert dispatch_outbox(services) == 1
    assert [(to, subject) for to, subject, _, _ in mailer.sent] == [("citizen@example.vn", rows[0].subject)]
    assert dispatch_outbox(services, now=retry_at + timedelta(hours=1)) == 0  # sent once, never twice
    assert count(services, sa.select(sa.func.count()).select_from(OutboxMessage)
                 .where(OutboxMessage.status == "sent", OutboxMessage.channel == "email")) == 2  # with the confirmation
