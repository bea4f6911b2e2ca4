"""Counter intake in a real browser (issue 12): reception registers a walk-in applicant's dossier at
the counter — a scan for one paper, the other seen on paper —, accepts it, prints form 01 from the
dossier's page, and the applicant (no account) finds the dossier at /track with code and phone."""
from __future__ import annotations

import re
from typing import Any

from tests.helpers import HKD, HKD_FORM, PDF

FILLED = ("ten_ho_kinh_doanh", "dia_chi_kinh_doanh", "nganh_nghe", "von_kinh_doanh", "so_lao_dong")


def test_a_walk_in_dossier_registered_at_the_counter_prints_form_01_and_is_found_at_track(
        live_server: str, page: Any, playwright_browser: Any) -> None:
    page.goto(live_server + "/login?next=/officer/tasks")
    page.locator("#f-username").fill("reception")
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/officer/tasks")
    assert page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Công việc").count() == 1
    page.get_by_role("link", name="Tiếp nhận tại quầy, qua bưu chính").click()
    page.get_by_label("Thủ tục", exact=True).select_option(HKD)
    page.get_by_role("button", name="Chọn thủ tục").click()

    page.get_by_label("Nộp trực tiếp tại quầy").check()
    page.get_by_label(re.compile("^Số định danh cá nhân / CMND")).fill("062095009876")
    page.get_by_label(re.compile("^Họ tên người nộp")).fill("Phạm Thị Mai")
    page.locator("#f-applicant-phone").fill("0905 123 456")
    page.get_by_label("Địa chỉ", exact=True).fill("45 Trần Phú, phường Quyết Thắng")
    for field in FILLED:
        page.locator(f"#f-form-{field.replace('_', '-')}").fill(str(HKD_FORM[field]))
    page.locator("#f-documents-giay-de-nghi").set_input_files(
        {"name": "de-nghi.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_label(re.compile("^Đã xem bản giấy: Bản sao giấy tờ pháp lý")).check()
    page.get_by_label("Hợp lệ: Giấy đề nghị đăng ký hộ kinh doanh").check()
    page.get_by_label(re.compile("^Hợp lệ: Bản sao giấy tờ pháp lý")).check()
    page.get_by_label("Tại bộ phận một cửa").check()
    page.get_by_label(re.compile("^Tiếp nhận ngay")).check()
    page.get_by_role("button", name="Đăng ký hồ sơ").click()

    page.wait_for_url("**/officer/dossiers/*")
    assert page.get_by_text(re.compile("^Đã tiếp nhận hồ sơ")).count() == 1
    code = page.locator("h1 .code").inner_text()
    assert re.fullmatch(r"000\.00\.22\.H34-\d{6}-\d{4}", code)
    main = page.locator("main").inner_text()
    assert "Phạm Thị Mai" in main and "062095009876" in main and "bản giấy đã kiểm tra tại quầy" in main
    printed = page.get_by_role("link", name=re.compile("^In mẫu số 01"))
    receipt = page.request.get(live_server + printed.get_attribute("href"))
    assert receipt.ok and receipt.headers["content-type"] == "application/pdf" and receipt.body().startswith(b"%PDF")

    # The applicant, who has no account, follows the dossier with the code and the phone.
    stranger = playwright_browser.new_context(locale="vi-VN").new_page()
    stranger.goto(live_server + "/track")
    stranger.get_by_label("Mã hồ sơ").fill(code)
    stranger.get_by_label("Số điện thoại của người nộp").fill("0905123456")
    stranger.get_by_role("button", name="Tra cứu").click()
    text = stranger.locator("main").inner_text()
    assert code in text and "Đăng ký thành lập hộ kinh doanh" in text and "Đang xử lý" in text
    stranger.context.close()


def test_the_officer_pages_fit_a_phone(live_server: str, page: Any) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server + "/login?next=/officer/dossiers")
    page.locator("#f-username").fill("reception")
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/officer/dossiers")
    for path in ("/officer/dossiers", "/officer/tasks", f"/officer/intake?procedure={HKD}"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        # no header is broken inside a word: each header's words are as wide as the header at most
        broken = page.evaluate("""() => [...document.querySelectorAll('th')].filter(th => {
            const r = document.createRange(); r.selectNodeContents(th);
            return [...r.getClientRects()].length > th.textContent.trim().split(/\\s+/).length;
        }).map(th => th.textContent.trim())""")
        assert broken == [], (path, broken)
