"""A new citizen in a real browser (Debian's Chromium): registers, confirms the e-mail, finds the
service without typing diacritics, submits with attachments, answers a supplement request, follows
the dossier to its result and rates it; a stranger's public look-up shows the status only."""
from __future__ import annotations

import re
from typing import Any

from adapters.bootstrap import Services
from tests.helpers import HKD_FORM, PDF, PNG
from tests.portal_kit import mailed_link, path_of, work

FORM_LABELS = {  # the labels of the household business form in its catalogue
    "ho_ten_chu_ho": "Họ và tên chủ hộ kinh doanh", "so_dinh_danh": "Số định danh cá nhân",
    "so_dien_thoai": "Số điện thoại liên hệ", "ten_ho_kinh_doanh": "Tên hộ kinh doanh",
    "dia_chi_kinh_doanh": "Địa chỉ trụ sở hộ kinh doanh", "nganh_nghe": "Ngành, nghề kinh doanh",
    "von_kinh_doanh": "Vốn kinh doanh", "so_lao_dong": "Số lượng lao động dự kiến",
}


def file(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_new_citizen_registers_submits_and_follows_the_dossier_to_its_rated_result(
        live_server: str, page: Any, services: Services, mailer: Any, playwright_browser: Any) -> None:
    # Register and confirm the address.
    page.goto(live_server + "/register")
    page.get_by_label("Tên đăng nhập").fill("lethihoa")
    page.get_by_label("Họ và tên").fill("Lê Thị Hoa")
    page.get_by_label("Thư điện tử").fill("hoa@example.vn")
    page.get_by_label("Số điện thoại").fill("0987 654 321")
    page.get_by_label(re.compile("^Mật khẩu")).fill("hoa-mat-khau-2026")
    page.get_by_label("Nhập lại mật khẩu").fill("hoa-mat-khau-2026")
    page.get_by_role("button", name="Đăng ký").click()
    assert page.get_by_text("Chúng tôi đã gửi thư tới hoa@example.vn").count() == 1
    page.goto(live_server + path_of(mailed_link(services, mailer, "hoa@example.vn", "/confirm/")))
    assert page.get_by_text("Đã xác nhận địa chỉ thư điện tử").count() == 1
    page.get_by_label("Tên đăng nhập").fill("lethihoa")
    page.get_by_label(re.compile("^Mật khẩu")).fill("hoa-mat-khau-2026")
    page.get_by_role("button", name="Đăng nhập").click()

    # Find the service without diacritics and submit it with two files.
    page.goto(live_server + "/")
    page.get_by_label("Tìm thủ tục").fill("dang ky ho kinh doanh")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Đăng ký thành lập hộ kinh doanh").click()
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    for field, label in FORM_LABELS.items():
        page.get_by_label(label).fill(str(HKD_FORM[field]))
    page.get_by_label("Giấy đề nghị đăng ký hộ kinh doanh").set_input_files(
        file("de-nghi.pdf", PDF, "application/pdf"))
    page.get_by_label(re.compile("^Bản sao giấy tờ pháp lý của cá nhân")).set_input_files(
        file("cccd.png", PNG, "image/png"))
    page.get_by_label("Trực tuyến trên Cổng dịch vụ công").check()
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("heading", name="Đã nộp hồ sơ").wait_for()
    code = page.locator(".receipt .code").inner_text()
    assert re.fullmatch(r"000\.00\.22\.H34-\d{6}-\d{4}", code)
    assert page.get_by_text("Cần gửi thêm bản sao có chứng thực").count() == 1  # level 4, nothing signed

    # Reception asks for a clearer ID copy; the citizen answers from "my dossiers".
    work(services, code, "reception", {"reception_decision": "supplement",
                                       "reception_note": "Bản chụp CCCD không rõ"})
    page.goto(live_server + "/my/dossiers")
    page.get_by_role("link", name=code).click()
    assert page.get_by_text("Bản chụp CCCD không rõ").count() >= 1
    page.locator("section.request").get_by_label(re.compile("^Bản sao giấy tờ pháp lý")).set_input_files(
        file("cccd-ro.pdf", PDF, "application/pdf"))
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()
    assert page.get_by_text("Đã gửi hồ sơ bổ sung; cơ quan sẽ kiểm tra lại.").count() == 1

    # The officers finish; the citizen sees the result returned, with its appointment date, and rates it.
    for officer in ("reception", "specialist", "leader", "reception"):
        work(services, code, officer)
    page.reload()
    assert page.locator("dl.facts").first.locator(".status").inner_text() == "Đã trả kết quả"
    assert re.search(r"Ngày hẹn trả kết quả\n\d\d/\d\d/2026 \d\d:\d\d", page.locator("dl.facts").first.inner_text())
    assert page.get_by_role("link", name=re.compile("Xem sơ đồ quy trình")).count() == 1  # on request
    steps = page.locator("ol.steps").inner_text()
    assert "Bạn đã bổ sung hồ sơ" in steps and "Đã nhận kết quả" in steps
    page.get_by_label("5", exact=True).check()
    page.get_by_label("Ý kiến (không bắt buộc)").fill("Đúng hẹn, nhanh")
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert page.get_by_text("5/5 sao").count() == 1

    # A stranger who knows the code and the phone number sees the status, nothing personal.
    stranger = playwright_browser.new_context(locale="vi-VN").new_page()
    stranger.goto(live_server + "/track")
    stranger.get_by_label("Mã hồ sơ").fill(code)
    stranger.get_by_label("Số điện thoại của người nộp").fill("0987654321")
    stranger.get_by_role("button", name="Tra cứu").click()
    text = stranger.locator("main").inner_text()
    assert "Đã trả kết quả" in text and code in text
    for personal in ("Lê Thị Hoa", "Nguyễn Văn An", "062095001234", "Phở An", "0987"):
        assert personal not in text
    stranger.context.close()


def test_keyboard_users_can_skip_to_the_content_and_pages_fit_a_phone(live_server: str, page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/procedures/1.001612", "/register", "/track"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Bỏ qua, đến nội dung chính"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_a_fake_pdf_is_refused_in_the_browser_with_the_field_named(live_server: str, page: Any) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("Tên đăng nhập").fill("citizen")
    page.get_by_label("Mật khẩu").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(live_server + "/procedures/1.001612/submit")
    for field, label in FORM_LABELS.items():
        page.get_by_label(label).fill(str(HKD_FORM[field]))
    page.get_by_label("Giấy đề nghị đăng ký hộ kinh doanh").set_input_files(
        file("de-nghi.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"))
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    summary = page.get_by_role("alert")
    assert "chỉ nhận tệp PDF, JPEG hoặc PNG" in summary.inner_text()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-documents-giay-de-nghi"
