"""Submitting forgives mistakes, in a real browser (issue 19): a too large file and a wrong type are refused
before anything is sent, a negative capital and a missing declaration come back with every answer and every
chosen file kept, a draft survives logging out and in, and the dossier is submitted without choosing any
file twice."""
from __future__ import annotations

import re
from typing import Any

from adapters.bootstrap import Services
from tests.browser.test_citizen_journey import FORM_LABELS, file
from tests.helpers import HKD, HKD_FORM, PDF, PNG
from tests.portal_kit import log_in_citizen

SUBMIT = f"/procedures/{HKD}/submit"



def _kept(page: Any) -> str:
    return " ".join(page.locator(".kept-file").all_inner_texts())


def test_every_mistake_in_turn_then_submitted_without_choosing_a_file_twice(
        live_server: str, page: Any, services: Services) -> None:
    max_bytes = int(services.config["storage"]["max_upload_bytes"])
    log_in_citizen(page, live_server)
    page.goto(live_server + SUBMIT)
    for field, label in FORM_LABELS.items():
        page.get_by_label(label).fill(str(HKD_FORM[field]))
    request_form = page.get_by_label("Giấy đề nghị đăng ký hộ kinh doanh")

    # Too large: refused in the browser, nothing sent, the picker emptied.
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    request_form.set_input_files(file("scan.pdf", b"%PDF-1.4\n" + b"0" * max_bytes, "application/pdf"))
    warning = page.locator("#f-documents-giay-de-nghi-client")
    assert warning.is_visible() and "lớn hơn 10 MB" in warning.inner_text()
    assert request_form.evaluate("input => input.files.length") == 0 and sent == []

    # Wrong type: refused in the browser too.
    request_form.set_input_files(file("de-nghi.docx", b"PK\x03\x04 a word file", "application/msword"))
    assert "Chỉ nhận tệp PDF, JPEG hoặc PNG" in warning.inner_text()

    # The right files, a negative capital, the declaration ticked: refused on the server, everything kept.
    request_form.set_input_files(file("de-nghi.pdf", PDF, "application/pdf"))
    assert not warning.is_visible()
    page.get_by_label(re.compile("^Bản sao giấy tờ pháp lý của cá nhân")).set_input_files(
        file("cccd.png", PNG, "image/png"))
    page.get_by_label(FORM_LABELS["von_kinh_doanh"]).fill("-5")
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("alert").filter(has_text="Giá trị nhỏ nhất được chấp nhận là 0").wait_for()
    assert "de-nghi.pdf" in _kept(page) and "cccd.png" in _kept(page)
    assert page.get_by_label(re.compile("^Tôi xin cam đoan")).is_checked()
    assert page.get_by_label(FORM_LABELS["ten_ho_kinh_doanh"]).input_value() == HKD_FORM["ten_ho_kinh_doanh"]

    # The capital corrected, the declaration forgotten: refused again, the files still kept.
    page.get_by_label(FORM_LABELS["von_kinh_doanh"]).fill(str(HKD_FORM["von_kinh_doanh"]))
    page.get_by_label(re.compile("^Tôi xin cam đoan")).uncheck()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("alert").filter(has_text="lời cam đoan").wait_for()
    assert "de-nghi.pdf" in _kept(page) and "cccd.png" in _kept(page)

    # Saved as a draft; logged out and in; resumed from "My dossiers".
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu bản nháp").wait_for()
    page.get_by_role("button", name="Đăng xuất").click()
    log_in_citizen(page, live_server)
    page.get_by_role("link", name="Đăng ký thành lập hộ kinh doanh").click()
    page.wait_for_url("**" + SUBMIT)
    assert "de-nghi.pdf" in _kept(page) and "cccd.png" in _kept(page)
    assert page.get_by_label(FORM_LABELS["von_kinh_doanh"]).input_value() == str(HKD_FORM["von_kinh_doanh"])

    # Now the declaration, and it goes — with the files chosen once, long ago.
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("heading", name="Đã nộp hồ sơ").wait_for()
    code = page.locator(".receipt .code").inner_text()
    page.goto(live_server + f"/my/dossiers/{code}")
    documents = page.locator("main").inner_text()
    assert "de-nghi.pdf" in documents and "cccd.png" in documents
