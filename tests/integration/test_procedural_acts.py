"""Procedural acts (issue 12) through their use cases on SQLite and PostgreSQL: transfer to the
competent agency, extension of the time limit, the withdrawal reviewed by reception, substitutes —
each with the applicant told (notice + outbox) and the audit trail written; and the refusals."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import (
    AuditEvent,
    Dossier,
    DossierNotice,
    ExtensionRequest,
    OutboxMessage,
    Timer,
    User,
    UserTask,
)
from processes.acts.extension import decide_extension, list_extensions, request_extension
from processes.acts.substitutes import appoint_substitute, end_substitution, my_substitutions
from processes.acts.transfer import transfer_dossier, transfer_targets
from processes.acts.withdrawal import review_withdrawal
from processes.desk.workbench import claim_task, task_queue
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.people.users import hash_password
from processes.reports.admin_reports import report
from processes.submission.portal_dossiers import my_dossier, withdraw_dossier
from tests.helpers import submit, work

SECOND = "000.25.22.H34"  # UBND phường Quyết Thắng: reception2


def dossier(services: Services, code: str) -> Dossier:
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert d is not None
        s.expunge(d)
        return d


def kinds(services: Services, code: str) -> list[str]:
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        return list(s.scalars(sa.select(AuditEvent.kind).where(AuditEvent.dossier_id == d.id)
                              .order_by(AuditEvent.seq)))


def told(services: Services, code: str, title_part: str) -> tuple[list[str], list[str]]:
    """(notice titles kept on the dossier, outbox recipients) whose title contains `title_part`."""
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        notices = [n.title for n in s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == d.id))
                   if title_part in n.title]
        out = [m.recipient for m in s.scalars(sa.select(OutboxMessage).where(OutboxMessage.dossier_id == d.id))
               if title_part in m.subject]
        return notices, out


def accepted(services: Services) -> str:
    code = submit(services)
    work(services, code, "reception")  # intake: accepted, the specialist's review opens
    assert dossier(services, code).accepted_at is not None
    return code


# -- transfer -----------------------------------------------------------------------------------------
def test_transfer_sends_the_dossier_to_the_competent_agency_keeping_code_and_history(services: Services) -> None:
    code = submit(services)
    assert SECOND in [a["code"] for a in transfer_targets(services, "reception", code)]
    done = transfer_dossier(services, "reception", code, SECOND, "Thuộc thẩm quyền cấp phường")
    assert (done["code"], done["agency"], done["tasks_moved"]) == (code, SECOND, 1)
    # the new agency's reception has it in its queue; the former one no longer
    assert [i["dossier"] for i in task_queue(services, "reception2").items] == [code]
    assert code not in [i["dossier"] for i in task_queue(services, "reception").items]
    assert kinds(services, code)[0] == "dossier_submitted" and "dossier_transferred" in kinds(services, code)
    notices, out = told(services, code, "chuyển hồ sơ")
    assert notices and "citizen@example.vn" in out and "0912345678" in out
    _, desk = told(services, code, "được chuyển đến")
    assert desk == ["reception2@example.vn"]
    # the new agency works it on: its reception accepts
    assert work(services, code, "reception2")
    assert dossier(services, code).accepted_at is not None


def test_transfer_refusals(services: Services) -> None:
    code = submit(services)
    with pytest.raises(Invalid) as exc:
        transfer_dossier(services, "reception", code, "000.00.22.H34", "")
    assert {r.code for r in exc.value.reasons} == {"transfer.reason_required", "transfer.same_agency"}
    with pytest.raises(Invalid) as exc:
        transfer_dossier(services, "reception", code, "000.00.06.H34", "Sai")  # no reception desk there
    assert exc.value.code == "transfer.no_reception"
    with pytest.raises(NotFound):
        transfer_dossier(services, "reception2", code, SECOND, "Không phải hồ sơ của mình")
    with pytest.raises(Forbidden):
        transfer_dossier(services, "specialist", code, SECOND, "Chuyên viên không chuyển")
    work(services, code, "reception")
    with pytest.raises(Conflict) as conflict:
        transfer_dossier(services, "reception", code, SECOND, "Đã tiếp nhận")
    assert conflict.value.code == "transfer.after_acceptance"


# -- extension ----------------------------------------------------------------------------------------
def test_an_approved_extension_moves_the_appointment_by_working_days_and_tells_the_applicant(
        services: Services) -> None:
    code = accepted(services)
    before = dossier(services, code).due_at
    assert before is not None
    asked = request_extension(services, "specialist", code, "Cần xác minh thực địa", 3)
    assert asked["status"] == "pending"
    _, leaders = told(services, code, "Đề nghị gia hạn")
    assert leaders == ["leader@example.vn"]
    with pytest.raises(Conflict):
        request_extension(services, "specialist", code, "Lần nữa", 2)  # one pending at a time
    decided = decide_extension(services, "leader", code, asked["id"], True)
    with services.session_factory() as s:
        expected = services.calendar(s).add_working_days(before, 3)
    d = dossier(services, code)
    assert decided["status"] == "approved" and d.due_at == expected
    assert decided["due_after"] == expected.isoformat()
    with services.session_factory() as s:  # the statutory timer and the open task follow
        due_row = s.scalar(sa.select(Timer).where(Timer.dossier_id == d.id, Timer.kind == "statutory_due"))
        assert due_row is not None and due_row.due_at == expected
        task = s.scalar(sa.select(UserTask).where(UserTask.dossier_id == d.id, UserTask.completed_at.is_(None)))
        assert task is not None and task.due_at == expected
    notices, out = told(services, code, "gia hạn và hẹn lại")
    assert notices and "citizen@example.vn" in out
    assert "deadline_extended" in kinds(services, code)
    with pytest.raises(Conflict):
        decide_extension(services, "leader", code, asked["id"], False, "Muộn")  # decided once
    assert [e["status"] for e in list_extensions(services, "leader", code)] == ["approved"]
    [main] = [r for r in report(services, "admin")["agencies"] if r["agency"] == "000.00.22.H34"]
    assert main["extended"] == 1  # the reports count it as an extension


def test_a_refused_extension_changes_nothing_and_tells_the_specialist(services: Services) -> None:
    code = accepted(services)
    before = dossier(services, code).due_at
    asked = request_extension(services, "specialist", code, "Cần thêm thời gian", "2")
    with pytest.raises(Invalid) as exc:
        decide_extension(services, "leader", code, asked["id"], False, " ")
    assert exc.value.code == "extension.refusal_reason_required"
    decide_extension(services, "leader", code, asked["id"], False, "Đủ thời gian theo quy định")
    assert dossier(services, code).due_at == before
    _, out = told(services, code, "không được chấp thuận")
    assert out == ["specialist@example.vn"]
    with services.session_factory() as s:
        assert s.scalar(sa.select(ExtensionRequest.status)) == "refused"


def test_extension_refusals(services: Services) -> None:
    code = submit(services)
    with pytest.raises(Conflict) as conflict:
        request_extension(services, "specialist", code, "Chưa tiếp nhận", 2)
    assert conflict.value.code == "extension.not_accepted"
    work(services, code, "reception")
    with pytest.raises(Invalid) as exc:
        request_extension(services, "specialist", code, "", 0)
    assert {r.code for r in exc.value.reasons} == {"extension.reason_required", "extension.days_invalid"}
    with pytest.raises(Forbidden):
        request_extension(services, "leader", code, "Lãnh đạo không tự đề nghị", 2)
    asked = request_extension(services, "specialist", code, "Xác minh", 2)
    with pytest.raises(Forbidden):
        decide_extension(services, "specialist", code, asked["id"], True)
    with pytest.raises(NotFound):
        decide_extension(services, "leader2", code, asked["id"], True)
    decide_extension(services, "leader", code, asked["id"], False, "Không cần")
    services.clock.advance(timedelta(days=30))  # type: ignore[attr-defined]
    with pytest.raises(Conflict) as late:
        request_extension(services, "specialist", code, "Quá hạn rồi", 2)
    assert late.value.code == "extension.already_late"  # form 04 is the way once late


# -- withdrawal ---------------------------------------------------------------------------------------
def test_before_acceptance_a_withdrawal_takes_effect_at_once(services: Services) -> None:
    code = submit(services)
    done = withdraw_dossier(services, "citizen", code, "Nộp nhầm")
    assert (done["withdrawal"], done["status_code"]) == ("done", 7)


def test_after_acceptance_a_withdrawal_is_a_request_reception_accepts(services: Services) -> None:
    code = accepted(services)
    asked = withdraw_dossier(services, "citizen", code, "Không còn nhu cầu")
    assert asked["withdrawal"] == "requested" and asked["status_code"] == dossier(services, code).status_code != 7
    _, desk = told(services, code, "Đề nghị rút hồ sơ")
    assert desk == ["reception@example.vn"]
    page = my_dossier(services, "citizen", code)
    assert page["withdrawal_request"]["status"] == "pending" and not page["may_withdraw"]
    with pytest.raises(Conflict):
        withdraw_dossier(services, "citizen", code, "Lần nữa")
    with pytest.raises(Forbidden):
        review_withdrawal(services, "specialist", code, True)
    done = review_withdrawal(services, "reception", code, True)
    assert (done["decision"], done["status_code"]) == ("accepted", 7)
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert s.scalar(sa.select(sa.func.count()).select_from(UserTask).where(
            UserTask.dossier_id == d.id, UserTask.completed_at.is_(None))) == 0
    notices, out = told(services, code, "rút hồ sơ")
    assert "Thông báo rút hồ sơ" in notices and "citizen@example.vn" in out
    assert kinds(services, code)[-1] == "dossier_withdrawn"


def test_reception_refuses_a_withdrawal_with_a_reason_and_processing_goes_on(services: Services) -> None:
    code = accepted(services)
    withdraw_dossier(services, "citizen", code, "")
    with pytest.raises(Invalid):
        review_withdrawal(services, "reception", code, False, "")
    done = review_withdrawal(services, "reception", code, False, "Hồ sơ đã có kết quả thẩm định")
    assert done["decision"] == "refused" and done["status_code"] != 7
    notices, out = told(services, code, "không chấp nhận đề nghị rút")
    assert notices and "citizen@example.vn" in out
    with pytest.raises(Conflict):
        review_withdrawal(services, "reception", code, True)  # nothing pending any more
    assert work(services, code, "specialist")  # processing goes on


# -- substitutes --------------------------------------------------------------------------------------
def add_specialist(services: Services, username: str = "specialist_b") -> None:
    with services.session_factory() as s, s.begin():
        agency_id = s.scalar(sa.select(User.agency_id).where(User.username == "specialist"))
        s.add(User(username=username, password_hash=hash_password("demo"), full_name="Trần Văn Bảo",
                   roles=["specialist"], agency_id=agency_id, email=f"{username}@example.vn",
                   created_at=services.clock.now()))


def test_a_substitute_sees_and_claims_the_absent_officers_tasks_during_the_period(services: Services) -> None:
    add_specialist(services)
    code = accepted(services)
    [task] = [t for t in task_queue(services, "specialist").items if t["dossier"] == code]
    claim_task(services, "specialist", task["id"])
    with pytest.raises(Conflict):
        claim_task(services, "specialist_b", task["id"])  # not yet a substitute
    today = date(2026, 3, 2)
    with pytest.raises(Invalid):
        appoint_substitute(services, "specialist", "specialist", "leader", today, today)  # not the same role
    made = appoint_substitute(services, "specialist", "specialist", "specialist_b", today.isoformat(),
                              (today + timedelta(days=4)).isoformat())
    page = my_substitutions(services, "specialist_b")
    assert [t["id"] for t in page["offered"]] == [task["id"]]
    claim_task(services, "specialist_b", task["id"])
    assert "task_claimed_as_substitute" in kinds(services, code)
    assert work(services, code, "specialist_b")  # the substitute completes it
    end_substitution(services, "specialist", made["id"])
    with pytest.raises(Conflict):
        end_substitution(services, "specialist", made["id"])


def test_a_substitute_outside_the_period_cannot_claim(services: Services) -> None:
    add_specialist(services)
    code = accepted(services)
    [task] = [t for t in task_queue(services, "specialist").items if t["dossier"] == code]
    claim_task(services, "specialist", task["id"])
    later = date(2026, 3, 9)
    appoint_substitute(services, "leader", "specialist", "specialist_b", later, later)  # a leader appoints
    assert my_substitutions(services, "specialist_b")["offered"] == []
    with pytest.raises(Conflict):
        claim_task(services, "specialist_b", task["id"])
    with pytest.raises(Forbidden):
        appoint_substitute(services, "specialist_b", "specialist", "specialist_b", later, later)
    with pytest.raises(Invalid):
        appoint_substitute(services, "specialist", "specialist", "specialist_b", date(2026, 2, 1),
                           date(2026, 2, 2))  # in the past
