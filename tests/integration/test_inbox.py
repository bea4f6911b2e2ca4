"""The in-app inboxes (issue 12): officers are told of new work in their group's queue, a task returned
to them with the reason, a consultation asked of their agency, a deadline near or passed; applicants of
every notice on their dossiers; each reads only their own and marks them read."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from adapters.bootstrap import Services
from processes.desk.counter import register_at_desk
from processes.dossier.dossiers import get_dossier
from processes.inbox import inbox
from processes.submission.submission import Applicant, DeskIntake, Submission
from processes.timekeeping.timers import sweep_until_done
from tests.helpers import HKD, HKD_FORM, submit, work
from tests.workbench_support import deploy_coordination, submit_coordination


def kinds(services: Services, username: str, code: str) -> list[tuple[str, dict[str, Any]]]:
    return [(n["kind"], n["params"]) for n in inbox.inbox_page(services, username, per_page=100)["items"]
            if n["dossier"] == code]


def test_officers_and_the_applicant_are_told_as_the_dossier_moves(services: Services) -> None:
    code = submit(services)
    intake = {"code": code, "task": "Kiểm tra, tiếp nhận hồ sơ"}
    assert kinds(services, "reception", code) == [(inbox.TASK_QUEUED, intake)]
    assert kinds(services, "reception2", code) == [] and kinds(services, "specialist", code) == []
    work(services, code, "reception")
    assert [k for k, _ in kinds(services, "specialist", code)] == [inbox.TASK_QUEUED]
    told = kinds(services, "citizen", code)  # the applicant: the receipt (form 01)
    assert [(k, p["form"]) for k, p in told] == [(inbox.NOTICE, "01")]
    work(services, code, "specialist")
    assert [k for k, _ in kinds(services, "leader", code)] == [inbox.TASK_QUEUED]
    work(services, code, "leader", {"leader_decision": "return", "leader_note": "Thiếu chữ ký của chủ hộ"})
    returned = kinds(services, "specialist", code)[0]
    assert returned == (inbox.TASK_RETURNED, {"code": code, "task": "Thẩm định, đề xuất",
                                              "reason": "Thiếu chữ ký của chủ hộ"})
    mails = _mails(services, code)  # the return reaches the specialist's mailbox too; new work in a queue does not
    assert [(to, "Thiếu chữ ký của chủ hộ" in body) for to, _s, body in mails if to == "specialist@example.vn"] == [
        ("specialist@example.vn", True)]
    assert not [m for m in mails if "hàng đợi" in m[1]]


def _mails(services: Services, code: str) -> list[tuple[str, str, str]]:
    import sqlalchemy as sa

    from models import Dossier, OutboxMessage
    with services.session_factory() as s:
        return [(m.recipient, m.subject, m.body) for m in s.scalars(
            sa.select(OutboxMessage).join(Dossier, Dossier.id == OutboxMessage.dossier_id)
            .where(Dossier.code == code, OutboxMessage.key.startswith("inbox:")))]


def test_a_consulted_agency_is_told(services: Services) -> None:
    deploy_coordination(services)
    code = submit_coordination(services)
    for who in ("reception", "specialist"):
        work(services, code, who)
    assert inbox.CONSULTATION in [k for k, _ in kinds(services, "specialist_ca", code)]


def test_deadlines_near_and_passed_reach_the_inbox(services: Services) -> None:
    code = submit(services)
    work(services, code, "reception")
    due = datetime.fromisoformat(get_dossier(services, "reception", code)["due_at"])
    sweep_until_done(services, at=due - timedelta(minutes=1))  # the warning, before the appointment
    assert [k for k, _ in kinds(services, "leader", code)] == [inbox.DUE_SOON]
    sweep_until_done(services, at=due + timedelta(minutes=1))
    leader = [k for k, _ in kinds(services, "leader", code)]
    assert inbox.DUE_SOON in leader and inbox.LATE in leader


def test_each_reads_and_marks_only_their_own(services: Services) -> None:
    code = submit(services)
    mine = inbox.inbox_page(services, "reception")
    assert mine["unread"] == inbox.unread_count(services, "reception") >= 1
    theirs = [n["id"] for n in mine["items"] if n["dossier"] == code]
    assert inbox.mark_read(services, "citizen2", theirs) == 0  # another's ids change nothing
    assert inbox.mark_read(services, "reception", theirs) == 1
    assert inbox.unread_count(services, "reception") == mine["unread"] - 1
    assert all(n["read"] for n in inbox.inbox_page(services, "reception")["items"] if n["dossier"] == code)
    assert inbox.inbox_page(services, "reception", unread_only=True)["total"] == mine["unread"] - 1
    inbox.mark_read(services, "reception")
    assert inbox.unread_count(services, "reception") == 0


def test_a_walk_in_applicant_has_no_inbox_but_the_desk_is_not_told_of_its_own_intake(services: Services) -> None:
    done = register_at_desk(services, "reception", Submission(procedure=HKD, form=HKD_FORM),
                            DeskIntake("counter", Applicant("062095009876", "Phạm Thị Mai", "0905123456"),
                                       ["giay_de_nghi", "giay_to_phap_ly"]))
    assert kinds(services, "reception", str(done["code"])) == []  # the officer who registered it
