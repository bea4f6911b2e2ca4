"""Paying a fee online in a real browser (issue 13): the applicant submits a fee-bearing dossier,
pays on the VNPay simulator's hosted page, comes back, sees "paid" once the gateway's IPN (a real
HTTP call to the live server) confirmed it, and downloads the receipt; the workflow has moved on:
the result is handed over with no fee waiver."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import AuditEvent, FeePayment
from processes.uow import UnitOfWork
from tests.browser.test_citizen_journey import FORM_LABELS, file
from tests.helpers import HKD, HKD_FORM, PDF, PNG
from tests.portal_kit import work


def test_an_applicant_pays_online_sees_paid_and_downloads_the_receipt(
        live_server: str, page: Any, services: Services) -> None:
    services.config["app"]["base_url"] = live_server  # the return URL and the IPN address point here
    page.goto(live_server + "/login")
    page.locator("#f-username").fill("citizen")
    page.locator("#f-password").fill("demo")
    page.get_by_role("button", name="Đăng nhập").click()

    page.goto(live_server + f"/procedures/{HKD}/submit")
    for field, label in FORM_LABELS.items():
        page.get_by_label(label).fill(str(HKD_FORM[field]))
    page.get_by_label("Giấy đề nghị đăng ký hộ kinh doanh").set_input_files(file("de-nghi.pdf", PDF, "application/pdf"))
    page.get_by_label(re.compile("^Bản sao giấy tờ pháp lý của cá nhân")).set_input_files(
        file("cccd.png", PNG, "image/png"))
    page.get_by_label(re.compile("^Tôi xin cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.get_by_role("heading", name="Đã nộp hồ sơ").wait_for()
    code = page.locator(".receipt .code").inner_text()
    assert page.get_by_role("button", name="Thanh toán trực tuyến").count() == 1  # right after submitting

    page.goto(live_server + f"/my/dossiers/{code}")
    assert "Chưa nộp phí, lệ phí" in page.locator("section.payment").inner_text()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("heading", name="Cổng thanh toán VNPay (mô phỏng)").wait_for()
    assert "100.000 đ" in page.locator(".amount").inner_text()
    page.get_by_role("button", name="Thanh toán thành công").click()

    page.get_by_role("heading", name="Kết quả thanh toán").wait_for()
    assert page.locator(".payment-state").inner_text().startswith("Đã thanh toán")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Tải biên lai điện tử").click()
    download = caught.value
    assert download.suggested_filename.startswith("bien-lai-BL2026-000.00.22.H34-")
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    page.get_by_role("link", name="Về trang hồ sơ").click()
    assert "Đã nộp phí, lệ phí" in page.locator("section.payment").inner_text()
    with UnitOfWork(services.session_factory) as uow:
        assert [f.method for f in uow.session.scalars(sa.select(FeePayment))] == ["online"]

    # The workflow moves on: the officers finish and the result is handed over without a fee waiver.
    for officer in ("reception", "specialist", "leader", "reception"):
        assert work(services, code, officer)
    page.reload()
    assert page.locator("dl.facts .status").inner_text() == "Đã trả kết quả"
    with UnitOfWork(services.session_factory) as uow:
        assert uow.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.kind == "fee_waived")) == 0
