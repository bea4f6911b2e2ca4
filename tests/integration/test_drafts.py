"""A submission that keeps the applicant's work: answers and files kept as a draft through every refusal,
resumed later, and turned into a dossier by the rules of every door (issue 19)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, Dossier, DraftFile, SubmissionDraft
from processes.errors import Invalid
from processes.submission.drafts import DraftInput, load_draft, my_drafts, save_draft, submit_draft
from processes.submission.portal_submission import new_nonce
from processes.submission.submission import Upload
from processes.uow import UnitOfWork
from tests.helpers import HKD, HKD_FORM, PDF, PNG

ANSWERS = {k: str(v) for k, v in HKD_FORM.items()}
FILES = [Upload("giay_de_nghi", "de-nghi.pdf", PDF, "application/pdf"),
         Upload("giay_to_phap_ly", "cccd.png", PNG, "image/png")]


def _count(services: Services, model: type) -> int:
    with UnitOfWork(services.session_factory) as uow:
        return int(uow.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_a_fresh_form_is_prefilled_from_the_account(services: Services) -> None:
    draft = load_draft(services, "citizen", HKD)
    assert not draft.exists
    assert draft.answers["ho_ten_chu_ho"] == "Nguyễn Văn An"  # the account's name, for the household's head
    assert draft.answers["so_dien_thoai"] == "0912345678"


def test_good_files_are_kept_and_a_bad_one_is_refused_by_name(services: Services) -> None:
    bad = Upload("bien_ban_hop_thanh_vien", "bien-ban.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    draft = save_draft(services, "citizen", DraftInput(HKD, ANSWERS, uploads=[*FILES, bad]))
    assert [r.field for r in draft.refused] == ["documents.bien_ban_hop_thanh_vien"]
    again = load_draft(services, "citizen", HKD)
    assert {k: [f["filename"] for f in v] for k, v in again.files.items()} == {
        "giay_de_nghi": ["de-nghi.pdf"], "giay_to_phap_ly": ["cccd.png"]}
    assert again.answers["ten_ho_kinh_doanh"] == "Hộ kinh doanh Phở An"


def test_a_refused_submission_keeps_answers_files_and_declaration_then_goes_through(services: Services) -> None:
    save_draft(services, "citizen", DraftInput(HKD, {**ANSWERS, "von_kinh_doanh": "-5"}, declaration=True,
                                               uploads=FILES))
    with pytest.raises(Invalid) as caught:
        submit_draft(services, "citizen", new_nonce(), HKD)
    assert [(r.code, r.field) for r in caught.value.reasons] == [("form.below_minimum", "form.von_kinh_doanh")]
    kept = load_draft(services, "citizen", HKD)
    assert kept.declaration and sorted(kept.files) == ["giay_de_nghi", "giay_to_phap_ly"]
    assert _count(services, Dossier) == 0

    save_draft(services, "citizen", DraftInput(HKD, ANSWERS, declaration=False))  # no file chosen again
    with pytest.raises(Invalid) as caught:
        submit_draft(services, "citizen", new_nonce(), HKD)
    assert [r.code for r in caught.value.reasons] == ["dossier.declaration_required"]

    save_draft(services, "citizen", DraftInput(HKD, ANSWERS, declaration=True))
    outcome = submit_draft(services, "citizen", new_nonce(), HKD)
    with UnitOfWork(services.session_factory) as uow:
        dossier = uow.session.scalar(sa.select(Dossier).where(Dossier.code == outcome.code))
        assert dossier is not None and dossier.form["von_kinh_doanh"] == 150000000
        names = sorted(uow.session.scalars(sa.select(Attachment.filename).where(Attachment.dossier_id == dossier.id)))
    assert names == ["cccd.png", "de-nghi.pdf"]
    assert _count(services, SubmissionDraft) == 0 and _count(services, DraftFile) == 0
    assert my_drafts(services, "citizen") == []


def test_a_newly_chosen_file_replaces_the_kept_one_and_a_removed_one_goes(services: Services) -> None:
    first = save_draft(services, "citizen", DraftInput(HKD, ANSWERS, uploads=FILES))
    save_draft(services, "citizen", DraftInput(HKD, ANSWERS, uploads=[
        Upload("giay_de_nghi", "de-nghi-moi.pdf", PDF + b"%new", "application/pdf")],
        remove=[f["id"] for f in first.files["giay_to_phap_ly"]]))
    files = load_draft(services, "citizen", HKD).files
    assert {k: [f["filename"] for f in v] for k, v in files.items()} == {"giay_de_nghi": ["de-nghi-moi.pdf"]}


def test_a_result_by_post_needs_an_address_which_the_dossier_keeps(services: Services) -> None:
    from processes.submission.submission import Submission, submit_dossier
    from tests.workbench_support import COORD, COORD_FORM, deploy_coordination

    deploy_coordination(services)  # a level-4 procedure: its result may go by post
    uploads = [Upload("giay_de_nghi", "a.pdf", PDF), Upload("giay_to_phap_ly", "b.png", PNG)]
    with pytest.raises(Invalid) as caught:
        submit_dossier(services, "citizen", Submission(COORD, COORD_FORM, channel="post", uploads=uploads,
                                                       declaration=True))
    assert [(r.code, r.field) for r in caught.value.reasons] == [("submission.postal_address_required",
                                                                  "postal_address")]
    made = submit_dossier(services, "citizen", Submission(COORD, COORD_FORM, channel="post", uploads=uploads,
                                                          declaration=True, postal_address="  12 Lê Lợi,\n Kon Tum "))
    with UnitOfWork(services.session_factory) as uow:
        dossier = uow.session.scalar(sa.select(Dossier).where(Dossier.code == made["code"]))
        assert dossier is not None and dossier.postal_address == "12 Lê Lợi, Kon Tum"


def test_one_applicants_draft_is_not_anothers(services: Services) -> None:
    save_draft(services, "citizen", DraftInput(HKD, ANSWERS, uploads=FILES))
    theirs = load_draft(services, "citizen2", HKD)
    assert not theirs.exists and theirs.files == {}
    assert my_drafts(services, "citizen2") == [] and [d["procedure"] for d in my_drafts(services, "citizen")] == [HKD]
