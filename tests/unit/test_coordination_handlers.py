"""Coordination with consulted agencies (R8.2) and financial obligations (status 6), handler by handler,
with the real working calendar and the land procedure's catalogue; no database, no engine."""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.calendar import WorkCalendar
from handlers import coordination
from handlers.default import default_registry
from handlers.registry import DossierFacts, HandlerContext, ProcedureFacts

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CALENDAR = WorkCalendar()
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL)
CATALOGUE: dict[str, Any] = {
    "code": "9.999999", "name": "Thủ tục thử",
    "agencies": {"police": "000.00.90.H34", "tax": "000.41.22.H34"},
}
FEES = [{"name": "Lệ phí", "amount_vnd": 100000}, {"name": "Phí", "amount_vnd": 25000}]


def context(now: datetime = MONDAY, properties: dict[str, str] | None = None,
            variables: dict[str, Any] | None = None, **facts: Any) -> HandlerContext:
    dossier = DossierFacts(code="000.00.05.H34-260302-0001", status_code=facts.pop("status_code", 4),
                           applicant_name="Nguyễn Văn An", result_channel="counter", form={}, documents={},
                           received_at=MONDAY, **facts)
    procedure = ProcedureFacts(code=CATALOGUE["code"], name=CATALOGUE["name"], processing_time_days=10,
                               same_day=False, documents=[], fees=FEES, catalogue=CATALOGUE)
    return HandlerContext(element_id="Task_consult", topic="-", dossier=dossier, procedure=procedure,
                          variables=variables or {}, now=now, calendar=CALENDAR, properties=properties or {})


def test_the_new_topics_are_registered() -> None:
    assert {"notify_consulted_agency", "request_payment", "payment_confirmed"} <= default_registry().topics()


# -- coordination request (R8.2) -------------------------------------------------------------------
def test_coordination_request_alerts_the_consulted_agency_with_its_sub_deadline() -> None:
    ctx = context(properties={"agency": "police", "due_days": "5"})
    out = coordination.notify_consulted_agency(ctx)
    [alert] = ctx.alerts
    assert (alert.agency, alert.role) == ("000.00.90.H34", "specialist")
    assert "000.00.05.H34-260302-0001" in alert.title
    assert "09:00 ngày 09/03/2026" in alert.body  # five working days after Monday 09:00
    [(kind, detail)] = ctx.events
    assert kind == "coordination_requested"
    assert detail == {"agency": "police", "agency_code": "000.00.90.H34",
                      "due_at": datetime(2026, 3, 9, 9, 0, tzinfo=LOCAL).isoformat()}
    assert out == {"coordination_police_requested_at": MONDAY.isoformat()}
    assert ctx.notices == []  # the applicant is not bothered with the agencies' correspondence


def test_coordination_request_may_name_the_role_to_alert_and_need_no_deadline() -> None:
    ctx = context(properties={"agency": "tax", "role": "leader"})
    coordination.notify_consulted_agency(ctx)
    assert (ctx.alerts[0].agency, ctx.alerts[0].role) == ("000.41.22.H34", "leader")
    assert ctx.events[0][1]["due_at"] is None


@pytest.mark.parametrize("properties", [{}, {"agency": "court"}, {"agency": " "}])
def test_a_coordination_request_to_an_agency_outside_the_catalogue_names_the_task(
        properties: dict[str, str]) -> None:
    with pytest.raises(coordination.CoordinationError, match=r"Task_consult: consulted agency .* \[agencies\]"):
        coordination.notify_consulted_agency(context(properties=properties))


# -- financial obligations (status 6) ---------------------------------------------------------------
def test_payment_request_uses_the_amount_the_officer_set_and_stops_the_clock_when_told() -> None:
    due = datetime(2026, 3, 16, 9, 0, tzinfo=LOCAL)
    ctx = context(properties={"stops_clock": "true"}, due_at=due,
                  variables={"payment_amount_vnd": 12500000, "payment_note": "tiền sử dụng đất"})
    out = coordination.request_payment(ctx)
    assert ctx.dossier.status_code == 6
    assert ctx.dossier.paused_at == MONDAY
    assert "12.500.000 đồng (tiền sử dụng đất)" in ctx.notices[0].body
    assert "không tính vào thời hạn" in ctx.notices[0].body
    assert out == {"payment_amount_vnd": 12500000}
    assert ctx.events[0] == ("payment_requested", {"amount_vnd": 12500000, "note": "tiền sử dụng đất",
                                                   "stops_clock": True})


def test_payment_request_without_an_amount_asks_for_the_catalogue_fees_and_keeps_the_clock_running() -> None:
    ctx = context(variables={"payment_amount_vnd": "nhiều"})
    coordination.request_payment(ctx)
    assert ctx.dossier.status_code == 6 and ctx.dossier.paused_at is None
    assert "125.000 đồng" in ctx.notices[0].body
    assert "không tính vào thời hạn" not in ctx.notices[0].body


def test_confirmed_payment_resumes_the_clock_and_moves_the_appointment_by_the_time_spent_paying() -> None:
    paused = MONDAY
    due = datetime(2026, 3, 16, 9, 0, tzinfo=LOCAL)
    confirmed = datetime(2026, 3, 4, 9, 0, tzinfo=LOCAL)  # two working days later
    ctx = context(now=confirmed, status_code=6, paused_at=paused, due_at=due,
                  variables={"payment_receipt": "BL-0042"})
    coordination.payment_confirmed(ctx)
    assert ctx.dossier.status_code == 4 and ctx.dossier.paused_at is None
    assert ctx.dossier.due_at == datetime(2026, 3, 18, 9, 0, tzinfo=LOCAL)
    assert "BL-0042" in ctx.notices[0].body and "09:00 ngày 18/03/2026" in ctx.notices[0].body
    assert ctx.events[0][0] == "payment_confirmed"


def test_confirmed_payment_with_a_running_clock_keeps_the_appointment() -> None:
    due = datetime(2026, 3, 16, 9, 0, tzinfo=LOCAL)
    ctx = context(status_code=6, due_at=due)
    coordination.payment_confirmed(ctx)
    assert ctx.dossier.status_code == 4 and ctx.dossier.due_at == due
    assert ctx.notices == []


# -- deploy-time check ------------------------------------------------------------------------------
def test_a_diagram_whose_consulted_agency_is_missing_from_its_catalogue_is_refused_naming_each_task() -> None:
    from adapters.config import PROJECT_ROOT
    from processes.definitions.deploy import DiagramSource, validate_source

    bpmn = PROJECT_ROOT / "bpmn_diagrams" / "cap_phieu_ly_lich_tu_phap.bpmn"
    sidecar = bpmn.with_suffix(".toml").read_text("utf-8").replace('police = "000.00.90.H34"', "")
    source = DiagramSource(str(bpmn), bpmn.read_bytes(), str(bpmn.with_suffix(".toml")), sidecar.encode())
    problems = validate_source(source, default_registry().topics()).problems
    assert sorted(p.element_id for p in problems) == ["Task_police_lookup", "Task_request_police"]
    assert all("consulted agency 'police' is not in the [agencies] table" in p.message and p.line
               for p in problems)
