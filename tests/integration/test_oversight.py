"""Oversight over a real database (R8.3, R10.1, R17.1): the Decision 766 indicators read from the
seeded history match the hand computation; who may see which agency; the annual report's reminders."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import ManualClock
from models import OutboxMessage
from processes.errors import Forbidden, Invalid
from processes.reports import oversight
from processes.uow import UnitOfWork
from tests.reports_history import EXPECTED, seed

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAIN, WARD = "000.00.22.H34", "000.25.22.H34"


@pytest.fixture
def seeded(services: Services, clock: ManualClock) -> Services:
    seed(services)
    clock.set(datetime(2026, 4, 2, 9, tzinfo=TZ))
    return services


def _figures(r: dict) -> dict:
    ind = {i["key"]: i for i in r["indicators"]}
    return {"counts": r["counts"],
            "indicators": {k: (ind[k]["numerator"], ind[k]["denominator"], ind[k]["score"])
                           for k in EXPECTED["indicators"]},
            "groups": {g["key"]: g["score"] for g in r["groups"]}, "total": r["total"]}


def test_the_leader_and_the_province_see_the_hand_computed_figures(seeded: Services) -> None:
    mine = oversight.indicators(seeded, "leader", "", "2026-01-01", "2026-03-31")
    assert mine["agency"] == {"code": MAIN, "name": "Ủy ban nhân dân thành phố Kon Tum"}
    assert _figures(mine) == EXPECTED
    province = oversight.indicators(seeded, "admin", "", "2026-01-01", "2026-03-31")
    assert province["agency"]["code"] == "" and _figures(province) == EXPECTED
    # The drill-down names the dossiers behind each figure.
    on_time = next(i for i in mine["indicators"] if i["key"] == "on_time_rate")
    assert on_time["dossiers"] == [f"{MAIN}-D0{n}" for n in (1, 2, 6, 9)]
    # One procedure: P2 (birth registration) only has D03, D04 (late) and D07 (withdrawn).
    births = oversight.indicators(seeded, "leader", "", "2026-01-01", "2026-03-31", "1.001193")
    assert births["counts"]["received"] == 3 and births["counts"]["late"] == 2


def test_a_leader_sees_the_agencies_below_and_not_above(seeded: Services) -> None:
    ward = oversight.indicators(seeded, "leader", WARD, "2026-01-01", "2026-03-31")
    assert ward["counts"]["received"] == 0 and ward["total"] is None
    with pytest.raises(Forbidden):
        oversight.indicators(seeded, "leader2", MAIN)
    with pytest.raises(Forbidden):
        oversight.indicators(seeded, "leader_tp", MAIN)
    with pytest.raises(Forbidden):
        oversight.indicators(seeded, "citizen")
    with pytest.raises(Invalid):
        oversight.indicators(seeded, "admin", "000.99.99.H34")
    with pytest.raises(Invalid):
        oversight.indicators(seeded, "leader", "", "2026-03-31", "2026-01-01")
    names = [a["name"] for a in oversight.choices(seeded, "leader")["agencies"]]
    assert names == ["Ủy ban nhân dân thành phố Kon Tum", "Ủy ban nhân dân phường Quyết Thắng",
                     "Ủy ban nhân dân phường Thắng Lợi"]


def test_the_dashboard_and_the_annual_report(seeded: Services) -> None:
    board = oversight.dashboard(seeded, "admin", "", "2026")
    assert [(m["on_time"], m["judged"]) for m in board["months"][:3]] == [(2, 2), (0, 2), (2, 3)]
    assert board["ranking"][0]["code"] in (MAIN, "000.00.00.H34")
    assert {r["code"] for r in board["ranking"]} == {MAIN, "000.00.00.H34"}  # the agency and the province above
    report = oversight.annual_report(seeded, "leader", "", 2026)
    assert report["year"] == 2026 and report["counts"]["received"] == 8
    assert sum(p["received"] for p in report["per_procedure"]) == 8
    with pytest.raises(Invalid):
        oversight.annual_report(seeded, "leader", "", "20x6")


def test_the_annual_report_downloads_as_xlsx_and_pdf_and_opens(seeded: Services) -> None:
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    data, name = oversight.annual_report_file(seeded, "leader", "", "2026", "xlsx")
    assert name == f"bao-cao-nam-2026-{MAIN}.xlsx"
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Tổng hợp", "Chỉ số", "Theo thủ tục", "Theo cơ quan"]
    rows = {r[0]: r for r in wb["Chỉ số"].iter_rows(values_only=True)}
    assert rows["Mã"][1] == "Chỉ số" and rows["on_time_rate"][3:5] == (4, 8 - 1)
    pdf, name = oversight.annual_report_file(seeded, "admin", "", "2026", "pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert name == "bao-cao-nam-2026-toan-tinh.pdf" and "NĂM 2026" in text and "Toàn tỉnh".upper() in text


def test_the_reminders_are_queued_on_their_dates_once(services: Services) -> None:
    def keys() -> list[str]:
        with UnitOfWork(services.session_factory) as uow:
            return sorted(uow.session.scalars(sa.select(OutboxMessage.key)
                                              .where(OutboxMessage.key.like("annual_report:%"))))

    assert oversight.queue_annual_reminders(services, datetime(2026, 11, 14, 23, tzinfo=TZ)) == 0
    queued = oversight.queue_annual_reminders(services, datetime(2026, 11, 15, 8, tzinfo=TZ))
    leaders = keys()
    assert queued == len(leaders) > 0 and all(":agency:" in k for k in leaders)
    assert any(k.endswith(":leader@example.vn") and MAIN in k for k in leaders)
    with UnitOfWork(services.session_factory) as uow:
        when = {m.created_at for m in uow.session.scalars(sa.select(OutboxMessage)
                                                          .where(OutboxMessage.key.like("annual_report:%")))}
    assert when == {datetime(2026, 11, 15, 8, tzinfo=TZ)}  # queued on the day, by that sweep
    assert oversight.queue_annual_reminders(services, datetime(2026, 11, 20, 8, tzinfo=TZ)) == 0  # once each
    assert oversight.queue_annual_reminders(services, datetime(2026, 12, 16, 8, tzinfo=TZ)) == 1  # the admin
    assert [k for k in keys() if ":province:" in k] == ["annual_report:2026:province:province:admin@example.vn"]


def test_feedback_is_answered_to_its_author_published_and_closed(seeded: Services) -> None:
    from models.portal import Feedback
    from processes.errors import Conflict
    from processes.reports import feedback_answers
    from processes.submission import feedback

    general = feedback.give_feedback(seeded, None, "Bãi gửi xe chật.", "Trần Văn C", "c@example.vn", ip="10.0.0.1")
    # The leader of the city sees the ratings of the city's dossiers, not general feedback.
    mine = feedback_answers.list_for_answer(seeded, "leader")
    assert {f["dossier"] for f in mine} == {f"{MAIN}-D0{n}" for n in (1, 2, 3, 4)} and general not in [
        f["id"] for f in mine]
    assert feedback_answers.list_for_answer(seeded, "leader2") == []
    rated = next(f for f in mine if f["rating"] == 2)
    answered = feedback_answers.answer_feedback(seeded, "leader", rated["id"], "Xin lỗi ông, chúng tôi đã rút "
                                                "kinh nghiệm.", publish=True)
    assert answered["status"] == "answered" and answered["answered_by"] == "leader"
    with pytest.raises(Forbidden):
        feedback_answers.answer_feedback(seeded, "leader", general, "Cảm ơn.")
    with pytest.raises(Invalid):
        feedback_answers.answer_feedback(seeded, "admin", general, "   ")
    feedback_answers.answer_feedback(seeded, "admin", general, "Đã mở rộng bãi xe.")
    with UnitOfWork(seeded.session_factory) as uow:
        mails = {m.recipient: (m.subject, m.body) for m in uow.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.key.like("feedback_answer:%")))}
        statuses = dict(uow.session.execute(sa.select(Feedback.id, Feedback.status)).all())
    assert mails["citizen@example.vn"][0] == f"Trả lời góp ý số {rated['id']} về hồ sơ {MAIN}-D03"
    assert "Đã mở rộng bãi xe." in mails["c@example.vn"][1]
    assert statuses[general] == "answered"
    public = feedback_answers.published_answers(seeded)
    assert [a["id"] for a in public] == [rated["id"]] and "name" not in public[0]
    feedback_answers.close_feedback(seeded, "admin", general)
    with pytest.raises(Conflict):
        feedback_answers.answer_feedback(seeded, "admin", general, "Thêm nữa.")
    assert [f["id"] for f in feedback_answers.list_for_answer(seeded, "admin", "closed")] == [general]
