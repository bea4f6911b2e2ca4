"""Counter and postal intake (issue 12, R7.1, R14): reception registers a dossier for someone without
an account, accepts it at once (form 01 printable), the applicant follows it at /track and links it to
an account; a postal dossier's clock starts on the day the post arrived."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from adapters.bootstrap import Services
from models import AuditEvent, Dossier, DossierIntake, OutboxMessage
from processes.desk.counter import register_at_desk
from processes.desk.paper import dossier_form_pdf
from processes.dossier.dossiers import get_dossier
from processes.errors import Forbidden, Invalid, NotFound
from processes.submission.portal_dossiers import link_dossier, my_dossiers, public_status
from processes.submission.submission import Applicant, DeskIntake, Submission, Upload
from tests.helpers import HKD, HKD_FORM, PDF
from tests.signing_kit import signature_widget

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
WALK_IN = Applicant(id_number="062095009876", name="Phạm Thị Mai", phone="0905 123 456",
                    address="45 Trần Phú, phường Quyết Thắng")
FORM = {k: v for k, v in HKD_FORM.items() if k not in ("ho_ten_chu_ho", "so_dinh_danh", "so_dien_thoai")}
CHECKLIST = {"giay_de_nghi": True, "giay_to_phap_ly": True}


def counter(services: Services, accept: bool = True, **desk: object) -> dict[str, object]:
    intake = DeskIntake(**({"received_via": "counter", "applicant": WALK_IN,
                            "papers_seen": ["giay_to_phap_ly"]} | desk))  # type: ignore[arg-type]
    return register_at_desk(services, "reception", Submission(
        procedure=HKD, form=FORM, uploads=[Upload("giay_de_nghi", "de-nghi.pdf", PDF)]), intake,
        accept=accept, checklist=CHECKLIST)


def test_a_walk_in_dossier_is_registered_accepted_and_printed_at_the_counter(services: Services) -> None:
    created = counter(services)
    assert created["accepted"] is True and created["refusal"] is None, created["refusal"]
    code = str(created["code"])
    view = get_dossier(services, "reception", code)
    assert view["accepted_at"] is not None and view["due_at"] is not None
    with services.session_factory() as s:
        d = s.query(Dossier).filter_by(code=code).one()
        assert (d.channel, d.applicant_id, d.applicant_id_number) == ("counter", None, "062095009876")
        assert d.form["ho_ten_chu_ho"] == "Phạm Thị Mai"  # the form's name filled from the applicant
        assert s.get(DossierIntake, d.id).papers_seen == ["giay_to_phap_ly"]
        # the applicant has no account: the receipt and form 01 go by SMS to the phone given at the counter
        sent = s.query(OutboxMessage).filter_by(dossier_id=d.id, channel="sms", recipient="0905 123 456").all()
        assert sorted(m.event for m in sent) == ["receipt", "submitted"], [m.event for m in sent]
    assert dossier_form_pdf(services, "reception", code, "01").startswith(b"%PDF")
    # the applicant follows it with the code and the phone number, and links it to an account
    assert public_status(services, code, "0905123456", "10.0.0.1")["status_code"] == view["status_code"]
    with pytest.raises(NotFound):
        link_dossier(services, "citizen2", code, "0911111111", "10.0.0.2")
    linked = link_dossier(services, "citizen2", code, "0905123456", "10.0.0.2")
    assert linked["code"] == code
    assert [d["code"] for d in my_dossiers(services, "citizen2")] == [code]
    with pytest.raises(NotFound):  # linked once: nobody else can take it
        link_dossier(services, "citizen", code, "0905123456", "10.0.0.3")


def test_acceptance_needs_every_required_document_scanned_or_seen_on_paper(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        counter(services, papers_seen=[])
    assert [(r.code, r.field) for r in refused.value.reasons] == [
        ("submission.document_required", "documents.giay_to_phap_ly")]
    # registered but not accepted when the checklist leaves a paper unticked: waits in reception's queue
    created = register_at_desk(services, "reception", Submission(
        procedure=HKD, form=FORM, uploads=[Upload("giay_de_nghi", "de-nghi.pdf", PDF)]),
        DeskIntake("counter", WALK_IN, ["giay_to_phap_ly"]), accept=True, checklist={"giay_de_nghi": True})
    assert created["accepted"] is False and created["status_code"] == 1
    assert created["refusal"].reasons[0].code == "desk.document_not_checked"


def test_the_applicant_and_the_desk_are_checked(services: Services) -> None:
    with pytest.raises(Invalid) as refused:
        counter(services, applicant=Applicant(id_number="12345", name=" ", phone="abc"))
    assert {r.field for r in refused.value.reasons} >= {"applicant.id_number", "applicant.name", "applicant.phone"}
    for who in ("citizen", "specialist", "admin"):
        with pytest.raises(Forbidden):
            register_at_desk(services, who, Submission(procedure=HKD, form=FORM),
                             DeskIntake("counter", WALK_IN, ["giay_de_nghi", "giay_to_phap_ly"]))
    with pytest.raises(Invalid) as other:  # a commune's desk cannot register the district's procedure
        register_at_desk(services, "reception2", Submission(procedure=HKD, form=FORM),
                         DeskIntake("counter", WALK_IN, ["giay_de_nghi", "giay_to_phap_ly"]))
    assert other.value.reasons[0].field == "procedure"


def test_a_postal_dossier_starts_its_clock_on_the_day_the_post_arrived(services: Services) -> None:
    now = services.clock.now()
    arrived = datetime(2026, 2, 26, 10, 0, tzinfo=LOCAL)
    with pytest.raises(Invalid) as refused:
        counter(services, received_via="post", arrived_at=None, sender="")
    assert {r.field for r in refused.value.reasons} == {"arrived_at", "sender"}
    with pytest.raises(Invalid):
        counter(services, received_via="post", arrived_at=now + timedelta(days=1), sender="Phạm Thị Mai")
    created = counter(services, received_via="post", arrived_at=arrived, sender="Phạm Thị Mai, Đắk Hà")
    assert created["accepted"] is True
    with services.session_factory() as s:
        d = s.query(Dossier).filter_by(code=created["code"]).one()
        calendar = services.calendar(s)
        assert d.channel == "post" and d.received_at == arrived
        assert d.due_at == calendar.due(arrived, 3, False)
        assert d.due_at < calendar.due(now, 3, False)
        assert s.get(DossierIntake, d.id).sender == "Phạm Thị Mai, Đắk Hà"


@pytest.mark.parametrize("via", ["counter", "post"])
def test_a_person_without_an_account_is_told_on_paper_and_the_dossier_records_it(services: Services,
                                                                                   via: str) -> None:
    """Decree 13/2023: a walk-in (or a dossier by post) is told what their data is processed for, like an
    account holder: the desk reads it out, the receipt (form 01) prints it, the dossier's chain records it."""
    import io

    import pypdf

    from processes import audit
    from processes.people.consent import PAPER_NOTICE, paper_notice_version

    extra = {"received_via": "post", "arrived_at": datetime(2026, 2, 26, 10, 0, tzinfo=LOCAL),
             "sender": "Phạm Thị Mai"} if via == "post" else {}
    code = str(counter(services, **extra)["code"])
    with services.session_factory() as s:
        d = s.query(Dossier).filter_by(code=code).one()
        told = [e for e in s.query(AuditEvent).filter_by(dossier_id=d.id).order_by(AuditEvent.seq)
                if e.kind == "privacy_notice_given"]
        assert [(e.actor, e.detail) for e in told] == [("reception", {
            "purpose": "processing", "decision": "acknowledged", "door": via, "on_paper": True,
            "policy_version": paper_notice_version()})]
        assert audit.verify_dossier(s, d.id).ok
    pdf = dossier_form_pdf(services, "reception", code, "01")
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 1, "the receipt, the notice included, fits on one A5 sheet"
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "Xử lý dữ liệu cá nhân" in text and "Nghị định 13/2023/NĐ-CP, Điều 17" in text
    assert " ".join(PAPER_NOTICE.split()[-8:]) in text  # the whole notice, to its last words


def test_the_agencys_signature_stamp_sits_in_the_receivers_room_to_sign(services: Services) -> None:
    """Form 01 is signed by the agency: its visible stamp fills the room to sign of the right-hand column
    (the receiving officer's), under "(Ký, ghi rõ họ tên)" and above the officer's printed name, which
    it must not cover."""
    import io

    import pypdf

    code = str(counter(services)["code"])
    page = pypdf.PdfReader(io.BytesIO(dossier_form_pdf(services, "reception", code, "01"))).pages[-1]
    x1, y1, x2, y2 = (float(v) for v in signature_widget(page)["/Rect"])
    found: dict[str, float] = {}

    def where(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        for words in ("Người tiếp nhận hồ sơ", "Lê Thị Cúc"):
            if words in text:
                found[words] = tm[5]  # the baseline's height on the page

    page.extract_text(visitor_text=where)
    assert set(found) == {"Người tiếp nhận hồ sơ", "Lê Thị Cúc"}, found
    width = float(page.mediabox.width)
    assert x1 >= width / 2 - 5 and x2 <= width  # the right-hand column
    assert found["Lê Thị Cúc"] + 8 < y1 and y2 < found["Người tiếp nhận hồ sơ"]  # between the heading and the name


def test_a_consulted_agency_finds_the_dossier_it_was_consulted_on(services: Services) -> None:
    from processes.desk.dossier_page import officer_dossier
    from processes.dossier.search import DossierQuery, search_dossiers
    from tests.helpers import work
    from tests.workbench_support import deploy_coordination, submit_coordination

    deploy_coordination(services)
    code = submit_coordination(services)
    assert search_dossiers(services, "specialist_ca", DossierQuery(q=code))["total"] == 0
    for who in ("reception", "specialist"):
        work(services, code, who)
    found = search_dossiers(services, "specialist_ca", DossierQuery(q="nguyen van an"))
    assert [(i["code"], i["consulted"]) for i in found["items"]] == [(code, True)]
    assert officer_dossier(services, "specialist_ca", code)["dossier"]["consulted"] is True
    with pytest.raises(NotFound):
        officer_dossier(services, "specialist_kh", code)
    with pytest.raises(Forbidden):  # the applicant sees it on the own pages, not on the officers'
        officer_dossier(services, "citizen", code)


def test_each_desk_is_offered_the_procedures_it_registers(services: Services) -> None:
    from processes.desk.counter import desk_procedures

    district = {p["code"] for p in desk_procedures(services, "reception")}
    commune = {p["code"] for p in desk_procedures(services, "reception2")}
    assert HKD in district and HKD not in commune
    assert "2.000815" in commune and "2.000815" not in district  # certifying copies: the ward's desk
    assert district and commune and not district & commune
    with pytest.raises(Forbidden):
        desk_procedures(services, "specialist")
