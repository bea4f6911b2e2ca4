"""The workbench's rules without a database: who may claim, release and hand over (R2.1), what desk
step a task is, the reasons a refusal or return needs (R15.3), timeliness on form 05, and a form drawn
as a PDF with Vietnamese text."""
from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from itertools import product

import pypdf
import pytest

from adapters.forms_pdf import Block, FormDocument, Letterhead, find_font_dir, render
from engine.definitions import UserTaskInfo
from models import Dossier, User, UserTask
from processes import access
from processes.desk.paper import _timeliness
from processes.desk.steps import require_reasons, task_step
from processes.errors import Invalid

AGENCY, OTHER = 10, 20
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def officer(uid: int, role: str = "reception", agency: int = AGENCY, active: bool = True) -> User:
    return User(id=uid, username=f"u{uid}", roles=[role], agency_id=agency, active=active)


def task(role: str = "reception", assignee: int | None = None, agency: int = AGENCY) -> UserTask:
    return UserTask(id="t", dossier_id=1, element_id="Task_x", name="x", role=role, agency_id=agency,
                    assignee_id=assignee, completed_at=None)


@pytest.mark.parametrize("role, agency, holder", list(product(("reception", "specialist"), (AGENCY, OTHER),
                                                              (None, 1, 2))))
def test_claiming_is_for_the_group_of_the_task_and_never_over_a_colleague(
        role: str, agency: int, holder: int | None) -> None:
    me = officer(1, role, agency)
    expected = role == "reception" and agency == AGENCY and holder in (None, 1)
    assert access.may_claim_task(me, task(assignee=holder)) is expected
    assert access.may_see_task(me, task(assignee=holder)) is (role == "reception" and agency == AGENCY)


def test_only_the_holder_releases() -> None:
    assert access.may_release_task(officer(1), task(assignee=1))
    assert not access.may_release_task(officer(2), task(assignee=1))
    assert not access.may_release_task(officer(1), task(assignee=None))


@pytest.mark.parametrize("colleague, expected", [
    (officer(2), True), (officer(2, "specialist"), False), (officer(2, agency=OTHER), False),
    (officer(2, active=False), False), (officer(1), False)])
def test_hand_over_only_to_an_active_colleague_of_the_same_agency_and_role(colleague: User, expected: bool) -> None:
    assert access.may_hand_over_task(officer(1), task(assignee=1), colleague) is expected


def test_a_task_held_by_someone_else_cannot_be_handed_over() -> None:
    assert not access.may_hand_over_task(officer(1), task(assignee=3), officer(2))


def test_payment_and_register_stay_in_the_agency() -> None:
    d = Dossier(id=1, agency_id=AGENCY, applicant_id=99)
    assert access.may_take_payment(officer(1), d)
    assert not access.may_take_payment(officer(1, "specialist"), d)
    assert not access.may_take_payment(officer(1, agency=OTHER), d)
    assert access.may_print_register(officer(1, "leader"), AGENCY)
    assert not access.may_print_register(officer(1, "leader"), OTHER)


def info(element_id: str, role: str, **properties: str) -> UserTaskInfo:
    return UserTaskInfo(element_id=element_id, name=element_id, role=role, form=(), properties=properties)


@pytest.mark.parametrize("element_id, role, properties, agency, status, accepted, expected", [
    ("Task_a", "reception", {"step": "delivery"}, AGENCY, 4, True, "delivery"),
    ("Task_reception_check", "reception", {}, AGENCY, 1, False, "intake"),
    ("Task_reception_deliver", "reception", {}, AGENCY, 9, True, "delivery"),
    ("Task_other", "reception", {}, AGENCY, 1, False, "intake"),
    ("Task_other", "reception", {}, AGENCY, 9, True, "delivery"),
    ("Task_payment_confirm", "reception", {}, AGENCY, 6, True, "desk"),
    ("Task_police", "specialist", {}, OTHER, 4, True, "coordination"),
    ("Task_leader_approve", "leader", {}, AGENCY, 4, True, "approval"),
    ("Task_specialist_review", "specialist", {}, AGENCY, 4, True, "review"),
])
def test_the_desk_step_of_a_task(element_id: str, role: str, properties: dict[str, str], agency: int, status: int,
                                 accepted: bool, expected: str) -> None:
    d = Dossier(id=1, agency_id=AGENCY, status_code=status, accepted_at=NOW if accepted else None)
    assert task_step(info(element_id, role, **properties), task(role, agency=agency), d) == expected


@pytest.mark.parametrize("data, refusal", [
    ({"leader_decision": "return"}, ("desk.return_reason_required", "data.leader_note")),
    ({"leader_decision": "return", "leader_note": " "}, ("desk.return_reason_required", "data.leader_note")),
    ({"leader_decision": "return", "leader_note": "Sai tên"}, None),
    ({"reception_decision": "refuse"}, ("desk.refusal_reason_required", "data.reception_note")),
    ({"leader_decision": "approve"}, None)])
def test_a_refusal_or_a_return_states_its_reasons_in_the_note(data: dict[str, str],
                                                              refusal: tuple[str, str] | None) -> None:
    form = ["reception_decision", "reception_note", "leader_decision", "leader_note"]
    if refusal:
        with pytest.raises(Invalid) as caught:
            require_reasons(data, form)
        assert (caught.value.code, caught.value.field) == refusal
    else:
        require_reasons(data, form)


def test_the_reasons_go_to_the_forms_own_note_field_else_the_decision() -> None:
    with pytest.raises(Invalid) as caught:
        require_reasons({"police_opinion": "refuse"}, ["police_opinion", "police_note"])
    assert caught.value.field == "data.police_note"
    with pytest.raises(Invalid) as caught:
        require_reasons({"verdict": "refuse"}, ["verdict"])
    assert caught.value.field == "data.verdict"


def test_timeliness_on_the_process_control_sheet() -> None:
    due = NOW + timedelta(days=3)
    assert _timeliness(NOW, due, NOW) == "Trước hạn"
    assert _timeliness(due - timedelta(hours=1), due, NOW) == "Đúng hạn"
    assert _timeliness(due + timedelta(minutes=1), due, NOW) == "Quá hạn"
    assert _timeliness(None, due, due + timedelta(hours=1)) == "Quá hạn, đang xử lý"
    assert _timeliness(None, None, NOW) == "Đang xử lý"


def test_a_form_prints_vietnamese_text_a_table_and_a_qr_code() -> None:
    doc = FormDocument("05", "Phiếu kiểm soát quá trình giải quyết hồ sơ",
                       Letterhead("Ủy ban nhân dân phường Quyết Thắng", "Ủy ban nhân dân thành phố Kon Tum",
                                  when=NOW, number="000.25.22.H34-260302-0001"),
                       [Block("Thông tin", lines=[("Người nộp", "Trần Thị Bình")]),
                        Block(table=(["STT", "Bước"], [[str(n), "Thẩm định hồ sơ"] for n in range(60)], [20, 150]))],
                       signatures=[("Người lập", "Đỗ Văn Hải")], qr_url="http://127.0.0.1/track?code=X",
                       qr_caption="Quét mã")
    data = render(doc, find_font_dir(), created_at=NOW)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2  # a long table continues on the next page
    for expected in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Trần Thị Bình", "Đỗ Văn Hải",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "000.25.22.H34-260302-0001", "Quét mã"):
        assert expected in text, expected
    assert any(page.images for page in reader.pages)
