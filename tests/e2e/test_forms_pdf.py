"""The printable forms through the API (`/api/v1/dossiers/CODE/forms/NN.pdf`, `/api/v1/register.pdf`):
real PDFs that parse, carry the dossier code and Vietnamese text, exist only where they apply, and
only for those who may see the dossier."""
from __future__ import annotations

import io
from typing import Any

import pypdf

from tests.e2e.test_api_walkthrough import submit, work

READ = {"lang": "vi"}


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def form(client: Any, token: Any, code: str, number: str, user: str = "citizen") -> Any:
    return client.get(f"/api/v1/dossiers/{code}/forms/{number}.pdf", headers=token(user))


def test_receipt_01_has_the_appointment_papers_fees_and_a_qr_code_to_the_tracking_page(
        client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    assert form(client, token, code, "01").status_code == 404  # not accepted yet
    work(client, token, code, "reception")
    resp = form(client, token, code, "01")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = text_of(resp.data)
    for expected in (code, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Văn An", "Thời gian hẹn trả kết quả",
                     "09:00 05/03/2026", "Lệ phí đăng ký hộ kinh doanh: 100.000 đồng", "mang theo bản chính",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lê Thị Cúc", f"/track?code={code}"):
        assert expected in text, expected
    reader = pypdf.PdfReader(io.BytesIO(resp.data))
    images = [img for page in reader.pages for img in page.images]
    assert images, "form 01 carries the QR code as an image"
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # an embedded TrueType font, so Vietnamese prints everywhere


def test_supplement_02_says_what_is_missing_and_how(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    assert form(client, token, code, "02").status_code == 404
    work(client, token, code, "reception", {"reception_decision": "supplement",
                                            "reception_note": "Ảnh căn cước công dân bị mờ"})
    text = text_of(form(client, token, code, "02").data)
    assert code in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Ảnh căn cước công dân bị mờ" in text and "Cách bổ sung" in text


def test_refusal_03_gives_the_reasons(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception", {"reception_decision": "refuse",
                                            "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    text = text_of(form(client, token, code, "03", "reception").data)
    assert code in text and "Lý do từ chối" in text and "danh mục cấm kinh doanh" in text
    assert form(client, token, code, "01").status_code == 404  # never accepted


def test_process_control_sheet_06_lists_each_step_who_and_when(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    for user in ("reception", "specialist", "leader", "reception"):
        work(client, token, code, user)
    text = text_of(form(client, token, code, "06", "leader").data)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text
    for step in ("Kiểm tra, tiếp nhận hồ sơ", "Thẩm định, đề xuất", "Phê duyệt kết quả", "Trả kết quả"):
        assert step in text, step
    assert "Phạm Văn Dũng" in text and "Hoàng Văn Em" in text
    assert "Trước hạn" in text or "Đúng hạn" in text


def test_forms_are_404_for_other_agencies_unknown_numbers_and_strangers(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception")
    assert form(client, token, code, "01", "reception2").status_code == 404
    assert form(client, token, code, "01", "citizen2").status_code == 404
    assert form(client, token, code, "05").status_code == 404
    assert form(client, token, code, "04").status_code == 404  # no apology was needed
    assert client.get(f"/api/v1/dossiers/{code}/forms/01.pdf").status_code == 401


def test_register_07_lists_the_agency_dossiers_of_the_period(client: Any, token: Any) -> None:
    first, second = submit(client, token)["code"], submit(client, token)["code"]
    work(client, token, first, "reception")
    resp = client.get("/api/v1/register.pdf?from=2026-03-01&to=2026-03-31", headers=token("reception"))
    assert resp.status_code == 200
    text = text_of(resp.data)
    assert "SỔ THEO DÕI HỒ SƠ" in text and first in text and second in text and "Số hồ sơ tiếp nhận: 2" in text
    other = text_of(client.get("/api/v1/register.pdf?from=2026-03-01&to=2026-03-31", headers=token("reception2")).data)
    assert first not in other
    assert client.get("/api/v1/register.pdf?from=2026-03-01&to=2026-03-31",
                      headers=token("citizen")).status_code == 403
    assert client.get("/api/v1/register.pdf?from=2026-03-31&to=2026-03-01",
                      headers=token("reception")).status_code == 422
