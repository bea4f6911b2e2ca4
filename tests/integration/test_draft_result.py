"""The draft result and its approval (issue 12): the specialist generates (or uploads) a draft result
beside the proposal, the leader sees both on the approval page, and the approved draft — through the
signing hook `approved_result_pdf` — is the result handed over online, with nothing uploaded again."""
from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment
from processes.desk import result
from processes.desk.steps import Delivery
from processes.desk.task_page import task_page
from processes.desk.tasks import complete_task
from processes.dossier.dossiers import get_dossier
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.submission.submission import Submission, Upload, submit_dossier
from tests.helpers import HKD, HKD_FORM, PDF, PNG, agreeing, offered, work


def online_dossier(services: Services) -> str:
    created = submit_dossier(services, "citizen", Submission(
        procedure=HKD, form=HKD_FORM, channel="online", declaration=True,
        uploads=[Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)]))
    return str(created["code"])


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def rows(services: Services, code: str, key: str) -> list[Attachment]:
    with services.session_factory() as s:
        dossier_id = s.execute(sa.text("select id from dossiers where code = :c"), {"c": code}).scalar_one()
        return list(s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier_id,
                                                          Attachment.document_key == key).order_by(Attachment.id)))


def test_the_approved_draft_is_the_result_handed_over(services: Services) -> None:
    code = online_dossier(services)
    with pytest.raises(Conflict):  # not accepted yet: nothing to draft
        result.generate_draft(services, "specialist", code)
    work(services, code, "reception")
    for who, refusal in (("reception", Forbidden), ("reception2", NotFound), ("citizen", Forbidden)):
        with pytest.raises(refusal):
            result.generate_draft(services, who, code)
    made = result.generate_draft(services, "specialist", code)
    draft = rows(services, code, result.DRAFT_KEY)[-1]
    text = text_of(services.attachments.read(draft.sha256))
    assert "GIẤY CHỨNG NHẬN ĐĂNG KÝ HỘ KINH DOANH" in text and "Phở An" in text and code in text
    assert made["generated"] is True and made["url"] == f"/dossiers/{code}/documents/{draft.id}"
    with pytest.raises(Invalid):
        result.attach_draft(services, "specialist", code, Upload("draft", "anh.png", PNG))
    uploaded = result.attach_draft(services, "specialist", code, Upload("draft", "du-thao.pdf", PDF))
    assert uploaded["generated"] is False and len(rows(services, code, result.DRAFT_KEY)) == 2

    work(services, code, "specialist")
    leader_task = offered(services, code, "leader")[0]
    page = task_page(services, "leader", leader_task["id"])
    assert page["draft"]["id"] == uploaded["attachment"]  # the latest version is the one approved
    assert page["proposal"]["data"][0]["value"] == "Đủ điều kiện, trình phê duyệt"
    assert rows(services, code, "result") == []
    work(services, code, "leader")
    [approved] = rows(services, code, "result")
    assert services.attachments.read(approved.sha256) == PDF

    # the desk hands the approved result over online without uploading anything
    task = offered(services, code, "reception")[0]
    completion = agreeing(services, task, "reception")
    completion.delivery = Delivery()
    complete_task(services, "reception", completion)
    assert get_dossier(services, "citizen", code)["status_code"] == 10


def test_a_signer_wraps_the_one_hook(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    signed = PDF.replace(b"%%EOF", b"% signed\n%%EOF")
    original = result.approved_result_pdf

    def sign(services: Services, s: Any, dossier: Any, draft: Attachment) -> bytes:
        assert original(services, s, dossier, draft) == PDF
        return signed

    monkeypatch.setattr(result, "approved_result_pdf", sign)
    code = online_dossier(services)
    work(services, code, "reception")
    result.attach_draft(services, "specialist", code, Upload("draft", "du-thao.pdf", PDF))
    work(services, code, "specialist")
    work(services, code, "leader")
    [approved] = rows(services, code, "result")
    assert services.attachments.read(approved.sha256) == signed


def test_without_a_draft_the_approval_changes_nothing_of_the_result(services: Services) -> None:
    code = online_dossier(services)
    for who in ("reception", "specialist", "leader"):
        work(services, code, who)
    assert rows(services, code, "result") == []
