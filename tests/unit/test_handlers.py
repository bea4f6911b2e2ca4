"""The service-task handlers, as the regulation reads: each one given a hand-built context with the
real working calendar, no database and no engine."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.config import PROJECT_ROOT
from engine.calendar import WorkCalendar
from handlers import reception, result
from handlers.default import default_registry
from handlers.registry import DossierFacts, HandlerContext, HandlerRegistry, ProcedureFacts

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOGUE = tomllib.loads((PROJECT_ROOT / "bpmn_diagrams" / "dang_ky_ho_kinh_doanh.toml").read_text("utf-8"))
CALENDAR = WorkCalendar()  # the defaults are the configured ones: 07:30–11:30, 13:00–17:00, Vietnam
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=LOCAL)  # type: ignore[misc]


def hkd() -> ProcedureFacts:
    return ProcedureFacts(code=CATALOGUE["code"], name=CATALOGUE["name"],
                          processing_time_days=float(CATALOGUE["processing_time_days"]),
                          same_day=bool(CATALOGUE["same_day"]), documents=list(CATALOGUE["documents"]),
                          fees=list(CATALOGUE["fees"]), catalogue=CATALOGUE)


def context(now: datetime = MONDAY, documents: dict[str, str] | None = None, variables: dict[str, Any] | None = None,
            element_id: str = "Task_x", **facts: Any) -> HandlerContext:
    dossier = DossierFacts(code="000.00.22.H34-260302-0001", status_code=facts.pop("status_code", 1),
                           applicant_name="Nguyễn Văn An", result_channel=facts.pop("result_channel", "counter"),
                           form={}, documents=documents if documents is not None else
                           {"giay_de_nghi": "a" * 64, "giay_to_phap_ly": "b" * 64},
                           received_at=facts.pop("received_at", now), **facts)
    return HandlerContext(element_id=element_id, topic="-", dossier=dossier, procedure=hkd(),
                          variables=variables or {}, now=now, calendar=CALENDAR)


def kinds(ctx: HandlerContext) -> list[str]:
    return [kind for kind, _ in ctx.events]


# -- completeness (R14.1, R14.4) ------------------------------------------------------------------
def test_complete_dossier_has_nothing_missing_and_half_a_working_day_to_forward() -> None:
    out = reception.check_completeness(context())
    assert out["complete"] is True and out["missing_documents"] == []
    assert datetime.fromisoformat(out["forward_due"]) == local(2026, 3, 2, 14, 30)


def test_completeness_names_each_missing_required_document_and_ignores_optional_ones() -> None:
    out = reception.check_completeness(context(documents={"giay_de_nghi": "a" * 64, "giay_uy_quyen": "c" * 64}))
    assert out["complete"] is False
    assert out["missing_documents"] == [d["name"] for d in CATALOGUE["documents"] if d["key"] == "giay_to_phap_ly"]
    assert "CCCD" in out["missing_documents"][0]


def test_forward_limit_submitted_friday_afternoon_runs_into_monday() -> None:
    out = reception.check_completeness(context(now=local(2026, 3, 6, 16, 0)))
    assert datetime.fromisoformat(out["forward_due"]) == local(2026, 3, 9, 10, 30)


# -- acceptance (R14.3) ---------------------------------------------------------------------------
def test_accepted_on_friday_before_tet_is_due_three_working_days_after_the_holiday() -> None:
    ctx = context(now=local(2026, 2, 13, 10, 0))
    out = reception.accept_dossier(ctx)
    d = ctx.dossier
    assert d.status_code == 2
    assert d.accepted_at == local(2026, 2, 13, 10, 0)
    assert d.due_at == local(2026, 2, 25, 10, 0)  # Tết 16–20/2 and the weekends are not counted
    assert datetime.fromisoformat(out["due_at"]) == d.due_at


def test_acceptance_sends_receipt_form_01_with_appointment_fee_and_originals_to_bring() -> None:
    ctx = context(now=local(2026, 2, 13, 10, 0))
    reception.accept_dossier(ctx)
    [notice] = ctx.notices
    assert notice.form_no == "01"
    assert "10:00 ngày 25/02/2026" in notice.body
    assert "100.000 đồng" in notice.body
    assert "Giấy đề nghị đăng ký hộ kinh doanh" in notice.body
    assert kinds(ctx) == ["dossier_accepted"]


# -- supplement (R14.2) ---------------------------------------------------------------------------
def test_supplement_request_pauses_the_clock_counts_rounds_and_says_what_is_missing() -> None:
    ctx = context(variables={"reception_note": "Ảnh CCCD bị mờ", "missing_documents": ["Bản sao CCCD"]},
                  supplement_count=1)
    reception.request_supplement(ctx)
    d = ctx.dossier
    assert (d.status_code, d.paused_at, d.supplement_count) == (5, MONDAY, 2)
    [notice] = ctx.notices
    assert notice.form_no == "02"
    assert "Ảnh CCCD bị mờ" in notice.body and "Bản sao CCCD" in notice.body
    assert ctx.events == [("supplement_requested", {"note": "Ảnh CCCD bị mờ", "missing": ["Bản sao CCCD"],
                                                    "round": 2})]


def test_supplement_request_without_a_note_still_tells_how_to_supplement() -> None:
    ctx = context()
    reception.request_supplement(ctx)
    assert "Cổng dịch vụ công" in ctx.notices[0].body


# -- refusal (R15.3) ------------------------------------------------------------------------------
def test_refusal_before_acceptance_is_status_3_not_accepted() -> None:
    ctx = context(variables={"reception_note": "Ngành nghề cấm kinh doanh"})
    reception.refuse_dossier(ctx)
    assert ctx.dossier.status_code == 3
    assert ctx.dossier.finished_at is None
    assert ctx.notices[0].form_no == "03" and "Ngành nghề cấm kinh doanh" in ctx.notices[0].body


def test_refusal_after_acceptance_is_status_8_stopped_with_the_first_reason_given() -> None:
    ctx = context(accepted_at=MONDAY - timedelta(days=1), status_code=4,
                  variables={"leader_note": " ", "specialist_note": "Địa điểm không phù hợp quy hoạch"})
    reception.refuse_dossier(ctx)
    assert ctx.dossier.status_code == 8
    assert ctx.dossier.finished_at == MONDAY
    assert ctx.events == [("dossier_refused", {"reasons": "Địa điểm không phù hợp quy hoạch"})]


def test_refusal_without_any_reason_gives_a_general_one() -> None:
    ctx = context()
    reception.refuse_dossier(ctx)
    assert "không đủ điều kiện" in ctx.notices[0].body


# -- result (R8.3–R8.5, R14.4) --------------------------------------------------------------------
def test_finished_before_the_appointment_is_on_time() -> None:
    ctx = context(status_code=4, due_at=MONDAY + timedelta(hours=1))
    assert result.finish_processing(ctx) == {"finished_on_time": True}
    assert (ctx.dossier.status_code, ctx.dossier.finished_at, ctx.dossier.late) == (9, MONDAY, False)
    assert "bộ phận một cửa" in ctx.notices[0].body  # the channel the applicant chose: counter


def test_finished_after_the_appointment_is_late() -> None:
    ctx = context(status_code=4, due_at=MONDAY - timedelta(minutes=1))
    assert result.finish_processing(ctx) == {"finished_on_time": False}
    assert ctx.dossier.late is True


def test_delivery_records_the_channel_and_returns_status_10() -> None:
    ctx = context(status_code=9, result_channel="post", variables={"delivery_note": "Gửi EMS"})
    result.deliver_result(ctx)
    assert (ctx.dossier.status_code, ctx.dossier.delivered_at) == (10, MONDAY)
    assert ctx.events == [("result_delivered", {"channel": "post", "note": "Gửi EMS"})]


def test_forward_overdue_alerts_the_leaders_of_the_agency() -> None:
    ctx = context(element_id="Task_notify_leader_forward_overdue")
    assert result.notify_leader_forward_overdue(ctx) == {"forward_overdue": True}
    [alert] = ctx.alerts
    assert alert.role == "leader" and ctx.dossier.code in alert.body
    assert ctx.notices == []


# -- the registry ---------------------------------------------------------------------------------
def test_default_registry_has_every_topic_the_diagrams_use() -> None:
    assert default_registry().topics() >= {"check_completeness", "accept_dossier", "request_supplement",
                                           "refuse_dossier", "finish_processing", "deliver_result",
                                           "notify_leader_forward_overdue"}


def test_registry_refuses_a_topic_twice_and_names_an_unknown_topic() -> None:
    registry = HandlerRegistry()
    registry.register("x")(reception.accept_dossier)
    with pytest.raises(ValueError, match="'x'"):
        registry.register("x")(reception.refuse_dossier)
    with pytest.raises(LookupError, match="'nope'"):
        registry.get("nope")
