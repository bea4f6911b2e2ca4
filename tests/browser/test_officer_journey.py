"""The one-stop workflow in a real browser: reception, specialist, a consulted agency's officer and
the leader log in and take a dossier from submission through a supplement round, acceptance,
coordination with a second agency and approval to delivery at the desk; another dossier is refused
with form 03; an officer of another agency sees neither."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapters.bootstrap import Services
from processes.dossier.dossiers import get_dossier
from processes.submission.submission import Upload, answer_supplement
from tests.helpers import PDF
from tests.integration.test_lifecycle import submit
from tests.workbench_support import deploy_coordination, submit_coordination


@pytest.fixture
def officer(playwright_browser: Any, live_server: str) -> Iterator[Any]:
    """`officer(username)` opens a fresh browser context logged in as that user, at the task list."""
    contexts = []

    def open_as(username: str) -> Any:
        context = playwright_browser.new_context(locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(live_server + "/login?next=/officer/tasks")
        page.locator("#f-username").fill(username)
        page.locator("#f-password").fill("demo")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/officer/tasks")
        return page

    yield open_as
    for context in contexts:
        context.close()


def open_task(page: Any, code: str) -> None:
    page.get_by_role("link", name=code).click()
    page.wait_for_url("**/officer/tasks/*")


def complete(page: Any) -> None:
    page.get_by_role("button", name="Hoàn thành", exact=True).click()
    page.wait_for_url("**/officer/tasks")
    assert page.get_by_text("Đã hoàn thành công việc").count() == 1


def test_supplement_acceptance_coordination_approval_and_delivery_at_the_desk(
        officer: Any, services: Services, live_server: str) -> None:
    deploy_coordination(services)
    code = submit_coordination(services)

    reception = officer("reception")
    open_task(reception, code)
    assert reception.get_by_text("Kiểm tra tính hợp lệ, đầy đủ").count() == 1
    reception.get_by_label("Giấy đề nghị").check()  # the ID card copy is not valid: left unticked
    reception.get_by_label("Yêu cầu bổ sung", exact=True).check()
    reception.get_by_label("Nội dung cần bổ sung / lý do").fill("Ảnh căn cước bị mờ, hãy chụp lại")
    complete(reception)
    assert get_dossier(services, "citizen", code)["status_code"] == 5
    assert reception.request.get(f"{live_server}/dossiers/{code}/forms/02.pdf").ok

    answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd-ro.pdf", PDF)])
    reception.reload()
    open_task(reception, code)
    reception.get_by_label("Giấy đề nghị").check()
    reception.get_by_label("Bản sao căn cước công dân").check()
    reception.get_by_label("Tiếp nhận hồ sơ", exact=True).check()
    complete(reception)
    receipt = reception.request.get(f"{live_server}/dossiers/{code}/forms/01.pdf")
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf"

    specialist = officer("specialist")
    open_task(specialist, code)
    specialist.get_by_label("Đủ điều kiện, trình phê duyệt").check()
    specialist.get_by_label("Ý kiến thẩm định / dự thảo").fill("Đủ điều kiện; dự thảo kết quả kèm theo")
    complete(specialist)

    police = officer("specialist_ca")  # the consulted agency, in its own queue
    assert police.get_by_text("Phối hợp", exact=True).count() >= 1
    open_task(police, code)
    assert police.get_by_text("Hạn của bước này").count() == 1
    assert police.get_by_text("Ủy ban nhân dân thành phố Kon Tum").count() >= 1  # the lead agency
    police.get_by_label("Thống nhất", exact=True).check()
    police.get_by_label("Nội dung ý kiến").fill("Không có thông tin bất lợi")
    complete(police)

    leader = officer("leader")
    open_task(leader, code)
    assert leader.get_by_text("Không có thông tin bất lợi").count() == 1  # the answer came back
    leader.get_by_label("Trả lại chuyên viên").check()
    leader.get_by_role("button", name="Hoàn thành", exact=True).click()
    leader.get_by_text("hãy ghi lý do trả lại").first.wait_for()  # a return states its reasons
    leader.get_by_label("Phê duyệt", exact=True).check()
    complete(leader)
    assert get_dossier(services, "citizen", code)["status_code"] == 9

    reception.goto(f"{live_server}/officer/tasks")
    open_task(reception, code)
    reception.get_by_label("Họ tên người nhận").fill("Nguyễn Văn An")
    reception.get_by_label("Đã trả kết quả cho người nộp").check()
    reception.get_by_role("button", name="Hoàn thành", exact=True).click()
    reception.get_by_text("phí, lệ phí chưa nộp").first.wait_for()  # not handed over while unpaid
    reception.get_by_label("Số biên lai thu phí, lệ phí").fill("BL-0001")
    reception.get_by_role("button", name="Ghi nhận đã nộp tại quầy").click()
    reception.get_by_text("Đã ghi nhận nộp phí, lệ phí.").wait_for()
    reception.get_by_label("Họ tên người nhận").fill("Nguyễn Văn An")
    reception.get_by_label("Số giấy tờ tùy thân của người nhận").fill("062095001234")
    reception.get_by_label("Đã kiểm tra giấy tờ tùy thân của người nhận").check()
    reception.get_by_label("Đã đối chiếu bản chính các giấy tờ").check()
    reception.get_by_label("Người nhận đã ký vào các biểu mẫu").check()
    reception.get_by_label("Đã trả kết quả cho người nộp").check()
    complete(reception)
    final = get_dossier(services, "citizen", code)
    assert final["status_code"] == 10 and final["open_tasks"] == []
    sheet = reception.request.get(f"{live_server}/dossiers/{code}/forms/05.pdf")
    assert sheet.ok and sheet.body().startswith(b"%PDF")

    other = officer("reception2")
    assert other.get_by_text(code).count() == 0
    assert other.request.get(f"{live_server}/dossiers/{code}/forms/05.pdf").status == 404


def test_a_dossier_refused_at_reception_gets_form_03_and_another_agency_cannot_see_it(
        officer: Any, services: Services, live_server: str) -> None:
    code = submit(services)
    reception = officer("reception")
    open_task(reception, code)
    reception.get_by_label("Từ chối tiếp nhận", exact=True).check()
    reception.get_by_label("Nội dung cần bổ sung / lý do").fill("Ngành nghề thuộc danh mục cấm kinh doanh")
    complete(reception)
    refusal = reception.request.get(f"{live_server}/dossiers/{code}/forms/03.pdf")
    assert refusal.ok and refusal.body().startswith(b"%PDF")
    assert get_dossier(services, "citizen", code)["status_code"] == 3
    other = officer("reception2")
    assert other.get_by_text(code).count() == 0
    assert other.request.get(f"{live_server}/dossiers/{code}/forms/03.pdf").status == 404
