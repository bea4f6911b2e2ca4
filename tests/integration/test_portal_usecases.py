"""The portal's use cases on a real database (SQLite and PostgreSQL): the catalogue, submission
with a one-time nonce and the declaration (R7.1, R7.3, R16.1), the applicant's dossier view,
withdrawal, the public look-up and feedback (R6.1, R9.1)."""
from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from adapters.config import data_dir
from models import Attachment, AuditEvent, Dossier, Feedback, OutboxMessage, Timer, UserTask
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Throttled
from processes.submission import feedback, portal_catalogue, portal_dossiers
from processes.submission.portal_submission import new_nonce, submit_online
from processes.submission.submission import Submission, Upload
from tests.helpers import HKD, HKD_FORM, PDF, PNG
from tests.portal_kit import work
from tests.signing_kit import citizen, expired, install_pki, self_made, sign_as
from tests.unit.test_portal_rules import SIGNED

IP = "203.0.113.9"


def cmd(*uploads: Upload, declaration: bool = True, **form: Any) -> Submission:
    files = list(uploads) or [Upload("giay_de_nghi", "de-nghi.pdf", PDF), Upload("giay_to_phap_ly", "cccd.png", PNG)]
    return Submission(procedure=HKD, form={**HKD_FORM, **form}, channel="online", uploads=files,
                      declaration=declaration)


def submit(services: Services, username: str = "citizen", *uploads: Upload) -> str:
    return submit_online(services, username, new_nonce(), cmd(*uploads)).code


def rows(services: Services, model: Any, *where: Any) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


# -- catalogue ----------------------------------------------------------------------------------
def test_catalogue_groups_published_procedures_by_sector_then_field(services: Services) -> None:
    view = portal_catalogue.browse(services)
    assert view.count >= 1 and [s.name for s in view.sectors] == sorted(
        (s.name for s in view.sectors), key=portal_catalogue.fold)
    hkd = [p for s in view.sectors for f in s.fields for p in f.procedures if p["code"] == HKD]
    assert len(hkd) == 1
    assert portal_catalogue.browse(services, "dang ky ho kinh doanh").count >= 1
    assert portal_catalogue.browse(services, "", level=2, agency=None).count == sum(
        1 for s in view.sectors for f in s.fields for p in f.procedures if p["level"] == 2)


def test_service_page_counts_received_and_processed_dossiers(services: Services) -> None:
    before = portal_catalogue.procedure_page(services, HKD)["statistics"]
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "refuse", "reception_note": "Ngành nghề bị cấm"})
    after = portal_catalogue.procedure_page(services, HKD)["statistics"]
    assert after["received"] == before["received"] + 1 and after["received_30_days"] == before["received_30_days"] + 1
    assert after["processed"] == before["processed"] + 1
    with pytest.raises(NotFound):
        portal_catalogue.procedure_page(services, "9.999999")


def test_template_files_stay_inside_the_diagrams_folder() -> None:
    assert portal_catalogue.template_path("../config.toml") is None
    assert portal_catalogue.template_path("/etc/passwd") is None


# -- submission ---------------------------------------------------------------------------------
def test_the_same_nonce_makes_one_dossier(services: Services) -> None:
    nonce = new_nonce()
    first = submit_online(services, "citizen", nonce, cmd())
    again = submit_online(services, "citizen", nonce, cmd())
    assert not first.duplicate and again.duplicate and again.code == first.code
    assert rows(services, Dossier) == 1
    other = submit_online(services, "citizen2", nonce, cmd())  # nonces are per account
    assert other.code != first.code


def test_two_simultaneous_clicks_make_one_dossier(services: Services) -> None:
    nonce, results, errors = new_nonce(), [], []

    def click() -> None:
        try:
            results.append(submit_online(services, "citizen", nonce, cmd()))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({r.code for r in results}) == 1 and sorted(r.duplicate for r in results) == [False, True]
    assert rows(services, Dossier) == 1


def test_a_refused_submission_leaves_nothing_and_the_form_can_be_sent_again(services: Services) -> None:
    nonce = new_nonce()
    with pytest.raises(Invalid) as refused:
        submit_online(services, "citizen", nonce, cmd(Upload("giay_de_nghi", "x.pdf", b"GIF89a not pdf"),
                                                     so_dinh_danh="12ab", declaration=False))
    assert {"declaration", "documents.giay_de_nghi", "form.so_dinh_danh"} <= set(refused.value.fields)
    assert refused.value.fields["declaration"].code == "dossier.declaration_required"
    assert refused.value.fields["form.so_dinh_danh"].code == "form.identity_number"
    # giay_to_phap_ly was not attached this time: a required document is named too
    assert refused.value.fields["documents.giay_to_phap_ly"].code == "submission.document_required"
    assert rows(services, Dossier) == rows(services, Attachment) == 0
    assert rows(services, AuditEvent, AuditEvent.kind == "dossier_submitted") == 0
    assert not submit_online(services, "citizen", nonce, cmd()).duplicate


def test_a_malformed_nonce_is_refused(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        submit_online(services, "citizen", "x", cmd())
    assert (refused.value.code, refused.value.field) == ("submission.nonce_missing", "nonce")


def test_the_declaration_is_recorded_in_the_audit_trail(services: Services) -> None:
    code = submit(services)
    with services.session_factory() as s:
        event = s.scalar(sa.select(AuditEvent).join(Dossier, Dossier.id == AuditEvent.dossier_id)
                         .where(Dossier.code == code, AuditEvent.kind == "declaration_made"))
    assert event is not None and "cam đoan" in event.detail["text"]


def test_level_4_lists_the_unsigned_documents_to_post(services: Services) -> None:
    install_pki(data_dir(services.config))
    valid = sign_as(citizen())
    code = submit(services, "citizen", Upload("giay_de_nghi", "ky-so.pdf", valid),
                  Upload("giay_to_phap_ly", "cccd.png", PNG))
    report = portal_dossiers.my_dossier(services, "citizen", code)["signatures"]
    assert [(f["key"], f["signed"]) for f in report["files"]] == [("giay_de_nghi", True), ("giay_to_phap_ly", False)]
    assert report["files"][0]["signature"]["signer"] == "Nguyễn Văn An"
    assert report["paper_copies_needed"] and [f["key"] for f in report["unsigned"]] == ["giay_to_phap_ly"]
    signed_only = submit(services, "citizen", Upload("giay_de_nghi", "ky-so.pdf", valid),
                         Upload("giay_to_phap_ly", "cccd-ky-so.pdf", sign_as(citizen())))
    assert not portal_dossiers.my_dossier(services, "citizen", signed_only)["signatures"]["paper_copies_needed"]


@pytest.mark.parametrize(("made", "status"), [(lambda: sign_as(self_made()), "untrusted"),
                                              (lambda: sign_as(expired()), "expired"),
                                              (lambda: SIGNED, "modified")])
def test_level_4_asks_paper_for_signatures_that_are_not_valid(services: Services, made: Any, status: str) -> None:
    install_pki(data_dir(services.config))
    code = submit(services, "citizen", Upload("giay_de_nghi", "ky-so.pdf", sign_as(citizen())),
                  Upload("giay_to_phap_ly", "cccd-ky-so.pdf", made()))
    report = portal_dossiers.my_dossier(services, "citizen", code)["signatures"]
    assert [f["signature"]["status"] for f in report["files"]] == ["valid", status]
    assert report["paper_copies_needed"] and [f["key"] for f in report["unsigned"]] == ["giay_to_phap_ly"]


# -- the applicant's dossier --------------------------------------------------------------------
def test_my_dossier_shows_the_request_the_timeline_and_result_files(services: Services) -> None:
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "supplement", "reception_note": "Thiếu biên bản họp"})
    seen = portal_dossiers.my_dossier(services, "citizen", code)
    assert seen["status_code"] == 5 and seen["may_supplement"] and "Thiếu biên bản họp" in seen["open_request"]
    assert [i["kind"] for i in seen["timeline"]][:2] == ["dossier_submitted", "task_completed"]
    assert any(i["kind"] == "notice" and i["form"] == "02" for i in seen["timeline"])
    assert [d["code"] for d in portal_dossiers.my_dossiers(services, "citizen")] == [code]
    with services.session_factory() as s:  # an officer attaches the online result
        dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        assert dossier is not None
        services.attachments.save(services.attachments.check("result", "gcn.pdf", PDF), PDF)
        stored = services.attachments.check("result", "gcn.pdf", PDF)
        s.add(Attachment(dossier_id=dossier.id, document_key="result", filename="gcn.pdf",
                         content_type=stored.content_type,
                         size=stored.size, sha256=stored.sha256, uploaded_at=dossier.received_at,
                         uploaded_by=dossier.applicant_id))
        s.commit()
    seen = portal_dossiers.my_dossier(services, "citizen", code)
    assert [f["filename"] for f in seen["results"]] == ["gcn.pdf"]
    assert portal_dossiers.attachment_content(services, "citizen", code, seen["results"][0]["id"])[0] == PDF


def test_another_applicant_sees_nothing(services: Services) -> None:
    code = submit(services)
    for call in (lambda: portal_dossiers.my_dossier(services, "citizen2", code),
                 lambda: portal_dossiers.attachment_content(services, "citizen2", code, 1),
                 lambda: portal_dossiers.withdraw_dossier(services, "citizen2", code, ""),
                 lambda: feedback.rate_dossier(services, "citizen2", code, 5, "")):
        with pytest.raises(NotFound):
            call()


def test_withdrawal_cancels_the_workflow_and_tells_reception(services: Services) -> None:
    code = submit(services)
    assert rows(services, UserTask, UserTask.completed_at.is_(None)) == 1
    result = portal_dossiers.withdraw_dossier(services, "citizen", code, "Nộp nhầm thủ tục")
    assert result["status_code"] == 7
    assert rows(services, UserTask, UserTask.completed_at.is_(None)) == 0
    assert rows(services, Timer, Timer.fired_at.is_(None)) == 0
    assert rows(services, OutboxMessage, OutboxMessage.recipient == "reception@example.vn") >= 1
    with services.session_factory() as s:
        event = s.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "dossier_withdrawn"))
    assert event is not None and event.actor == "citizen" and event.detail["reason"] == "Nộp nhầm thủ tục"
    with pytest.raises(Conflict):
        portal_dossiers.withdraw_dossier(services, "citizen", code, "")
    assert not portal_dossiers.my_dossier(services, "citizen", code)["may_withdraw"]


def test_a_finished_dossier_cannot_be_withdrawn(services: Services) -> None:
    code = submit(services)
    for user in ("reception", "specialist", "leader"):
        work(services, code, user)
    with pytest.raises(Conflict, match="withdrawal.not_now"):
        portal_dossiers.withdraw_dossier(services, "citizen", code, "")


# -- public look-up -----------------------------------------------------------------------------
def test_public_look_up_by_code_and_phone_shows_status_only(services: Services) -> None:
    code = submit(services)
    for phone in ("0912345678", "0912 345 678", "+84 912 345 678", "84912345678"):
        found = portal_dossiers.public_status(services, code, phone, IP)
        assert set(found) == {"code", "procedure_name", "status", "status_code", "received_at", "due_at",
                              "finished_at"}
        assert found["status_code"] == 1


def test_public_look_up_refuses_a_wrong_phone_like_an_unknown_code_and_is_limited(services: Services) -> None:
    code = submit(services)
    for wrong in ((code, "0999999999"), ("000.00.22.H34-260302-9999", "0912345678")):
        with pytest.raises(NotFound) as refused:
            portal_dossiers.public_status(services, *wrong, IP)
        assert refused.value.code == "lookup.no_match"
    with pytest.raises(Invalid) as empty:
        portal_dossiers.public_status(services, "", "12", IP)
    assert set(empty.value.fields) == {"code", "phone"}
    for n in range(8):
        with pytest.raises(NotFound):
            portal_dossiers.public_status(services, f"X-{n}", "0912345678", IP)
    with pytest.raises(Throttled):
        portal_dossiers.public_status(services, code, "0912345678", IP)
    assert portal_dossiers.public_status(services, code, "0912345678", "198.51.100.2")["code"] == code


# -- feedback -----------------------------------------------------------------------------------
def test_a_finished_dossier_is_rated_once_by_its_applicant(services: Services) -> None:
    code = submit(services)
    with pytest.raises(Conflict, match="feedback.not_finished"):
        feedback.rate_dossier(services, "citizen", code, 5, "")
    for user in ("reception", "specialist", "leader"):
        work(services, code, user)
    with pytest.raises(Invalid):
        feedback.rate_dossier(services, "citizen", code, 6, "")
    feedback.rate_dossier(services, "citizen", code, 4, "Đúng hẹn")
    with pytest.raises(Conflict, match="feedback.already_rated"):
        feedback.rate_dossier(services, "citizen", code, 5, "")
    assert portal_dossiers.my_dossier(services, "citizen", code)["rating"] == {"rating": 4, "comment": "Đúng hẹn"}


def test_general_feedback_is_kept_for_administrators(services: Services) -> None:
    feedback.give_feedback(services, None, "Nên có hướng dẫn bằng video", name="Khách", ip=IP)
    feedback.give_feedback(services, "citizen", "Trang nhanh", rating="5", ip=IP)
    with pytest.raises(Invalid):
        feedback.give_feedback(services, None, "   ", ip=IP)
    listed = feedback.list_feedback(services, "admin")
    assert [f["comment"] for f in listed][:2] == ["Trang nhanh", "Nên có hướng dẫn bằng video"] or \
        {f["comment"] for f in listed} >= {"Trang nhanh", "Nên có hướng dẫn bằng video"}
    assert rows(services, Feedback) == 2
    with pytest.raises(Forbidden):
        feedback.list_feedback(services, "citizen")
