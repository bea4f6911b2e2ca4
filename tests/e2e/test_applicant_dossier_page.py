"""The applicant's dossier page tells what matters (issue 19): the notices to download as PDF, a refusal's
reason in full at the top, a supplement that asks only for the document named and keeps each version."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta
from typing import Any

import pytest

from adapters.bootstrap import Services
from processes.desk.tasks import Completion, complete_task
from tests.helpers import HKD, HKD_FORM, PDF, affirmative, offered, session_of, submit, work

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # the rules: tests/integration

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def as_citizen(client: Any) -> None:
    with client.session_transaction() as s:
        s["sid"] = session_of(client, "citizen")


def ask_for_the_id_copy(services: Services, code: str) -> None:
    """Reception ticks the application form and not the ID copy: the request names that one document."""
    task = offered(services, code, "reception")[0]
    complete_task(services, "reception", Completion(
        task["id"], affirmative(task["form"], {"reception_decision": "supplement",
                                               "reception_note": "Bản chụp CCCD bị mờ"}),
        {"giay_de_nghi": True, "giay_to_phap_ly": False}))


def test_a_refusal_is_read_at_the_top_and_its_notice_downloads(client: Any, services: Services) -> None:
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "refuse",
                                       "reception_note": "Ngành nghề thuộc danh mục cấm kinh doanh"})
    as_citizen(client)
    page = html.unescape(client.get(f"/my/dossiers/{code}").get_data(as_text=True))
    top = page[page.index('id="refusal-title"'):page.index('id="steps-title"')]
    assert "Ngành nghề thuộc danh mục cấm kinh doanh" in top and "<details" not in top
    pdf = client.get(f"/dossiers/{code}/forms/03.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_one_document_supplement_takes_one_file_and_keeps_the_earlier_version(
        client: Any, services: Services, clock: Any) -> None:
    code = submit(services)
    ask_for_the_id_copy(services, code)
    clock.advance(timedelta(hours=2))  # the applicant answers later that morning
    as_citizen(client)
    page = html.unescape(client.get(f"/my/dossiers/{code}").get_data(as_text=True))
    request = page[page.index('id="request-title"'):page.index("Gửi hồ sơ bổ sung")]
    assert 'name="documents.giay_to_phap_ly"' in request and 'name="documents.giay_de_nghi"' not in request
    assert "/forms/02.pdf" in page  # the request itself, downloadable

    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    stray = client.post(f"/my/dossiers/{code}/supplement", content_type="multipart/form-data", data={
        "csrf_token": token, "documents.giay_de_nghi": (io.BytesIO(PDF), "de-nghi-2.pdf")})
    assert stray.status_code == 422
    assert "Cơ quan không yêu cầu bổ sung giấy tờ này" in html.unescape(stray.get_data(as_text=True))

    done = client.post(f"/my/dossiers/{code}/supplement", content_type="multipart/form-data", data={
        "csrf_token": token, "mode.giay_to_phap_ly": "replace",
        "documents.giay_to_phap_ly": (io.BytesIO(PDF), "cccd-ro.pdf")})
    assert done.status_code == 303
    page = html.unescape(client.get(f"/my/dossiers/{code}").get_data(as_text=True))
    documents = page[page.index("Giấy tờ đã nộp"):]
    assert re.search(r"cccd-ro\.pdf.*bản bổ sung", documents, re.S)
    assert re.search(r"cccd\.png.*bản trước, đã được thay ngày", documents, re.S)


def test_the_applicant_downloads_forms_01_and_02_and_sees_the_declared_data(client: Any,
                                                                           services: Services) -> None:
    code = submit(services)
    work(services, code, "reception")  # accepted: the receipt (01) exists
    as_citizen(client)
    page = html.unescape(client.get(f"/my/dossiers/{code}").get_data(as_text=True))
    assert f'href="/dossiers/{code}/forms/01.pdf"' in page and "/forms/05.pdf" not in page
    assert client.get(f"/dossiers/{code}/forms/01.pdf").data.startswith(b"%PDF")
    declared = page[page.index('id="declared-title"'):]
    assert HKD_FORM["ten_ho_kinh_doanh"] in declared and "150.000.000" in declared
    steps = page[page.index('id="steps-title"'):page.index('id="declared-title"')]
    assert "Hồ sơ được tiếp nhận" in steps and "hẹn trả" in steps
    assert HKD in client.get("/api/v1/procedures").get_data(as_text=True)
