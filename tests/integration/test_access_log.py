"""Privacy records (issue 18; R4.1, R13.2, Decree 13/2023): every read and download of a dossier's
personal data by an officer or an administrator is in the dossier's access log (who, what, when, why)
and shown on the officer's dossier page; an administrator outside the dossier's agency gives a reason
(break-glass) or is refused; the applicant reading their own dossier is not logged."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, Dossier
from processes import audit
from processes.desk.paper import CONTROL_SHEET, dossier_form_pdf
from processes.desk.task_page import read_document, task_page
from processes.dossier.dossiers import get_dossier
from processes.errors import Forbidden, NotFound
from tests.helpers import offered, submit


def page_of(services: Services, code: str, username: str = "reception") -> dict[str, Any]:
    task = offered(services, code, username)[0]
    return task_page(services, username, task["id"])


def first_document(services: Services, code: str) -> int:
    with services.session_factory() as s:
        return int(s.scalar(sa.select(Attachment.id).join(Dossier, Dossier.id == Attachment.dossier_id)
                            .where(Dossier.code == code).order_by(Attachment.id).limit(1)) or 0)


def test_officer_reads_and_downloads_are_logged_and_shown_on_the_dossier_page(services: Services) -> None:
    code = submit(services)
    assert page_of(services, code)["access_log"] == [
        {"at": services.clock.now(), "actor": "reception", "what": "task_page", "reason": None,
         "break_glass": False}]
    get_dossier(services, "reception", code)
    read_document(services, "reception", code, first_document(services, code))
    dossier_form_pdf(services, "reception", code, CONTROL_SHEET)
    page = page_of(services, code)
    assert [(a["actor"], a["what"]) for a in page["access_log"]] == [
        ("reception", "task_page"), ("reception", "form"), ("reception", "document"), ("reception", "dossier"),
        ("reception", "task_page")]  # newest first
    assert page["audit_intact"] is True


def test_the_applicant_reading_their_own_dossier_is_not_logged(services: Services) -> None:
    code = submit(services)
    get_dossier(services, "citizen", code)
    read_document(services, "citizen", code, first_document(services, code))
    dossier_form_pdf(services, "citizen", code, CONTROL_SHEET)
    assert page_of(services, code)["access_log"][1:] == []  # only the officer's own opening of the page


def test_an_administrator_outside_the_agency_is_refused_without_a_reason(services: Services) -> None:
    code = submit(services)
    for read in (lambda **kw: get_dossier(services, "admin", code, **kw),
                 lambda **kw: read_document(services, "admin", code, first_document(services, code), **kw),
                 lambda **kw: dossier_form_pdf(services, "admin", code, CONTROL_SHEET, **kw)):
        with pytest.raises(Forbidden) as refused:
            read(reason="   ")
        assert refused.value.code == "dossier.break_glass_reason"
    assert page_of(services, code)["access_log"][1:] == []  # nothing was read, nothing logged


def test_a_break_glass_read_is_logged_with_its_reason_and_the_agency_sees_it(services: Services) -> None:
    code = submit(services)
    view = get_dossier(services, "admin", code, "Thanh tra yêu cầu số 12/TTr")
    assert view["code"] == code
    read_document(services, "admin", code, first_document(services, code), reason="Thanh tra yêu cầu số 12/TTr")
    log = page_of(services, code)["access_log"]
    assert [(a["actor"], a["what"], a["reason"], a["break_glass"]) for a in log[1:]] == [
        ("admin", "document", "Thanh tra yêu cầu số 12/TTr", True),
        ("admin", "dossier", "Thanh tra yêu cầu số 12/TTr", True)]
    with services.session_factory() as s:
        assert audit.verify(s).ok  # the reads are events of the dossier's own chain


def test_an_officer_of_another_agency_still_does_not_see_the_dossier(services: Services) -> None:
    code = submit(services)
    with pytest.raises(NotFound):
        get_dossier(services, "reception_cap", code, "curious")
    assert page_of(services, code)["access_log"][1:] == []


def test_giving_the_dossier_to_a_consulted_agency_is_recorded_as_a_disclosure(services: Services) -> None:
    from tests.integration.test_workbench import ALL_OK, page_complete
    from tests.workbench_support import deploy_coordination, submit_coordination, task_of

    deploy_coordination(services)
    code = submit_coordination(services)
    page_complete(services, "reception", code, {"reception_decision": "accept"}, checklist=ALL_OK)
    page_complete(services, "specialist", code, {"specialist_proposal": "approve"})
    consult = task_of(services, "specialist_ca", code)
    log = task_page(services, "specialist_ca", consult["id"])["access_log"]
    assert [(a["actor"], a["what"]) for a in log] == [("specialist_ca", "task_page"), ("specialist", "disclosure")]
    assert log[1]["to"] and log[1]["reason"] == "consultation"
