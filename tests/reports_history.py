"""A seeded history of dossiers whose Decision 766 indicators were worked out by hand (the hand
computation is in tests/unit/test_indicators.py); the unit, integration and browser tests share it."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.status import DossierStatus as S
from processes.reports.indicators import DossierRecord, ProcedureRecord

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SINCE = datetime(2026, 1, 1, tzinfo=TZ)
UNTIL = datetime(2026, 4, 1, tzinfo=TZ)  # the first quarter of 2026


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


# Three procedures of the shipped catalogue (bpmn_diagrams/): P1 household business (a fee of 100,000 VND),
# published; P2 birth registration (free), published; P3 marriage registration (free), unpublished here.
P1, P2, P3 = "1.001612", "1.001193", "1.000894"
PROCEDURES = [ProcedureRecord(P1, True), ProcedureRecord(P2, True), ProcedureRecord(P3, False)]
FEE = 100_000
HISTORY = [
    # D01 on time (finished on its appointment day), online, paid online, result online, digitised, rated 5.
    DossierRecord("D01", "A", P1, S.RESULT_RETURNED, "online", at(1, 5), due_at=at(1, 10, 17),
                  finished_at=at(1, 10, 10), delivered_at=at(1, 11), fee_vnd=FEE, payment_method="online",
                  result_channel="online", inputs_attached=True, result_attached=True, rating=5,
                  receipt_notice=True),
    # D02 early (finished five days before), at the counter, paid at the counter, no result file, rated 4.
    DossierRecord("D02", "A", P1, S.RESULT_RETURNED, "counter", at(1, 6), due_at=at(1, 20, 17),
                  finished_at=at(1, 15), delivered_at=at(1, 16), fee_vnd=FEE, payment_method="counter",
                  result_channel="counter", inputs_attached=True, result_attached=False, rating=4),
    # D03 late with one supplement request (finished two days after its moved appointment); apologised;
    # rated 2 (dissatisfied).
    DossierRecord("D03", "A", P2, S.RESULT_RETURNED, "online", at(2, 1), due_at=at(2, 10, 17),
                  finished_at=at(2, 12), delivered_at=at(2, 13), supplement_requests=1, result_channel="online",
                  inputs_attached=True, result_attached=True, rating=2, receipt_notice=True, apology=True),
    # D04 finished before its appointment but with two supplement requests: late. Not yet handed over.
    DossierRecord("D04", "A", P2, S.PROCESSING_FINISHED, "online", at(2, 3), due_at=at(2, 28, 17),
                  finished_at=at(2, 20), supplement_requests=2, inputs_attached=True, result_attached=True,
                  rating=4, receipt_notice=True),
    # D05 unfinished at the period's end and overdue (appointment 20 March): late. Fee unpaid.
    DossierRecord("D05", "A", P1, S.IN_PROCESS, "counter", at(3, 2), due_at=at(3, 20, 17), fee_vnd=FEE),
    # D06 unfinished at the period's end, appointment in April: on time (not early).
    DossierRecord("D06", "A", P3, S.IN_PROCESS, "online", at(3, 25), due_at=at(4, 10, 17), receipt_notice=True),
    # D07 withdrawn by the applicant: received, but not judged.
    DossierRecord("D07", "A", P2, S.WITHDRAWAL_REQUESTED, "online", at(3, 5), finished_at=at(3, 6)),
    # D08 received before the period: outside every figure.
    DossierRecord("D08", "A", P1, S.RESULT_RETURNED, "online", at(12, 30, year=2025), due_at=at(1, 3, 17),
                  finished_at=at(1, 2), fee_vnd=FEE, payment_method="online"),
    # D09 finished late on 5 April, after the period; on 1 April its appointment (3 April) had not passed:
    # judged on time at the period's end. Paid online (in April), counter submission.
    DossierRecord("D09", "A", P1, S.PROCESSING_FINISHED, "counter", at(3, 10), due_at=at(4, 3, 17),
                  finished_at=at(4, 5), fee_vnd=FEE, payment_method="online"),
]



# What the hand computation in tests/unit/test_indicators.py gives: counts; per indicator
# (numerator, denominator, score); groups; total.
EXPECTED = {
    "counts": {"received": 8, "on_time": 4, "early": 1, "late": 3, "unfinished": 3, "rated": 4, "dissatisfied": 1},
    "indicators": {"published_procedures": (2, 3, 4.0), "electronic_receipts": (4, 8, 3.0),
                   "on_time_rate": (4, 7, 8.0), "late_apologised": (1, 3, 2.0),
                   "online_submission_rate": (5, 8, 8.0), "online_payment_rate": (2, 4, 4.0),
                   "online_procedures": (3, 3, 6.0), "electronic_result_rate": (2, 3, 4.0),
                   "digitised_rate": (3, 4, 5.63), "satisfaction_rate": (4, 7, 4.29)},
    "groups": {"transparency": 10.5, "progress": 10.0, "online": 18.0, "digitisation": 17.65, "satisfaction": 6.43},
    "total": 62.57,
}


def seed(services: Any, agency_code: str = "000.00.22.H34", history: list[DossierRecord] | None = None) -> None:
    """Write the history as dossiers of an agency (with their payments, deliveries, attachments,
    notices and ratings); P3 is unpublished."""
    import sqlalchemy as sa

    from models import Agency, Attachment, Dossier, DossierNotice, Procedure, User
    from models.portal import Feedback
    from models.workbench import FeePayment, ResultDelivery
    from processes.uow import UnitOfWork

    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        agency_id = s.scalar(sa.select(Agency.id).where(Agency.code == agency_code))
        citizen = s.scalar(sa.select(User.id).where(User.username == "citizen"))
        officer = s.scalar(sa.select(User.id).where(User.username == "reception"))
        procs = {p.code: p for p in s.scalars(sa.select(Procedure).where(Procedure.code.in_((P1, P2, P3))))}
        procs[P3].published_at = None
        for r in history or HISTORY:
            p = procs[r.procedure]
            d = Dossier(code=f"{agency_code}-{r.code}", procedure_id=p.id, definition_id=p.current_definition_id,
                        agency_id=agency_id, applicant_id=citizen, applicant_name="Nguyễn Văn An",
                        status_code=int(r.status), channel=r.channel, result_channel=r.result_channel or "counter",
                        form={}, received_at=r.received_at, accepted_at=r.received_at, due_at=r.due_at,
                        finished_at=r.finished_at, delivered_at=r.delivered_at, paused_at=r.paused_at,
                        supplement_count=r.supplement_requests, state=b"{}")
            s.add(d)
            s.flush()
            if r.payment_method:
                s.add(FeePayment(dossier_id=d.id, amount_vnd=FEE, receipt_no=f"BL-{r.code}",
                                 paid_at=r.finished_at or r.received_at, received_by=officer, method=r.payment_method))
            if r.result_channel:
                s.add(ResultDelivery(dossier_id=d.id, channel=r.result_channel,
                                     delivered_at=r.delivered_at or r.received_at, delivered_by=officer))
            for wanted, key in ((r.inputs_attached, "don"), (r.result_attached, "result")):
                if wanted:
                    s.add(Attachment(dossier_id=d.id, document_key=key, filename=f"{key}.pdf",
                                     content_type="application/pdf", size=4, sha256="0" * 64,
                                     uploaded_at=r.received_at, uploaded_by=officer))
            for wanted, form_no in ((r.receipt_notice, "01"), (r.apology, "04")):
                if wanted:
                    s.add(DossierNotice(dossier_id=d.id, at=r.received_at, form_no=form_no, title=form_no, body=""))
            if r.rating is not None:
                s.add(Feedback(kind="dossier", dossier_id=d.id, user_id=citizen, rating=r.rating, comment="",
                               created_at=r.finished_at or r.received_at))
        uow.commit()
