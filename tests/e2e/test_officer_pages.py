"""The officers' pages over HTTP (Flask test client, session login): the task list and its queues,
claiming, the task page, completing with the checklist, refusals shown as pages, documents, notes,
fees, and the register."""
from __future__ import annotations

import io
import json
import re
from html import unescape
from typing import Any

import pypdf
import pytest

from adapters.bootstrap import Services
from processes.desk.task_page import task_page
from processes.dossier.dossiers import get_dossier
from tests.e2e.test_api_walkthrough import work
from tests.helpers import PDF, PNG, affirmative, session_of
from tests.integration.test_lifecycle import submit
from tests.integration.test_procedures import CATALOGUES, OFFICERS, catalogue
from tests.integration.test_procedures import submit as submit_procedure
from tests.workbench_support import COORD, COORD_FORM, deploy_coordination, submit_coordination


def login(client: Any, username: str) -> Any:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, username)
        s["csrf"] = "t"
    return client


def task_id(client: Any, code: str) -> str:
    page = client.get("/officer/tasks?code=" + code).get_data(as_text=True)
    found = re.findall(r'href="/officer/tasks/([0-9a-f-]{36})"', page)
    assert len(found) == 1, page
    return found[0]


def post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data={"csrf_token": "t", **data})


def test_the_task_list_needs_a_login_and_is_for_officers(client: Any) -> None:
    resp = client.get("/officer/tasks")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert login(client, "citizen").get("/officer/tasks").status_code == 403


def test_task_list_in_vietnamese_with_queues_then_english(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    page = client.get("/officer/tasks").get_data(as_text=True)
    assert "Danh sách công việc" in page and code in page and "Của nhóm" in page and "Nhận xử lý" in page
    assert "Kiểm tra, tiếp nhận hồ sơ" in page
    english = client.get("/officer/tasks?lang=en").get_data(as_text=True)
    assert "Task list" in english and "Claim" in english
    assert code not in login(client, "reception2").get("/officer/tasks").get_data(as_text=True)


def test_claim_then_mine_then_release(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    tid = task_id(client, code)
    assert post(client, f"/officer/tasks/{tid}/claim", {"back": "/officer/tasks"}).status_code == 303
    mine = client.get("/officer/tasks?queue=mine").get_data(as_text=True)
    assert code in mine and "Trả về nhóm" in mine
    assert post(client, f"/officer/tasks/{tid}/release", {}).status_code == 303
    assert code not in client.get("/officer/tasks?queue=mine").get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    tid = task_id(client, code)
    assert client.post(f"/officer/tasks/{tid}/claim").status_code == 400


def test_task_page_shows_form_checklist_documents_and_completes(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    tid = task_id(client, code)
    page = client.get(f"/officer/tasks/{tid}").get_data(as_text=True)
    for text in ("Quyết định tiếp nhận", "Tiếp nhận hồ sơ", "Giấy đề nghị đăng ký hộ kinh doanh",
                 "Hộ kinh doanh Phở An", "Hạn trả kết quả của hồ sơ", f"/dossiers/{code}/diagram.svg"):
        assert text in page, text
    doc = re.search(rf'href="(/dossiers/{re.escape(code)}/documents/\d+)"', page)
    assert doc is not None
    resp = client.get(doc.group(1))
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    refused = post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", "data.reception_decision": "accept"})
    assert refused.status_code == 422
    assert "chưa được đánh dấu là đã kiểm tra, hợp lệ" in unescape(refused.get_data(as_text=True))
    bad = post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", "data.reception_decision": "everything"})
    options = "Hãy chọn một trong: Tiếp nhận hồ sơ, Yêu cầu bổ sung, Từ chối tiếp nhận."
    assert bad.status_code == 422 and options in unescape(
        bad.get_data(as_text=True))
    done = post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", "checklist.giay_de_nghi": "1",
                                                  "checklist.giay_to_phap_ly": "1",
                                                  "data.reception_decision": "accept"})
    assert done.status_code == 303
    again = post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", "data.reception_decision": "accept"})
    assert again.status_code == 409  # already done: said so, nothing changed
    assert code in login(client, "specialist").get("/officer/tasks").get_data(as_text=True)


def test_another_agency_and_forged_ids_get_clear_pages(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    tid = task_id(client, code)
    login(client, "reception2")
    forbidden = client.get(f"/officer/tasks/{tid}")
    assert forbidden.status_code == 403 and "không thuộc" in forbidden.get_data(as_text=True)
    assert client.get("/officer/tasks/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get(f"/dossiers/{code}/documents/1").status_code == 404
    assert client.get(f"/dossiers/{code}/forms/05.pdf").status_code == 404


def test_notes_fees_and_a_damaged_document(client: Any, services: Services) -> None:
    code = submit(services)
    login(client, "reception")
    tid = task_id(client, code)
    assert post(client, f"/officer/dossiers/{code}/notes", {"body": "Gọi điện hẹn người nộp",
                                                           "back": f"/officer/tasks/{tid}"}).status_code == 303
    assert post(client, f"/officer/dossiers/{code}/fees", {"receipt_no": "BL-77"}).status_code == 303
    page = client.get(f"/officer/tasks/{tid}").get_data(as_text=True)
    assert "Gọi điện hẹn người nộp" in page and "biên lai số BL-77" in page
    doc = re.search(rf'/dossiers/{re.escape(code)}/documents/(\d+)', page)
    assert doc is not None
    with services.session_factory() as s:
        from sqlalchemy import text

        sha = s.scalar(text("SELECT sha256 FROM attachments WHERE id = :i"), {"i": int(doc.group(1))})
    services.attachments.path_of(sha).write_bytes(b"%PDF-1.4 changed")
    resp = client.get(doc.group(0))
    assert resp.status_code == 409 and "không khớp mã kiểm tra" in resp.get_data(as_text=True)
    assert b"changed" not in resp.data


def test_the_consulted_agency_officer_sees_the_coordination_with_both_deadlines(
        client: Any, services: Services) -> None:
    deploy_coordination(services)
    code = submit_coordination(services)
    login(client, "reception")
    tid = task_id(client, code)
    post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", "checklist.giay_de_nghi": "1",
                                          "checklist.giay_to_phap_ly": "1", "data.reception_decision": "accept"})
    login(client, "specialist")
    post(client, f"/officer/tasks/{task_id(client, code)}", {"data.specialist_proposal": "approve"})
    login(client, "specialist_ca")
    listing = client.get("/officer/tasks").get_data(as_text=True)
    assert "Phối hợp" in listing and "Hạn của hồ sơ" in listing
    page = client.get(f"/officer/tasks/{task_id(client, code)}").get_data(as_text=True)
    assert "Hạn của bước này" in page and "cơ quan chủ trì" in page and "Ủy ban nhân dân thành phố Kon Tum" in page


@pytest.mark.parametrize("query", ["", "?from=2026-03-01&to=2026-03-31"])
def test_register_form_and_pdf(client: Any, services: Services, query: str) -> None:
    submit(services)
    login(client, "reception")
    if not query:
        listing = client.get("/officer/tasks").get_data(as_text=True)
        assert 'href="/officer/forms/06"' in listing and "In sổ theo dõi hồ sơ (mẫu 06)" in listing
        page = client.get("/officer/forms/06").get_data(as_text=True)
        assert "Sổ theo dõi hồ sơ (mẫu 06)" in page and 'action="/officer/forms/06.pdf"' in page
        missing = client.get("/officer/forms/06.pdf")
        assert missing.status_code == 422
        assert "Hãy chọn kỳ: từ ngày, đến ngày." in missing.get_data(as_text=True)
        english = client.get("/officer/forms/06?lang=en").get_data(as_text=True)
        assert "Register of dossiers (form 06)" in english
    else:
        resp = client.get("/officer/forms/06.pdf" + query)
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
        reader = pypdf.PdfReader(io.BytesIO(resp.data))
        assert reader.metadata is not None and reader.metadata.title == "Mẫu số 06: Sổ theo dõi hồ sơ"
        assert {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
                for p in reader.pages} == {(841.89, 595.28)}  # A4 landscape


@pytest.mark.parametrize(("old", "new"), [
    ("/officer/register", "/officer/forms/06"),
    ("/officer/register?lang=en", "/officer/forms/06?lang=en"),
    ("/officer/register.pdf?from=2026-03-01&to=2026-03-31",
     "/officer/forms/06.pdf?from=2026-03-01&to=2026-03-31"),
    ("/dossiers/{code}/forms/07.pdf?from=2026-03-01&to=2026-03-31",
     "/officer/forms/06.pdf?from=2026-03-01&to=2026-03-31"),
    ("/dossiers/{code}/forms/06.pdf", "/dossiers/{code}/forms/05.pdf"),
])
def test_the_pages_of_the_former_numbers_move_for_good(client: Any, services: Services, old: str,
                                                       new: str) -> None:
    code = submit(services)
    login(client, "reception")
    moved = client.get(old.format(code=code))
    assert moved.status_code == 308 and moved.headers["Location"] == new.format(code=code)
    followed = client.get(old.format(code=code), follow_redirects=True)
    assert followed.status_code == 200
    if followed.mimetype == "application/pdf":
        title = pypdf.PdfReader(io.BytesIO(followed.data)).metadata.title
        assert title.startswith("Mẫu số 05:" if "05" in new else "Mẫu số 06:")


def test_done_when_through_the_api_supplement_acceptance_coordination_approval_delivery_and_a_refusal(
        client: Any, token: Any, services: Services) -> None:
    deploy_coordination(services)
    files = {"documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf"),
             "documents.giay_to_phap_ly": (io.BytesIO(PNG), "cccd.png")}
    created = client.post("/api/v1/dossiers", headers=token("citizen"), content_type="multipart/form-data",
                          data={"payload": json.dumps({"procedure": COORD, "form": COORD_FORM,
                                                                  "declaration": True}), **files})
    assert created.status_code == 201, created.json
    code = created.json["code"]
    work(client, token, code, "reception", {"reception_decision": "supplement", "reception_note": "Ảnh mờ"})
    answered = client.post(f"/api/v1/dossiers/{code}/supplement", headers=token("citizen"),
                           content_type="multipart/form-data",
                           data={"payload": "{}", "documents.giay_to_phap_ly": (io.BytesIO(PDF), "cccd.pdf")})
    assert answered.status_code == 200, answered.json
    assert work(client, token, code, "reception") == ["Task_reception_check"]
    assert work(client, token, code, "specialist") == ["Task_specialist_review"]
    assert work(client, token, code, "specialist") == []  # the consultation is not the lead agency's
    assert work(client, token, code, "specialist_ca") == ["Task_consult_police"]
    assert work(client, token, code, "leader") == ["Task_leader_approve"]
    assert work(client, token, code, "reception") == ["Task_reception_deliver"]
    done = client.get(f"/api/v1/dossiers/{code}", headers=token("citizen")).json
    assert done["status_code"] == 10 and [n["form"] for n in done["notices"]][:2] == ["02", "01"]

    refused = submit(services)
    work(client, token, refused, "reception", {"reception_decision": "refuse", "reception_note": "Không đủ điều kiện"})
    assert client.get(f"/api/v1/dossiers/{refused}/forms/03.pdf", headers=token("citizen")).status_code == 200
    for other in (code, refused):
        assert client.get(f"/api/v1/dossiers/{other}", headers=token("reception2")).status_code == 404
        sheet = client.get(f"/api/v1/dossiers/{other}/forms/05.pdf", headers=token("reception2"))
        assert sheet.status_code == 404


@pytest.mark.parametrize("path", CATALOGUES, ids=[p.stem for p in CATALOGUES])
def test_every_shipped_procedure_runs_to_delivery_through_the_task_pages(
        client: Any, services: Services, path: Any) -> None:
    """Each officer opens every task of the dossier in their queue and completes it on its page,
    agreeing, ticking every submitted document, recording the hand-over at the desk."""
    if services.db.dialect.name != "sqlite":
        pytest.skip("page rendering does not depend on the database; the use cases run on both in test_workbench")
    code = submit_procedure(services, catalogue(path))
    for _ in range(12):
        progressed = False
        for username in OFFICERS:
            login(client, username)
            listing = client.get("/officer/tasks?code=" + code)
            if listing.status_code == 403:
                continue
            for tid in re.findall(r'href="/officer/tasks/([0-9a-f-]{36})"', listing.get_data(as_text=True)):
                page = client.get(f"/officer/tasks/{tid}")
                assert page.status_code == 200, (username, tid)
                view = task_page(services, username, tid)
                data = {f"data.{k}": ("true" if v is True else v) for k, v in affirmative(view["form"]).items()}
                checks = {f"checklist.{c['key']}": "1" for c in view["checklist"] if c["uploaded"]}
                desk = {"delivery.recipient_name": "Nguyễn Văn An", "delivery.identity_document": "062095001234",
                        "delivery.identity_checked": "1", "delivery.originals_compared": "1",
                        "delivery.applicant_signed": "1",
                        # the fees are not recorded as paid on this walk: the desk waives them, saying why
                        "delivery.fee_waiver_reason": "Miễn lệ phí theo nghị quyết của HĐND tỉnh"}
                resp = post(client, f"/officer/tasks/{tid}", {"checklist_shown": "1", **checks, **data, **desk})
                assert resp.status_code == 303, (username, view["task"]["name"], resp.get_data(as_text=True)[-3000:])
                progressed = True
        if not progressed:
            break
    assert get_dossier(services, "citizen", code)["status_code"] == 10
