"""The printable forms through the API (`/api/v1/dossiers/CODE/forms/NN.pdf`, `/api/v1/forms/06.pdf`):
real PDFs that parse, carry the dossier code and Vietnamese text, numbered and sized as Circular
01/2018/TT-VPCP has them (01-05 on A5, the register 06 on A4), exist only where they apply, and only for
those who may see the dossier; the URLs of the former numbering redirect."""
from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pypdf
import pytest

from adapters.bootstrap import Services
from engine.clock import ManualClock
from processes.desk.apology import issue_apology
from processes.timekeeping.timers import fire_due_timers
from tests import helpers
from tests.e2e.test_api_walkthrough import submit, work

READ = {"lang": "vi"}
A5 = (419.53, 595.28)  # points, portrait
A4_LANDSCAPE = (841.89, 595.28)
PERIOD = "from=2026-03-01&to=2026-03-31"


def text_of(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def form(client: Any, token: Any, code: str, number: str, user: str = "citizen") -> Any:
    return client.get(f"/api/v1/dossiers/{code}/forms/{number}.pdf", headers=token(user))


def heading_of(data: bytes) -> tuple[str, list[tuple[float, float]]]:
    """The form's number as its metadata and footer say it, and the size of every page (points)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    sizes = [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages]
    title = str(reader.metadata.title if reader.metadata else "")
    return title, sizes


def test_receipt_01_has_the_appointment_papers_fees_and_a_qr_code_to_the_tracking_page(
        client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    assert form(client, token, code, "01").status_code == 404  # not accepted yet
    work(client, token, code, "reception")
    resp = form(client, token, code, "01")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    title, sizes = heading_of(resp.data)
    assert title == "Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả" and set(sizes) == {A5}
    assert len(sizes) == 1, "the receipt fits on one A5 sheet"
    text = text_of(resp.data)
    for expected in (code, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Nguyễn Văn An",
                     "Thời gian hẹn trả kết quả",
                     "09:00 05/03/2026", "Lệ phí đăng ký hộ kinh doanh: 100.000 đồng", "mang theo bản chính",
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lê Thị Cúc", f"/track?code={code}"):
        assert expected in text, expected
    reader = pypdf.PdfReader(io.BytesIO(resp.data))
    images = [img for page in reader.pages for img in page.images]
    assert images, "form 01 carries the QR code as an image"
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # an embedded TrueType font, so Vietnamese prints everywhere


def test_the_receipt_01_and_the_control_sheet_05_the_agency_signs_what_it_sends(client: Any, token: Any,
                                                                               services: Services) -> None:
    """Issue 14: the notices sent to the applicant (01–04) carry the agency's digital signature; the
    internal control sheet (05) does not."""
    code = submit(client, token)["code"]
    work(client, token, code, "reception")
    receipt = form(client, token, code, "01").data
    verdict = services.signing.verify(receipt, at=services.clock.now())
    assert (verdict.status, verdict.signer, verdict.unit) == ("valid", "Ủy ban nhân dân thành phố Kon Tum",
                                                              "000.00.22.H34")
    assert verdict.signed_at == services.clock.now()
    assert services.signing.verify(form(client, token, code, "05").data, at=services.clock.now()).status == "unsigned"


def test_supplement_02_says_what_is_missing_and_how(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    assert form(client, token, code, "02").status_code == 404
    work(client, token, code, "reception", {"reception_decision": "supplement",
                                            "reception_note": "Ảnh căn cước công dân bị mờ"})
    data = form(client, token, code, "02").data
    assert heading_of(data) == ("Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", [A5])
    text = text_of(data)
    assert code in text and "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Mẫu số 02" in text
    assert "Ảnh căn cước công dân bị mờ" in text and "Cách bổ sung" in text


def test_refusal_03_gives_the_reasons(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception", {"reception_decision": "refuse",
                                            "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    data = form(client, token, code, "03", "reception").data
    assert heading_of(data) == ("Mẫu số 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ", [A5])
    text = text_of(data)
    assert code in text and "Lý do từ chối" in text and "danh mục cấm kinh doanh" in text
    assert form(client, token, code, "01").status_code == 404  # never accepted


def test_process_control_sheet_05_lists_each_step_who_and_when_on_a5(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    for user in ("reception", "specialist", "leader", "reception"):
        work(client, token, code, user)
    data = form(client, token, code, "05", "leader").data
    assert heading_of(data) == ("Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ", [A5])
    text = text_of(data)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and code in text
    assert f"Mẫu số 05 · {code}" in text  # the footer
    for step in ("Kiểm tra, tiếp nhận hồ sơ", "Thẩm định, đề xuất", "Phê duyệt kết quả", "Trả kết quả"):
        assert step in text, step
    assert "Phạm Văn Dũng" in text and "Hoàng Văn Em" in text
    assert "Trước hạn" in text or "Đúng hạn" in text


def test_apology_04_prints_the_notice_as_sent_on_one_a5_sheet(client: Any, token: Any, services: Services,
                                                              clock: ManualClock) -> None:
    code = helpers.submit(services)
    helpers.work(services, code, "reception")
    late = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    fire_due_timers(services, at=late)
    clock.set(late)
    helpers.work(services, code, "specialist")
    issue_apology(services, "leader", code, datetime(2026, 3, 11, 16, 0, tzinfo=late.tzinfo),
                  "Chờ ý kiến thẩm định của các cơ quan liên quan " * 8)
    data = form(client, token, code, "04").data
    assert heading_of(data) == ("Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả", [A5])
    assert "Chờ ý kiến thẩm định" in text_of(data) and "Thủ trưởng cơ quan" in text_of(data)


def test_forms_are_404_for_other_agencies_unknown_numbers_and_strangers(client: Any, token: Any) -> None:
    code = submit(client, token)["code"]
    work(client, token, code, "reception")
    assert form(client, token, code, "01", "reception2").status_code == 404
    assert form(client, token, code, "01", "citizen2").status_code == 404
    assert form(client, token, code, "08").status_code == 404
    refusal = form(client, token, code, "04")
    assert refusal.status_code == 404  # no apology was needed
    assert refusal.json["error"]["code"] == "form.not_applicable"
    assert refusal.json["error"]["field"] == "form_no"
    assert client.get(f"/api/v1/dossiers/{code}/forms/01.pdf").status_code == 401


def test_register_06_lists_the_agency_dossiers_of_the_period_on_a4(client: Any, token: Any) -> None:
    first, second = submit(client, token)["code"], submit(client, token)["code"]
    work(client, token, first, "reception")
    resp = client.get(f"/api/v1/forms/06.pdf?{PERIOD}", headers=token("reception"))
    assert resp.status_code == 200
    assert heading_of(resp.data) == ("Mẫu số 06: Sổ theo dõi hồ sơ", [A4_LANDSCAPE])
    text = text_of(resp.data)
    assert "SỔ THEO DÕI HỒ SƠ" in text and first in text and second in text
    assert "Số hồ sơ tiếp nhận: 2" in text and "Mẫu số 06" in text
    other = text_of(client.get(f"/api/v1/forms/06.pdf?{PERIOD}", headers=token("reception2")).data)
    assert first not in other
    stranger = client.get(f"/api/v1/forms/06.pdf?{PERIOD}", headers=token("citizen"))
    assert stranger.status_code == 403 and stranger.json["error"]["code"] == "register.officers_only"
    reversed_ = client.get("/api/v1/forms/06.pdf?from=2026-03-31&to=2026-03-01", headers=token("reception"))
    assert reversed_.status_code == 422 and reversed_.json["error"]["code"] == "register.period_reversed"
    too_long = client.get("/api/v1/forms/06.pdf?from=2025-01-01&to=2026-03-01", headers=token("reception"))
    assert too_long.status_code == 422 and too_long.json["error"]["code"] == "register.period_too_long"
    missing = client.get("/api/v1/forms/06.pdf?from=2026-03-01", headers=token("reception"))
    assert missing.status_code == 422 and missing.json["error"]["field"] == "to"
    assert missing.json["error"]["code"] == "register.date_required"


@pytest.mark.parametrize(("old", "new"), [
    ("/api/v1/dossiers/{code}/forms/06.pdf", "/api/v1/dossiers/{code}/forms/05.pdf"),
    ("/api/v1/dossiers/{code}/forms/07.pdf?" + PERIOD, "/api/v1/forms/06.pdf?" + PERIOD),
    ("/api/v1/register.pdf?" + PERIOD, "/api/v1/forms/06.pdf?" + PERIOD),
])
def test_the_former_numbers_move_for_good_to_the_new_ones(client: Any, token: Any, old: str,
                                                          new: str) -> None:
    code = submit(client, token)["code"]
    moved = client.get(old.format(code=code), headers=token("reception"))
    assert moved.status_code == 308 and moved.headers["Location"] == new.format(code=code)
    followed = client.get(old.format(code=code), headers=token("reception"), follow_redirects=True)
    assert followed.status_code == 200 and followed.mimetype == "application/pdf"
    assert heading_of(followed.data)[0].startswith("Mẫu số 05:" if "05" in new else "Mẫu số 06:")


def test_a_citizens_1000_character_name_breaks_neither_the_register_nor_the_control_sheet(
        client: Any, token: Any) -> None:
    name = ("Nguyễn Thị Ánh Tuyết " * 60)[:1000]
    code = submit(client, token, form=helpers.HKD_FORM | {"ho_ten_chu_ho": name})["code"]
    work(client, token, code, "reception")
    register = client.get(f"/api/v1/forms/06.pdf?{PERIOD}", headers=token("reception"))
    assert register.status_code == 200 and register.mimetype == "application/pdf"
    assert code in text_of(register.data) and "…" in text_of(register.data)
    sheet = form(client, token, code, "05", "reception")
    assert sheet.status_code == 200
    assert "Nguyễn Thị Ánh Tuyết" in text_of(sheet.data) and heading_of(sheet.data)[1][0] == A5
    for number in ("01", "05"):
        assert form(client, token, code, number).status_code == 200
