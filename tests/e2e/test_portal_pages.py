"""The citizens' portal through HTTP (Flask's test client): catalogue, accounts, submission,
tracking, feedback, and every bad input of issue 6 refused or made harmless."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from adapters.bootstrap import Services
from models import Attachment, Dossier, Feedback, User
from processes.outbox import dispatch_outbox
from tests.helpers import HKD, HKD_FORM, PDF, PNG
from tests.portal_kit import mailed_link, path_of, work

# The pages are tested on SQLite only: what they call is tested on both databases in
# tests/integration/test_portal_usecases.py and test_accounts.py.
pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
NONCE = re.compile(r'name="nonce" value="([^"]+)"')


def csrf(client: Any, path: str = "/login") -> str:
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def log_in(client: Any, username: str = "citizen", password: str = "demo") -> Any:
    return client.post("/login", data={"csrf_token": csrf(client), "username": username, "password": password})


def submit_form(client: Any, **overrides: Any) -> dict[str, Any]:
    """The multipart body the submission page posts, with a fresh nonce from the page."""
    page = client.get(f"/procedures/{HKD}/submit").get_data(as_text=True)
    data: dict[str, Any] = {"csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
                            "nonce": NONCE.search(page).group(1),  # type: ignore[union-attr]
                            "channel": "online", "declaration": "yes",
                            "documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
                            "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")}
    data.update({f"form.{k}": str(v) for k, v in HKD_FORM.items()})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_submission(client: Any, data: dict[str, Any]) -> Any:
    return client.post(f"/procedures/{HKD}/submit", data=data, content_type="multipart/form-data")


def submit(client: Any, **overrides: Any) -> str:
    resp = post_submission(client, submit_form(client, **overrides))
    assert resp.status_code == 303, resp.get_data(as_text=True)
    return resp.headers["Location"].split("/my/dossiers/")[1].split("/")[0]


def count(services: Services, model: Any) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


# -- catalogue ----------------------------------------------------------------------------------
def test_catalogue_groups_by_sector_and_field_and_finds_without_diacritics(client: Any) -> None:
    home = client.get("/").get_data(as_text=True)
    assert 'Ngành: <span lang="vi">Kế hoạch và Đầu tư</span>' in home
    assert 'Lĩnh vực: <span lang="vi">Thành lập và hoạt động của hộ kinh doanh</span>' in home
    found = client.get("/?q=dang+ky+kinh+doanh").get_data(as_text=True)
    assert "Đăng ký thành lập hộ kinh doanh" in found
    assert "Đăng ký thành lập hộ kinh doanh" in client.get("/?q=ĐĂNG KÝ hộ").get_data(as_text=True)
    assert "Không có thủ tục nào khớp" in client.get("/?q=khong+co+thu+tuc+nay").get_data(as_text=True)


def test_catalogue_filters_by_level_and_agency(client: Any) -> None:
    assert f"/procedures/{HKD}" in client.get("/?level=4").get_data(as_text=True)
    assert f"/procedures/{HKD}" not in client.get("/?level=2").get_data(as_text=True)
    assert f"/procedures/{HKD}" in client.get("/?agency=000.00.22.H34").get_data(as_text=True)
    assert f"/procedures/{HKD}" not in client.get("/?agency=000.25.22.H34").get_data(as_text=True)


def test_service_page_shows_every_component(client: Any, services: Services) -> None:
    page = client.get(f"/procedures/{HKD}").get_data(as_text=True)
    for part in ("Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Thời hạn giải quyết",
                 "Đối tượng thực hiện", "Cơ quan thực hiện", "Kết quả thực hiện", "Phí, lệ phí",
                 "Mức thu theo Nghị quyết của Hội đồng nhân dân tỉnh",
                 "Yêu cầu, điều kiện thực hiện", "Căn cứ pháp lý", "Nghị định số 01/2021/NĐ-CP",
                 "Trách nhiệm của các bên", "Hướng dẫn sử dụng dịch vụ", "3 ngày làm việc",
                 "Hồ sơ đã tiếp nhận"):
        assert part in page, part
    assert f"/procedures/{HKD}/forms/giay_de_nghi" in page


def test_service_statistics_count_received_and_processed(client: Any, services: Services) -> None:
    log_in(client)
    code = submit(client)
    for user in ("reception", "specialist", "leader"):
        work(services, code, user)
    page = client.get(f"/procedures/{HKD}").get_data(as_text=True)
    received = re.search(r"Hồ sơ đã tiếp nhận</dt><dd>(\d+)", page)
    processed = re.search(r"Hồ sơ đã giải quyết</dt><dd>(\d+)", page)
    assert received and processed and int(received.group(1)) >= 1 and int(processed.group(1)) >= 1


def test_a_form_template_downloads_without_an_account(client: Any) -> None:
    import zipfile

    resp = client.get(f"/procedures/{HKD}/forms/giay_de_nghi")  # a fillable Word file (no agency file)
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = zipfile.ZipFile(io.BytesIO(resp.data)).read("word/document.xml").decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document and "Họ và tên chủ hộ kinh doanh" in document
    assert "<w:tbl>" in document  # one row per field, a cell to fill
    printable = client.get(f"/procedures/{HKD}/forms/giay_de_nghi?print=1")  # the printable fallback
    body = printable.get_data(as_text=True)
    assert printable.mimetype == "text/html" and "Họ và tên chủ hộ kinh doanh" in body
    assert client.get(f"/procedures/{HKD}/forms/giay_to_phap_ly").status_code == 404  # a copy, no form
    assert client.get("/procedures/0.000000").status_code == 404


def test_english_is_switchable(client: Any) -> None:
    page = client.get(f"/procedures/{HKD}?lang=en").get_data(as_text=True)
    assert "Household business registration" in page and "Legal basis" in page
    assert '<html lang="en">' in client.get("/track").get_data(as_text=True)  # remembered in the session


# -- accounts -----------------------------------------------------------------------------------
def register(client: Any, username: str = "nguyenthimai", email: str = "mai@example.vn", **extra: str) -> Any:
    data = {"csrf_token": csrf(client, "/register"), "username": username, "full_name": "Nguyễn Thị Mai",
            "email": email, "phone": "0905123456", "password": "mật-khẩu-đủ-dài", "password_repeat": "mật-khẩu-đủ-dài"}
    data.update(extra)
    return client.post("/register", data=data)


def test_register_confirm_then_submit(client: Any, services: Services, mailer: Any) -> None:
    resp = register(client)
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert "Chúng tôi đã gửi thư tới mai@example.vn" in client.get("/login").get_data(as_text=True)
    assert log_in(client, "nguyenthimai", "mật-khẩu-đủ-dài").status_code == 303
    assert "chưa được xác nhận" in client.get("/account").get_data(as_text=True)
    refused = post_submission(client, submit_form(client))
    assert refused.status_code == 403 and "xác nhận thư điện tử" in refused.get_data(as_text=True)
    assert count(services, Dossier) == 0
    link = mailed_link(services, mailer, "mai@example.vn", "/confirm/")
    assert client.get(path_of(link)).status_code == 303
    assert "đã được xác nhận" in client.get("/account").get_data(as_text=True)
    code = submit(client)
    receipt = client.get(f"/my/dossiers/{code}/receipt").get_data(as_text=True)
    assert code in receipt and "Đã nộp hồ sơ" in receipt


def test_registration_refusals_name_the_field(client: Any) -> None:
    resp = register(client, username="ab", email="not-an-address", password="short", password_repeat="other")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "ít nhất 10 ký tự" in page and "Địa chỉ thư điện tử chưa đúng" in page and "không khớp" in page



def test_registration_answers_alike_whether_the_name_or_address_is_new_or_taken(app: Any, mailer: Any,
                                                                                services: Services) -> None:
    def answer(username: str, email: str) -> tuple[int, str | None, str]:
        client = app.test_client()
        resp = register(client, username=username, email=email)
        page = TOKEN.sub("", client.get("/login").get_data(as_text=True))  # the flashed sentence
        return resp.status_code, resp.headers.get("Location"), resp.get_data(as_text=True) + page.replace(email, "@")

    new = answer("nguyenthimai", "mai@example.vn")
    assert new[:2] == (303, "/login")
    assert answer("citizen", "khac@example.vn") == new  # a taken name
    assert answer("nguoikhac", "citizen@example.vn") == new  # a taken address
    with services.session_factory() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.username.in_(["nguoikhac"]))) == 0
    dispatch_outbox(services)
    assert {to for to, *_ in mailer.sent} >= {"mai@example.vn", "khac@example.vn", "citizen@example.vn"}


def test_login_is_rate_limited_per_username_and_address(client: Any) -> None:
    for _ in range(5):
        assert log_in(client, "citizen", "wrong-password").status_code == 401
    blocked = log_in(client, "citizen", "demo")
    assert blocked.status_code == 429 and "15 phút" in blocked.get_data(as_text=True)
    assert log_in(client, "citizen2", "demo").status_code == 303  # another account is not locked


def test_logout_needs_post_with_csrf(client: Any) -> None:
    log_in(client)
    assert client.post("/logout").status_code == 400  # no token
    assert client.get("/my/dossiers").status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf(client, "/account")}).status_code == 303
    assert client.get("/my/dossiers").headers["Location"].startswith("/login")


def test_password_reset_by_mailed_link(client: Any, services: Services, mailer: Any) -> None:
    client.post("/password/forgot", data={"csrf_token": csrf(client, "/password/forgot"),
                                          "email": "citizen@example.vn"})
    link = path_of(mailed_link(services, mailer, "citizen@example.vn", "/password/reset/"))
    data = {"csrf_token": csrf(client, link), "password": "mat-khau-moi-123", "password_repeat": "mat-khau-moi-123"}
    assert client.post(link, data=data).status_code == 303
    assert log_in(client, "citizen", "mat-khau-moi-123").status_code == 303
    again = client.post(link, data={**data, "csrf_token": csrf(client, link)})
    assert again.status_code == 422 and "đã được dùng" in again.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer(client: Any, services: Services, mailer: Any) -> None:
    resp = client.post("/password/forgot", data={"csrf_token": csrf(client, "/password/forgot"),
                                                 "email": "nobody@example.vn"})
    assert resp.status_code == 303
    assert not [m for m in mailer.sent if m[0] == "nobody@example.vn"]


def test_login_redirect_stays_on_this_site(client: Any) -> None:
    resp = client.post("/login", data={"csrf_token": csrf(client), "username": "citizen", "password": "demo",
                                       "next": "//evil.example/steal"})
    assert resp.headers["Location"] == "/my/dossiers"


# -- submission and its bad inputs ------------------------------------------------------------
def test_a_double_click_makes_one_dossier(client: Any, services: Services) -> None:
    log_in(client)
    data = submit_form(client)
    first = post_submission(client, data)
    second = post_submission(client, {**data, "documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
                                      "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(services, Dossier) == 1
    assert "lần nộp đầu tiên" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_file_that_claims_to_be_pdf_but_is_not_is_refused_and_nothing_is_stored(client: Any,
                                                                                   services: Services) -> None:
    log_in(client)
    resp = post_submission(client, submit_form(
        client, **{"documents.giay_de_nghi": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "de-nghi.pdf")}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "chỉ nhận tệp PDF, JPEG hoặc PNG" in page
    assert 'href="#f-documents-giay-de-nghi"' in page  # the summary links to the field
    assert count(services, Dossier) == count(services, Attachment) == 0


def test_a_100_mb_upload_gets_a_413_page_that_names_the_limit(client: Any, services: Services) -> None:
    log_in(client)
    data = submit_form(client, **{"documents.giay_de_nghi": (io.BytesIO(b"%PDF-" + b"0" * (100 * 1024 * 1024)),
                                                             "big.pdf")})
    # Encoded in memory: the test client would otherwise spool 100 MB to a temporary file it never closes.
    fields = MultiDict([(k, FileStorage(v[0], v[1]) if isinstance(v, tuple) else v) for k, v in data.items()])
    boundary, body = encode_multipart(fields)
    assert len(body) > 100 * 1024 * 1024
    resp = client.post(f"/procedures/{HKD}/submit", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413
    assert "tối đa 10 MB" in resp.get_data(as_text=True)
    assert count(services, Dossier) == 0


def test_a_path_in_a_file_name_is_cut_to_its_last_part(client: Any, services: Services) -> None:
    log_in(client)
    submit(client, **{"documents.giay_de_nghi": (io.BytesIO(PDF), "../../etc/passwd.pdf")})
    with services.session_factory() as s:
        names = set(s.scalars(sa.select(Attachment.filename)))
    assert "passwd.pdf" in names and not any("/" in n or ".." in n for n in names)


def test_html_in_text_fields_is_shown_as_text(client: Any, services: Services) -> None:
    log_in(client)
    script = "<script>alert('x')</script>"
    code = submit(client, **{"form.ten_ho_kinh_doanh": f"Phở {script}"})
    work(services, code, "reception", {"reception_decision": "supplement", "reception_note": script})
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert script not in page and "&lt;script&gt;" in page
    client.post("/feedback", data={"csrf_token": csrf(client, "/feedback"), "comment": script})
    assert count(services, Feedback) == 1


def test_missing_declaration_and_required_field_are_named(client: Any, services: Services) -> None:
    log_in(client)
    resp = post_submission(client, submit_form(client, declaration=None, **{"form.ho_ten_chu_ho": ""}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Hãy đánh dấu lời cam đoan" in page and "Thông tin này là bắt buộc." in page
    assert count(services, Dossier) == 0


def test_a_form_posted_without_its_csrf_token_is_refused(client: Any, services: Services) -> None:
    log_in(client)
    resp = post_submission(client, submit_form(client, csrf_token=None))
    assert resp.status_code == 400 and "mã bảo vệ" in resp.get_data(as_text=True)
    assert count(services, Dossier) == 0


def test_another_persons_dossier_is_not_found(client: Any) -> None:
    log_in(client)
    code = submit(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/account")})
    log_in(client, "citizen2")
    for path in (f"/my/dossiers/{code}", f"/my/dossiers/{code}/receipt", f"/my/dossiers/{code}/files/1"):
        assert client.get(path).status_code == 404, path
    resp = client.post(f"/my/dossiers/{code}/withdraw", data={"csrf_token": csrf(client, "/account"),
                                                              "confirm": "yes"})
    assert resp.status_code == 404


def test_level_2_services_need_no_account_to_download(client: Any) -> None:
    assert client.get(f"/procedures/{HKD}/submit").headers["Location"].startswith("/login")
    assert client.get(f"/procedures/{HKD}/forms/giay_de_nghi").status_code == 200


# -- tracking -----------------------------------------------------------------------------------
def test_my_dossiers_follow_a_supplement_request_to_the_result_and_a_rating(client: Any,
                                                                           services: Services) -> None:
    log_in(client)
    code = submit(client)
    assert code in client.get("/my/dossiers").get_data(as_text=True)
    work(services, code, "reception", {"reception_decision": "supplement",
                                       "reception_note": "Bản chụp CCCD bị mờ"})
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Cơ quan yêu cầu bổ sung hồ sơ" in page and "Bản chụp CCCD bị mờ" in page
    resp = client.post(f"/my/dossiers/{code}/supplement", content_type="multipart/form-data", data={
        "csrf_token": csrf(client, "/account"), "documents.giay_to_phap_ly": (io.BytesIO(PDF), "cccd-ro.pdf")})
    assert resp.status_code == 303
    for user in ("reception", "specialist", "leader", "reception"):
        work(services, code, user)
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Đã trả kết quả" in page and "Ngày hẹn trả kết quả" in page and "Gửi đánh giá" in page
    assert '<span lang="vi">Kiểm tra, tiếp nhận hồ sơ</span> — đã xong' in page
    rated = client.post(f"/my/dossiers/{code}/rate", data={"csrf_token": csrf(client, "/account"),
                                                           "rating": "5", "comment": "Nhanh"})
    assert rated.status_code == 303
    assert "5/5 sao" in client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    again = client.post(f"/my/dossiers/{code}/rate", data={"csrf_token": csrf(client, "/account"), "rating": "1"})
    assert "đã đánh giá" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_withdrawing_closes_the_dossier_and_cancels_the_officers_task(client: Any, services: Services) -> None:
    from processes.desk.tasks import list_tasks

    log_in(client)
    code = submit(client)
    resp = client.post(f"/my/dossiers/{code}/withdraw", data={"csrf_token": csrf(client, "/account"),
                                                              "confirm": "yes", "reason": "Nộp nhầm"})
    assert resp.status_code == 303
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert "Công dân yêu cầu rút hồ sơ" in page and "Rút hồ sơ</h2>" not in page
    assert not [t for t in list_tasks(services, "reception") if t["dossier"] == code]


def test_public_look_up_shows_status_without_personal_data(client: Any) -> None:
    log_in(client)
    code = submit(client)
    anonymous = client.application.test_client()
    token = csrf(anonymous, "/track")
    page = anonymous.post("/track", data={"csrf_token": token, "code": code, "phone": "0912 345 678"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mới đăng ký" in text and code in text
    for personal in ("Nguyễn Văn An", "062095001234", "Phở An", "Lê Lợi", "0912345678"):
        assert personal not in text
    wrong = anonymous.post("/track", data={"csrf_token": token, "code": code, "phone": "0999999999"})
    assert wrong.status_code == 404 and "Mới đăng ký" not in wrong.get_data(as_text=True)


def test_public_look_up_is_rate_limited(client: Any) -> None:
    token = csrf(client, "/track")
    statuses = [client.post("/track", data={"csrf_token": token, "code": f"X-{n}", "phone": "0912345678"}).status_code
                for n in range(11)]
    assert statuses[:10] == [404] * 10 and statuses[10] == 429


def test_general_feedback_is_stored(client: Any, services: Services) -> None:
    resp = client.post("/feedback", data={"csrf_token": csrf(client, "/feedback"), "comment": "Trang dễ dùng",
                                          "rating": "4"})
    assert resp.status_code == 303
    assert "Cảm ơn" in client.get("/feedback").get_data(as_text=True)
    assert client.post("/feedback", data={"csrf_token": csrf(client, "/feedback"), "comment": ""}).status_code == 422


def test_accounts_of_other_roles_cannot_use_citizen_only_pages(client: Any, services: Services) -> None:
    log_in(client)
    data = submit_form(client)  # the citizen's form, posted by an officer
    log_in(client, "reception")
    assert client.get(f"/procedures/{HKD}/submit").status_code == 403
    page = client.get("/account")
    data["csrf_token"] = TOKEN.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    resp = post_submission(client, data)
    assert resp.status_code == 403
    with services.session_factory() as s:
        assert s.scalar(sa.select(User.roles).where(User.username == "reception")) == ["reception"]


def test_every_published_service_has_its_page_forms_and_submission_form(client: Any) -> None:
    log_in(client)
    for p in client.get("/api/v1/procedures").json:
        page = client.get(f"/procedures/{p['code']}")
        assert page.status_code == 200, p["code"]
        for link in re.findall(r'href="(/procedures/[^"]+/forms/[^"]+)"', page.get_data(as_text=True)):
            assert client.get(link).status_code == 200, link
        if p["level"] >= 3:
            form = client.get(f"/procedures/{p['code']}/submit").get_data(as_text=True)
            assert all(f'name="form.{f["id"]}"' in form for f in p["form"]), p["code"]
            assert all(f'name="documents.{d["key"]}"' in form for d in p["documents"]), p["code"]


def test_a_level_2_service_offers_its_forms_and_no_online_submission(client: Any, services: Services,
                                                                   tmp_path: Any) -> None:
    import shutil

    from adapters.config import PROJECT_ROOT
    from processes.definitions.deploy import deploy_paths

    source = PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh"
    shutil.copy(source.with_suffix(".bpmn"), tmp_path / "muc_do_2.bpmn")
    sidecar = source.with_suffix(".toml").read_text(encoding="utf-8")
    sidecar = sidecar.replace('code = "1.001612"', 'code = "9.000002"').replace("level = 4", "level = 2")
    (tmp_path / "muc_do_2.toml").write_text(sidecar, encoding="utf-8")
    assert not [p for o in deploy_paths(services, "admin", [tmp_path / "muc_do_2.bpmn"]) for p in o.problems]
    page = client.get("/procedures/9.000002").get_data(as_text=True)
    assert "Dịch vụ công mức độ 2" in page and "/procedures/9.000002/submit" not in page
    assert "Hồ sơ đã tiếp nhận" not in page  # statistics from level 3 (R5.2)
    assert client.get("/procedures/9.000002/forms/giay_de_nghi").status_code == 200  # no account needed
    log_in(client)
    assert client.get("/procedures/9.000002/submit").headers["Location"] == "/procedures/9.000002"


def test_the_dossier_page_offers_its_diagram_on_request(client: Any) -> None:
    log_in(client)
    code = submit(client)
    page = client.get(f"/my/dossiers/{code}").get_data(as_text=True)
    assert f'href="/dossiers/{code}/diagram.svg"' in page and "<img" not in page  # a plain list of steps instead
    drawing = client.get(f"/dossiers/{code}/diagram.svg")
    assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml"


def test_the_qr_code_of_form_01_opens_the_look_up_with_the_code_filled_in(client: Any) -> None:
    page = client.get("/track?code=000.00.22.H34-260302-0001").get_data(as_text=True)
    assert 'value="000.00.22.H34-260302-0001"' in page
