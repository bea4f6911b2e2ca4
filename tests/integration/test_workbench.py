"""The officers' workbench through its use cases, on a real database (SQLite and PostgreSQL): the
queues, claiming and handing over, the task page, the reception checklist, reasons, coordination
with a second agency, the hand-over of the result by each channel, fees, notes, damaged documents,
and every refusal audited with nothing changed."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import AuditEvent, Dossier, DossierNote, FeePayment, OutboxMessage, ResultDelivery, User, UserTask
from processes.desk.fees import mark_fee_paid
from processes.desk.paper import applicable_forms
from processes.desk.steps import Delivery
from processes.desk.task_page import DocumentDamaged, add_note, read_document, task_page
from processes.desk.tasks import Completion, complete_task
from processes.desk.workbench import (
    QueueFilters,
    claim_task,
    colleagues,
    hand_over_task,
    release_task,
    task_queue,
)
from processes.dossier.dossiers import get_dossier
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.people.users import hash_password
from processes.submission.submission import Submission, Upload, answer_supplement, submit_dossier
from tests.helpers import HKD, HKD_FORM, PDF
from tests.integration.test_lifecycle import snapshot, submit
from tests.workbench_support import COORD, deploy_coordination, submit_coordination, task_of

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
ALL_OK = {"giay_de_nghi": True, "giay_to_phap_ly": True}


def last_event(services: Services) -> AuditEvent:
    with services.session_factory() as s:
        return s.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


def add_officer(services: Services, username: str, role: str, like: str = "reception") -> None:
    """A second officer of the same agency as `like`."""
    with services.session_factory() as s, s.begin():
        agency_id = s.scalar(sa.select(User.agency_id).where(User.username == like))
        s.add(User(username=username, password_hash=hash_password("demo"), full_name=f"Cán bộ {username}",
                   roles=[role], agency_id=agency_id, email=f"{username}@example.vn",
                   created_at=services.clock.now()))


def page_complete(services: Services, user: str, code: str, data: dict[str, Any], **desk: Any) -> dict[str, Any]:
    """Complete the dossier's open task of `user` with the form's data and the desk's (checklist, delivery)."""
    task = task_of(services, user, code)
    return complete_task(services, user, Completion(task["id"], data, **desk))


def to_delivery(services: Services, clock: ManualClock, channel: str) -> str:
    """A coordination dossier accepted, reviewed, consulted and approved: waiting for hand-over."""
    deploy_coordination(services)
    code = submit_coordination(services, channel=channel)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "approve"})
    page_complete(services, "specialist_ca", code, {"police_opinion": "agree"})
    page_complete(services, "leader", code, {"leader_decision": "approve"})
    assert get_dossier(services, "citizen", code)["status_code"] == 9
    mark_fee_paid(services, "reception", code, "BL-0001")
    return code


# -- queues ---------------------------------------------------------------------------------------
def test_claim_moves_a_task_from_the_group_to_mine_and_a_colleague_cannot_take_it(services: Services) -> None:
    add_officer(services, "reception_b", "reception")
    code = submit(services)
    group = task_queue(services, "reception", "group")
    assert group.counts == {"mine": 0, "group": 1, "overdue": 0}
    assert [t["dossier"] for t in group.items] == [code]
    claim_task(services, "reception", group.items[0]["id"])
    mine = task_queue(services, "reception", "mine")
    assert [(t["dossier"], t["mine"]) for t in mine.items] == [(code, True)]
    assert mine.counts["mine"] == 1
    # The colleague sees who holds it, cannot claim it nor complete it.
    [held] = task_queue(services, "reception_b", "group").items
    assert held["assignee"] == "reception" and held["mine"] is False
    with pytest.raises(Conflict) as caught:
        claim_task(services, "reception_b", held["id"])
    assert (caught.value.code, caught.value.params["holder"]) == ("task.claimed_by_other", "Lê Thị Cúc (một cửa)")
    with pytest.raises(Forbidden):
        complete_task(services, "reception_b", Completion(held["id"], {"reception_decision": "accept"}))
    release_task(services, "reception", held["id"])
    assert task_queue(services, "reception", "mine").items == []
    claim_task(services, "reception_b", held["id"])
    assert [(e.kind, e.actor) for e in _events(services, code)][-5:] == [
        ("task_claimed", "reception"), ("task_refused", "reception_b"), ("access_refused", "reception_b"),
        ("task_released", "reception"), ("task_claimed", "reception_b")]


def test_hand_over_goes_only_to_a_colleague_of_the_same_agency_and_role(services: Services) -> None:
    add_officer(services, "reception_b", "reception")
    code = submit(services)
    [task] = task_queue(services, "reception", "group").items
    assert [c["username"] for c in colleagues(services, "reception", task["id"])] == ["reception_b"]
    for other in ("specialist", "reception2", "nobody"):
        with pytest.raises(Invalid) as caught:
            hand_over_task(services, "reception", task["id"], other)
        assert "colleague" in caught.value.fields
    hand_over_task(services, "reception", task["id"], "reception_b")
    assert [t["dossier"] for t in task_queue(services, "reception_b", "mine").items] == [code]
    assert task_queue(services, "reception", "mine").items == []
    event = last_event(services)
    assert (event.kind, event.detail["to"]) == ("task_handed_over", "reception_b")


def test_queue_filters_sort_by_due_and_mark_overdue_and_near_due(services: Services, clock: ManualClock) -> None:
    first = submit(services)  # reception forwards within half a working day: due 14:30
    clock.advance(timedelta(hours=1))
    second = str(submit_dossier(services, "citizen2", Submission(
        procedure=HKD, declaration=True, form={**HKD_FORM, "ho_ten_chu_ho": "Trần Thị Bình"},
        uploads=[Upload("giay_de_nghi", "a.pdf", PDF), Upload("giay_to_phap_ly", "b.pdf", PDF)]))["code"])
    page = task_queue(services, "reception", "group")
    assert [t["dossier"] for t in page.items] == [first, second]  # soonest due first
    assert all(t["near_due"] and not t["overdue"] for t in page.items)
    assert [t["dossier"] for t in task_queue(services, "reception", "group",
                                             QueueFilters(applicant="Trần Thị")).items] == [second]
    assert [t["dossier"] for t in task_queue(services, "reception", "group",
                                             QueueFilters(applicant="nguyễn văn")).items] == [first]
    assert [t["dossier"] for t in task_queue(services, "reception", "group",
                                             QueueFilters(code=first[-4:])).items] == [first]
    assert task_queue(services, "reception", "group", QueueFilters(procedure="0.000000")).items == []
    assert len(task_queue(services, "reception", "group", QueueFilters(status=1)).items) == 2
    assert task_queue(services, "reception", "group", QueueFilters(due_before=date(2026, 3, 1))).items == []
    clock.set(datetime(2026, 3, 2, 14, 45, tzinfo=LOCAL))
    late = task_queue(services, "reception", "group", QueueFilters(overdue=True))
    assert [t["dossier"] for t in late.items] == [first] and late.items[0]["overdue"]
    assert late.counts["overdue"] == 1
    paged = task_queue(services, "reception", "group", page=2, per_page=1)
    assert (paged.page, paged.pages, paged.total, [t["dossier"] for t in paged.items]) == (2, 2, 2, [second])


def test_the_queue_query_uses_the_queue_index(services: Services) -> None:
    stmt = ("SELECT id FROM user_tasks WHERE agency_id = 1 AND role IN ('reception') AND completed_at IS NULL "
            "ORDER BY due_at")
    mine = "SELECT id FROM user_tasks WHERE assignee_id = 3 AND completed_at IS NULL ORDER BY due_at"
    with services.db.connect() as conn:
        if conn.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + stmt))
            plan_mine = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + mine))
        else:  # a tiny table would be scanned whatever its indexes: ask the planner to prefer them
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + stmt))
            plan_mine = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + mine))
    assert "ix_user_tasks_queue" in plan, plan
    assert "ix_user_tasks_assignee" in plan_mine, plan_mine


def test_an_officer_of_another_agency_sees_nothing_and_opening_the_task_is_refused_and_audited(
        services: Services) -> None:
    code = submit(services)
    [task] = task_queue(services, "reception", "group").items
    assert task_queue(services, "reception2", "group").items == []
    before = snapshot(services, code)
    with pytest.raises(Forbidden):
        task_page(services, "reception2", task["id"])
    with pytest.raises(Forbidden):
        claim_task(services, "reception2", task["id"])
    after = snapshot(services, code)
    assert after["audit"] == before["audit"] + 2
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    event = last_event(services)
    assert (event.kind, event.actor, event.detail["reason"]) == ("access_refused", "reception2", "not_allowed")
    with pytest.raises(NotFound):
        read_document(services, "reception2", code, 1)


def test_a_forged_task_id_is_not_found_and_audited(services: Services) -> None:
    forged = "11111111-2222-3333-4444-555555555555"
    for attempt in (lambda: task_page(services, "reception", forged),
                    lambda: claim_task(services, "reception", forged),
                    lambda: complete_task(services, "reception", Completion(forged, {}))):
        with pytest.raises(NotFound):
            attempt()
        event = last_event(services)
        assert (event.kind, event.detail["task"], event.detail["reason"]) == ("task_refused", forged, "task.not_found")


# -- the task page and reception ------------------------------------------------------------------
def test_task_page_shows_the_form_the_applicant_the_documents_and_the_checklist(services: Services) -> None:
    code = submit(services)
    [task] = task_queue(services, "reception", "group").items
    view = task_page(services, "reception", task["id"])
    assert view["task"]["step"] == "intake" and view["task"]["may_act"]
    assert [f["id"] for f in view["form"]] == ["reception_decision", "reception_note"]
    assert {"label": "Tên hộ kinh doanh", "value": "Hộ kinh doanh Phở An"} in view["applicant_fields"]
    assert [(d["key"], d["content_type"]) for d in view["documents"]] == [
        ("giay_de_nghi", "application/pdf"), ("giay_to_phap_ly", "image/png")]
    assert [(c["key"], c["required"], c["uploaded"]) for c in view["checklist"]][:3] == [
        ("giay_de_nghi", True, True), ("giay_to_phap_ly", True, True), ("bien_ban_hop_thanh_vien", False, False)]
    _name, content_type, data = read_document(services, "reception", code, view["documents"][0]["id"])
    assert (content_type, data) == ("application/pdf", PDF)


def test_accepting_needs_every_required_document_checked_and_the_refusal_changes_nothing(
        services: Services) -> None:
    code = submit(services)
    before = snapshot(services, code)
    with pytest.raises(Invalid) as caught:
        page_complete(services, "reception", code, {"reception_decision": "accept"},
                      checklist={"giay_de_nghi": True})
    assert [(r.code, r.field) for r in caught.value.reasons] == [
        ("desk.document_not_checked", "checklist.giay_to_phap_ly")]
    after = snapshot(services, code)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert last_event(services).kind == "task_refused"
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    d = get_dossier(services, "citizen", code)
    assert d["status_code"] == 4 and d["notices"][0]["form"] == "01"


def test_supplement_names_the_unchecked_documents_then_the_answer_returns_to_reception(
        services: Services, clock: ManualClock) -> None:
    code = submit(services)
    page_complete(services, "reception", code, {"reception_decision": "supplement",
                                                "reception_note": "Ảnh chụp CCCD bị mờ, chụp lại rõ nét"},
                  checklist={"giay_de_nghi": True, "giay_to_phap_ly": False})
    d = get_dossier(services, "citizen", code)
    notice = d["notices"][-1]
    assert d["status_code"] == 5 and notice["form"] == "02"
    assert "Bản sao giấy tờ pháp lý của cá nhân" in notice["body"] and "chụp lại rõ nét" in notice["body"]
    with services.session_factory() as s:
        assert applicable_forms(s, s.scalar(sa.select(Dossier).where(Dossier.code == code))) == ["02", "05"]
    clock.advance(timedelta(hours=2))
    answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd.pdf", PDF)])
    assert task_of(services, "reception", code)["name"] == "Task_reception_check"


def test_refusal_and_return_must_state_their_reasons(services: Services) -> None:
    code = submit(services)
    with pytest.raises(Invalid) as caught:
        page_complete(services, "reception", code, {"reception_decision": "refuse"}, checklist={})
    assert (caught.value.code, caught.value.field) == ("desk.refusal_reason_required", "data.reception_note")
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "approve", "specialist_note": "Dự thảo GCN"})
    with pytest.raises(Invalid):
        page_complete(services, "leader", code, {"leader_decision": "return"})
    page_complete(services, "leader", code, {"leader_decision": "return", "leader_note": "Sai tên ngành nghề"})
    task = task_of(services, "specialist", code)
    history = task_page(services, "specialist", task["id"])["history"]
    returned = [h for h in history if h["kind"] == "task_completed"][-1]
    assert {"label": "Quyết định của lãnh đạo", "value": "Trả lại chuyên viên"} in returned["data"]
    assert {"label": "Ý kiến / lý do trả lại", "value": "Sai tên ngành nghề"} in returned["data"]


def test_refusal_after_review_is_approved_by_the_leader_and_sent_as_form_03(services: Services) -> None:
    code = submit(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "refuse",
                                                 "specialist_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    page_complete(services, "leader", code, {"leader_decision": "approve"})
    d = get_dossier(services, "citizen", code)
    assert d["status_code"] == 8 and d["notices"][-1]["form"] == "03"
    assert "danh mục cấm kinh doanh" in d["notices"][-1]["body"]


def test_two_officers_completing_the_same_task_the_second_is_told_and_audited(services: Services) -> None:
    add_officer(services, "reception_b", "reception")
    code = submit(services)
    task = task_of(services, "reception", code)
    complete_task(services, "reception", Completion(task["id"], {"reception_decision": "accept"}, ALL_OK))
    before = snapshot(services, code)
    with pytest.raises(Conflict) as caught:
        complete_task(services, "reception_b", Completion(task["id"], {"reception_decision": "refuse",
                                                                       "reception_note": "x"}, ALL_OK))
    assert (caught.value.code, caught.value.params) == ("task.already_done", {"by": "reception"})
    after = snapshot(services, code)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    event = last_event(services)
    assert (event.kind, event.actor, event.detail["reason"]) == ("task_refused", "reception_b", "task.already_done")


# -- coordination with a second agency (R8.2) -----------------------------------------------------
def test_the_consulted_agency_answers_in_its_own_queue_within_its_sub_deadline(
        services: Services, clock: ManualClock) -> None:
    deploy_coordination(services)
    code = submit_coordination(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    lead_due = datetime.fromisoformat(get_dossier(services, "citizen", code)["due_at"])
    page_complete(services, "specialist", code, {"specialist_proposal": "approve"})
    assert [t for t in task_queue(services, "specialist", "group").items if t["dossier"] == code] == []
    consult = task_of(services, "specialist_ca", code)
    assert consult["coordination"] and consult["procedure"] == COORD
    assert consult["due_at"] == datetime(2026, 3, 4, 9, 0, tzinfo=LOCAL)  # 2 working days from Monday 09:00
    view = task_page(services, "specialist_ca", consult["id"])
    assert view["task"]["step"] == "coordination"
    assert view["dossier"]["coordination"] and view["dossier"]["lead_agency"] == "Ủy ban nhân dân thành phố Kon Tum"
    assert datetime.fromisoformat(view["dossier"]["due_at"]) == lead_due  # the lead agency's total time
    read_document(services, "specialist_ca", code, view["documents"][0]["id"])  # consulted: may read
    with pytest.raises(NotFound):
        get_dossier(services, "specialist2", code)  # an uninvolved agency may not
    page_complete(services, "specialist_ca", code, {"police_opinion": "disagree",
                                                    "police_note": "Người đề nghị đang bị truy cứu"})
    leader_task = task_of(services, "leader", code)
    history = task_page(services, "leader", leader_task["id"])["history"]
    assert any(h["actor"] == "specialist_ca" and {"label": "Ý kiến của cơ quan phối hợp", "value": "Không thống nhất"}
               in h["data"] for h in history)


# -- the result by the applicant's channel (R7.1, R8.4, R8.5) -------------------------------------
def test_hand_over_at_the_desk_records_identity_originals_and_signature(
        services: Services, clock: ManualClock) -> None:
    code = to_delivery(services, clock, "counter")
    task = task_of(services, "reception", code)
    assert task_page(services, "reception", task["id"])["task"]["step"] == "delivery"
    with pytest.raises(Invalid) as caught:
        complete_task(services, "reception", Completion(task["id"], {"result_delivered": True}, delivery=Delivery(
            recipient_name="Nguyễn Văn An", identity_checked=True)))
    assert {(r.code, r.field) for r in caught.value.reasons} == {
        ("desk.originals_not_compared", "delivery.originals_compared"),
        ("desk.applicant_not_signed", "delivery.applicant_signed"),
        ("desk.identity_document_required", "delivery.identity_document")}
    complete_task(services, "reception", Completion(task["id"], {"result_delivered": True}, delivery=Delivery(
        recipient_name="Nguyễn Văn An", identity_document="062095001234", identity_checked=True,
        originals_compared=True, applicant_signed=True)))
    d = get_dossier(services, "citizen", code)
    assert d["status_code"] == 10 and "người nhận: Nguyễn Văn An" in d["notices"][-1]["body"]
    with services.session_factory() as s:
        row = s.scalars(sa.select(ResultDelivery)).one()
        assert (row.channel, row.identity_checked, row.originals_compared, row.applicant_signed) == (
            "counter", True, True, True)
        assert s.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
            OutboxMessage.subject == "Đã trả kết quả giải quyết hồ sơ")) == 2  # e-mail and SMS


def test_hand_over_by_post_needs_the_tracking_number(services: Services, clock: ManualClock) -> None:
    code = to_delivery(services, clock, "post")
    with pytest.raises(Invalid) as caught:
        page_complete(services, "reception", code, {"result_delivered": True},
                      delivery=Delivery(tracking_number="?"))
    assert [(r.code, r.field) for r in caught.value.reasons] == [
        ("desk.tracking_number_invalid", "delivery.tracking_number")]
    page_complete(services, "reception", code, {"result_delivered": True},
                  delivery=Delivery(tracking_number="ee123456789vn"))
    assert "EE123456789VN" in get_dossier(services, "citizen", code)["notices"][-1]["body"]


def test_online_hand_over_makes_the_signed_result_available_to_the_applicant(
        services: Services, clock: ManualClock) -> None:
    code = to_delivery(services, clock, "online")
    with pytest.raises(Invalid) as caught:
        page_complete(services, "reception", code, {"result_delivered": True})
    assert caught.value.code == "desk.result_file_required"
    with pytest.raises(Invalid) as caught:  # not a PDF the agency can sign
        page_complete(services, "reception", code, {"result_delivered": True},
                      delivery=Delivery(result_file=Upload("result", "gcn.pdf", b"%PDF-1.7\n% result\n%%EOF\n")))
    assert caught.value.code == "desk.result_not_signable"
    page_complete(services, "reception", code, {"result_delivered": True},
                  delivery=Delivery(result_file=Upload("result", "gcn-ky-so.pdf", PDF)))
    d = get_dossier(services, "citizen", code)
    assert d["status_code"] == 10
    with services.session_factory() as s:
        attachment_id = s.scalars(sa.select(ResultDelivery.result_attachment_id)).one()
    assert f"/dossiers/{code}/documents/{attachment_id}" in d["notices"][-1]["body"]
    name, kind, handed = read_document(services, "citizen", code, attachment_id)
    assert (name, kind) == ("gcn-ky-so.pdf", "application/pdf") and handed.startswith(PDF)  # + the signature
    verdict = services.signing.verify(handed, at=services.clock.now())
    assert verdict.status == "valid" and verdict.unit == "000.00.22.H34"
    with pytest.raises(NotFound):
        read_document(services, "citizen2", code, attachment_id)


# -- fees, notes, damaged documents ---------------------------------------------------------------
def test_fees_are_marked_paid_at_the_counter_once_by_reception(services: Services) -> None:
    code = submit(services)
    with pytest.raises(Forbidden) as forbidden:
        mark_fee_paid(services, "specialist", code, "BL-0001")
    assert forbidden.value.code == "fee.reception_only"
    with pytest.raises(Invalid) as invalid:
        mark_fee_paid(services, "reception", code, " ")
    assert (invalid.value.code, invalid.value.field) == ("fee.receipt_required", "receipt_no")
    paid = mark_fee_paid(services, "reception", code, "BL-0001")
    assert paid["amount_vnd"] == 100000
    with pytest.raises(Conflict) as conflict:
        mark_fee_paid(services, "reception", code, "BL-0002")
    assert conflict.value.code == "fee.already_paid"
    with services.session_factory() as s:
        assert s.scalars(sa.select(FeePayment.receipt_no)).all() == ["BL-0001"]


def test_notes_are_for_the_officers_of_the_dossier(services: Services) -> None:
    code = submit(services)
    add_note(services, "reception", code, "Người nộp hẹn bổ sung bản gốc chiều nay")
    with pytest.raises(Forbidden):
        add_note(services, "citizen", code, "tôi là người nộp")
    with pytest.raises(NotFound):
        add_note(services, "reception2", code, "cơ quan khác")
    with pytest.raises(Invalid):
        add_note(services, "reception", code, "   ")
    [task] = task_queue(services, "reception", "group").items
    notes = task_page(services, "reception", task["id"])["notes"]
    assert [(n["author"], n["body"]) for n in notes] == [("Lê Thị Cúc (một cửa)",
                                                          "Người nộp hẹn bổ sung bản gốc chiều nay")]
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DossierNote)) == 1


def test_a_document_whose_checksum_no_longer_matches_is_never_served_and_is_audited(services: Services) -> None:
    code = submit(services)
    [task] = task_queue(services, "reception", "group").items
    doc = task_page(services, "reception", task["id"])["documents"][0]
    with services.session_factory() as s:
        sha = s.scalar(sa.text("SELECT sha256 FROM attachments WHERE id = :i"), {"i": doc["id"]})
    services.attachments.path_of(sha).write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(DocumentDamaged) as caught:
        read_document(services, "reception", code, doc["id"])
    assert caught.value.code == "document.damaged"
    event = last_event(services)
    assert (event.kind, event.detail["attachment"]) == ("document_integrity_failed", doc["id"])


def _events(services: Services, code: str) -> list[AuditEvent]:
    with services.session_factory() as s:
        d = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert d is not None
        return list(s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id == d.id).order_by(AuditEvent.seq)))


def test_user_tasks_keep_who_completed_them(services: Services) -> None:
    code = submit(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    with services.session_factory() as s:
        done = s.scalars(sa.select(UserTask).where(UserTask.completed_at.is_not(None))).one()
        assert done.completed_by == "reception"
