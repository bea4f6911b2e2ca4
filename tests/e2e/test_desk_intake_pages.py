"""Issue 12 over HTTP: counter intake through the page and the API, the officers' dossier search
(diacritics ignored, finished dossiers included, never another agency's: a matrix through the page
and the API), the dossier's own page, and an applicant linking a counter dossier to the account."""
from __future__ import annotations

import io
import re
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import AuditEvent, Dossier
from processes.desk.counter import register_at_desk
from processes.submission.submission import Applicant, DeskIntake, Submission, Upload
from tests.e2e.test_officer_pages import login, post
from tests.helpers import HKD, HKD_FORM, PDF, work
from tests.integration.test_lifecycle import submit

FORM = {k: v for k, v in HKD_FORM.items() if k not in ("ho_ten_chu_ho", "so_dinh_danh", "so_dien_thoai")}


def walk_in(services: Services, name: str = "Phạm Thị Mai", id_number: str = "062095009876",
            phone: str = "0905123456") -> str:
    done = register_at_desk(services, "reception", Submission(procedure=HKD, form=FORM, uploads=[
        Upload("giay_de_nghi", "de-nghi.pdf", PDF)]), DeskIntake("counter", Applicant(id_number, name, phone),
                                                                 ["giay_to_phap_ly"]),
        accept=True, checklist={"giay_de_nghi": True, "giay_to_phap_ly": True})
    assert done["accepted"], done["refusal"]
    return str(done["code"])


def test_reception_registers_a_walk_in_dossier_on_the_page_and_prints_form_01(client: Any, services: Services) -> None:
    login(client, "reception")
    page = client.get(f"/officer/intake?procedure={HKD}").get_data(as_text=True)
    assert "Người nộp hồ sơ" in page and "Đã xem bản giấy" in page
    # the notice the desk reads out to a walk-in (Decree 13/2023), in the reader's language
    assert "Thông báo cho người nộp về dữ liệu cá nhân" in page and "Nghị định 13/2023/NĐ-CP, Điều 17" in page
    english = client.get(f"/officer/intake?procedure={HKD}&lang=en").get_data(as_text=True)
    assert "Notice to the applicant about personal data" in english and "Decree 13/2023/ND-CP, Article 17" in english
    client.get(f"/officer/intake?procedure={HKD}&lang=vi")  # the choice of language sticks: back to Vietnamese
    bad = client.post("/officer/intake", data={"csrf_token": "t", "procedure": HKD, "received_via": "counter",
                                               "applicant.id_number": "12", "applicant.name": "",
                                               "applicant.phone": "0905123456"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    # the summary names the field and the document it is about
    assert "Số định danh cá nhân:" in text and "Họ tên người nộp:" in text
    assert re.search(r'href="#f-documents-giay-to-phap-ly">Bản sao giấy tờ pháp lý[^<]*:', text), text
    data = {"csrf_token": "t", "procedure": HKD, "received_via": "counter", "applicant.id_number": "062095009876",
            "applicant.name": "Phạm Thị Mai", "applicant.phone": "0905 123 456", "channel": "counter",
            "paper.giay_to_phap_ly": "1", "checklist.giay_de_nghi": "1", "checklist.giay_to_phap_ly": "1",
            "accept": "1", **{f"form.{k}": str(v) for k, v in FORM.items()},
            "documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi.pdf")}
    done = client.post("/officer/intake", data=data, content_type="multipart/form-data")
    assert done.status_code == 303, done.get_data(as_text=True)
    code = done.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/officer/dossiers/{code}").get_data(as_text=True)
    assert "Đã tiếp nhận hồ sơ" in page and "Phạm Thị Mai" in page and "062095009876" in page
    assert f"/dossiers/{code}/forms/01.pdf" in page and "bản giấy đã kiểm tra tại quầy" in page
    pdf = client.get(f"/dossiers/{code}/forms/01.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # the applicant finds it at /track with the code and the phone
    client.get("/logout")
    with client.session_transaction() as s:
        s.clear()
        s["csrf"] = "t"
    tracked = post(client, "/track", {"code": code, "phone": "0905123456"})
    assert tracked.status_code == 200 and "Đang xử lý" in tracked.get_data(as_text=True)
    # and links it to an account
    login(client, "citizen2")
    linked = post(client, "/my/dossiers/link", {"code": code, "phone": "0905123456"})
    assert linked.status_code == 303 and linked.headers["Location"] == f"/my/dossiers/{code}"
    assert code in client.get("/my/dossiers").get_data(as_text=True)
    mine = client.get(f"/my/dossiers/{code}")  # followed as any of the applicant's own dossiers
    assert mine.status_code == 200 and "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in mine.get_data(as_text=True)


def test_the_api_registers_a_postal_dossier_for_reception_only(client: Any, services: Services, token: Any) -> None:
    body = {"procedure": HKD, "form": FORM, "received_via": "post", "arrived_at": "2026-02-26",
            "sender": "Phạm Thị Mai, Đắk Hà", "papers_seen": ["giay_de_nghi", "giay_to_phap_ly"],
            "applicant": {"id_number": "062095009876", "name": "Phạm Thị Mai", "phone": "0905123456"},
            "accept": True, "checklist": {"giay_de_nghi": True, "giay_to_phap_ly": True}}
    assert client.post("/api/v1/dossiers", json=body, headers=token("citizen")).status_code == 403
    created = client.post("/api/v1/dossiers", json=body, headers=token("reception"))
    assert created.status_code == 201, created.json
    assert created.json["accepted"] is True and created.json["acceptance_refusal"] is None
    view = client.get(f"/api/v1/dossiers/{created.json['code']}", headers=token("reception")).json
    assert view["received_at"].startswith("2026-02-25T17:00")  # the arrival day, local midnight, in UTC
    with services.session_factory() as s:  # told on paper, recorded alike through the API door
        told = s.scalars(sa.select(AuditEvent.detail).join(Dossier, Dossier.id == AuditEvent.dossier_id).where(
            Dossier.code == created.json["code"], AuditEvent.kind == "privacy_notice_given")).all()
    assert [(d["door"], d["on_paper"]) for d in told] == [("post", True)]
    missing = client.post("/api/v1/dossiers", json=body | {"arrived_at": None, "sender": ""},
                          headers=token("reception"))
    assert missing.status_code == 422
    assert set(missing.json["error"]["fields"]) == {"arrived_at", "sender"}


@pytest.fixture
def world(services: Services) -> dict[str, str]:
    """Dossiers of the district (reception's agency) — one finished — and one of a commune."""
    mai = walk_in(services)
    other = walk_in(services, "Nguyễn Văn Bình", "062095001111", "0905000111")
    finished = submit(services)
    for who in ("reception", "specialist", "leader", "reception"):
        work(services, finished, who)
    commune = _commune(services)
    return {"mai": mai, "other": other, "finished": finished, "commune": commune}


def _commune(services: Services) -> str:
    """A dossier of the commune (reception2's agency), whose applicant is also called Phạm Thị Mai."""
    from adapters.config import PROJECT_ROOT
    from tests.helpers import catalogue_form
    from tests.integration.test_procedures import catalogue

    cat = catalogue(PROJECT_ROOT / "bpmn_diagrams" / "chung_thuc_ban_sao_tu_ban_chinh.toml")
    form = catalogue_form(cat) | {"ho_ten": "Phạm Thị Mai", "so_dinh_danh": "062095009876"}
    done = register_at_desk(services, "reception2", Submission(procedure=cat["code"], form=form),
                            DeskIntake("counter", Applicant("062095009876", "Phạm Thị Mai", "0905123456"),
                                       [d["key"] for d in cat["documents"]]))
    return str(done["code"])


SEARCHES = ["pham thi mai", "PHẠM THỊ MAI", "mai pham", "062095009876", "0905123456", ""]


@pytest.mark.parametrize("officer", ["reception", "specialist", "leader", "reception2"])
@pytest.mark.parametrize("q", SEARCHES)
def test_officer_search_finds_within_the_own_agency_only(client: Any, services: Services, token: Any,
                                                         world: dict[str, str], officer: str, q: str) -> None:
    own = {"reception2": {"commune"}}.get(officer, {"mai", "other", "finished"})
    expected = {k for k in own if q == "" or k in ("mai", "commune")}
    found_api = client.get("/api/v1/dossiers", query_string={"q": q, "per_page": 100},
                           headers=token(officer)).json
    login(client, officer)
    page = client.get("/officer/dossiers", query_string={"q": q}).get_data(as_text=True)
    for key, code in world.items():
        listed = any(item["code"] == code for item in found_api["items"])
        assert listed == (key in expected), (officer, q, key, found_api)
        assert (code in page) == (key in expected), (officer, q, key)
        if key not in own:  # another agency's dossier: not on its page either
            assert client.get(f"/officer/dossiers/{code}").status_code == 404


def test_search_by_code_status_and_period_includes_finished_dossiers(client: Any, token: Any,
                                                                     world: dict[str, str]) -> None:
    def codes(**query: Any) -> set[str]:
        found = client.get("/api/v1/dossiers", query_string=query, headers=token("reception"))
        assert found.status_code == 200, found.json
        return {i["code"] for i in found.json["items"]}

    assert codes(q=world["finished"].lower()) == {world["finished"]}
    assert world["finished"] in codes(status=10)
    assert codes(**{"from": "2026-03-02", "to": "2026-03-02"}) >= {world["mai"], world["finished"]}
    assert codes(**{"from": "2026-03-03"}) == set()
    reversed_period = client.get("/api/v1/dossiers", query_string={"from": "2026-03-05", "to": "2026-03-01"},
                                 headers=token("reception"))
    assert reversed_period.status_code == 422
    assert client.get("/api/v1/dossiers", headers=token("citizen")).status_code == 403
    paged = client.get("/api/v1/dossiers", query_string={"per_page": 1, "page": 2}, headers=token("reception")).json
    assert (paged["page"], paged["pages"], paged["total"], len(paged["items"])) == (2, 3, 3, 1)


def test_the_task_filter_ignores_diacritics(client: Any, world: dict[str, str]) -> None:
    login(client, "specialist")
    page = client.get("/officer/tasks", query_string={"applicant": "pham thi mai"}).get_data(as_text=True)
    assert world["mai"] in page and world["other"] not in page


def test_the_draft_result_through_the_pages_and_the_api(client: Any, services: Services, token: Any) -> None:
    from tests.helpers import offered

    code = walk_in(services)
    login(client, "specialist")
    review = offered(services, code, "specialist")[0]
    page = client.get(f"/officer/tasks/{review['id']}").get_data(as_text=True)
    assert "Tạo dự thảo từ mẫu của thủ tục" in page and "Chưa có dự thảo kết quả." in page
    made = post(client, f"/officer/dossiers/{code}/draft", {"generate": "1", "back": f"/officer/tasks/{review['id']}"})
    assert made.status_code == 303 and made.headers["Location"] == f"/officer/tasks/{review['id']}"
    assert "Xem dự thảo kết quả" in client.get(f"/officer/tasks/{review['id']}").get_data(as_text=True)
    api = client.post(f"/api/v1/dossiers/{code}/draft-result", json={"generate": True}, headers=token("specialist"))
    assert api.status_code == 201 and api.json["generated"] is True
    assert client.get(api.json["url"]).data.startswith(b"%PDF")
    refused = client.post(f"/api/v1/dossiers/{code}/draft-result", json={"generate": True},
                          headers=token("reception"))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "draft.specialists_only"
    work(services, code, "specialist")
    login(client, "leader")
    approval = offered(services, code, "leader")[0]
    page = client.get(f"/officer/tasks/{approval['id']}").get_data(as_text=True)
    assert "Xem dự thảo kết quả" in page and "Đủ điều kiện, trình phê duyệt" in page
    assert "dự thảo này trở thành kết quả" in page


def test_the_inbox_page_the_header_count_and_the_api(client: Any, services: Services, token: Any) -> None:
    code = submit(services)
    login(client, "reception")
    page = client.get("/officer/tasks").get_data(as_text=True)
    unread = int(re.search(r'class="inbox-link">Thông báo <span class="count"[^>]*>(\d+)</span>', page).group(1))
    assert unread >= 1
    inbox_page = client.get("/inbox").get_data(as_text=True)
    assert f"Hồ sơ {code} vào hàng đợi của nhóm: Kiểm tra, tiếp nhận hồ sơ." in inbox_page
    api = client.get("/api/v1/inbox", headers=token("reception")).json
    item = next(i for i in api["items"] if i["dossier"] == code)
    opened = post(client, "/inbox/read", {"id": str(item["id"]), "go": f"/officer/dossiers/{code}"})
    assert opened.status_code == 303 and opened.headers["Location"] == f"/officer/dossiers/{code}"
    assert client.get("/api/v1/inbox?unread=1", headers=token("reception")).json["unread"] == unread - 1
    assert client.post("/api/v1/inbox/read", json={"ids": "x"}, headers=token("reception")).status_code == 422
    done = client.post("/api/v1/inbox/read", json={"all": True}, headers=token("reception")).json
    assert done == {"marked": unread - 1, "unread": 0}
    assert 'class="inbox-link">Thông báo</a>' in client.get("/inbox").get_data(as_text=True)
    # English: the same notification in the reader's language
    assert f"Dossier {code}" in client.get("/inbox?lang=en").get_data(as_text=True)


def test_the_task_pages_error_summary_names_the_field_and_the_document(client: Any, services: Services) -> None:
    from tests.helpers import offered

    code = submit(services)
    login(client, "reception")
    intake = offered(services, code, "reception")[0]
    refused = post(client, f"/officer/tasks/{intake['id']}", {"checklist_shown": "1", "checklist.giay_de_nghi": "on",
                                                              "data.reception_decision": "accept"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    summary = page[page.index('id="error-summary"'):page.index("</div>", page.index('id="error-summary"'))]
    assert "Bản sao giấy tờ pháp lý của cá nhân" in summary, summary


def test_only_reception_opens_the_intake_page(client: Any) -> None:
    for who in ("citizen", "specialist", "leader"):
        assert login(client, who).get("/officer/intake").status_code == 403
    page = login(client, "reception").get("/officer/intake").get_data(as_text=True)
    assert HKD in page and "2.000815" not in page  # the ward's procedure is not the district's to register
