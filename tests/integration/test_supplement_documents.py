"""A supplement answers what the request named, and replacing a document keeps its earlier version (R14.2)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment
from processes.desk.tasks import Completion, complete_task
from processes.errors import Invalid
from processes.submission.submission import Upload, answer_supplement
from processes.uow import UnitOfWork
from tests.helpers import PDF, affirmative, offered, submit


def _ask_for(services: Services, code: str, unchecked: str) -> None:
    task = offered(services, code, "reception")[0]
    checklist = {"giay_de_nghi": True, "giay_to_phap_ly": True, unchecked: False}
    complete_task(services, "reception", Completion(
        task["id"], affirmative(task["form"], {"reception_decision": "supplement"}), checklist))


def _versions(services: Services, key: str) -> list[tuple[str, bool]]:
    with UnitOfWork(services.session_factory) as uow:
        return [(a.filename, a.superseded_at is not None) for a in uow.session.scalars(
            sa.select(Attachment).where(Attachment.document_key == key).order_by(Attachment.id))]


def test_only_the_named_document_is_taken_and_a_replacement_keeps_the_old_one(services: Services) -> None:
    code = submit(services)
    _ask_for(services, code, "giay_to_phap_ly")
    with pytest.raises(Invalid) as caught:
        answer_supplement(services, "citizen", code, {}, [Upload("giay_de_nghi", "x.pdf", PDF)])
    assert [(r.code, r.field) for r in caught.value.reasons] == [
        ("supplement.document_not_requested", "documents.giay_de_nghi")]
    answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd-ro.pdf", PDF)],
                      replace=["giay_to_phap_ly"])
    assert _versions(services, "giay_to_phap_ly") == [("cccd.png", True), ("cccd-ro.pdf", False)]


def test_an_added_file_stands_beside_the_earlier_one(services: Services) -> None:
    code = submit(services)
    _ask_for(services, code, "giay_to_phap_ly")
    answer_supplement(services, "citizen", code, {}, [Upload("giay_to_phap_ly", "cccd-mat-sau.pdf", PDF)])
    assert _versions(services, "giay_to_phap_ly") == [("cccd.png", False), ("cccd-mat-sau.pdf", False)]
