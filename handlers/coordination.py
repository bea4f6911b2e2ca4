"""Coordination between agencies (R8.2) and the applicant's financial obligations (status 6).

A coordination request is a service task `notify_consulted_agency` with camunda:properties
`agency` (a key of the catalogue's `[agencies]` table), optionally `due_days` (the consulted agency's
sub-deadline in working days) and `role` (whom to alert there, `specialist` by default). The consulted
agency's work itself is the user task that follows, in its own queue (processes.dossier.dossier_run).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.registry import HandlerContext, HandlerRegistry
from handlers.texts import fmt_instant, fmt_vnd
from models.status import DossierStatus


class CoordinationError(ValueError):
    """A coordination task the catalogue cannot satisfy; names the element and what is missing."""


def consulted_agency(ctx: HandlerContext) -> tuple[str, str]:
    """(key, e-code) of the agency named by the task's `agency` property in the catalogue."""
    key = str(ctx.properties.get("agency") or "").strip()
    code = ctx.procedure.catalogue.get("agencies", {}).get(key) if key else None
    if not code:
        raise CoordinationError(f"{ctx.element_id}: consulted agency '{key}' is not in the [agencies] table of "
                                f"the catalogue of {ctx.procedure.code}")
    return key, str(code)


def notify_consulted_agency(ctx: HandlerContext) -> Mapping[str, Any]:
    """R8.2: the lead agency sends a coordination request; the consulted agency's officers are alerted
    with the sub-deadline, and the request is recorded on the dossier's audit trail."""
    key, code = consulted_agency(ctx)
    days = ctx.properties.get("due_days")
    due = ctx.calendar.add_working_days(ctx.now, float(days)) if days else None
    role = str(ctx.properties.get("role") or "specialist")
    d = ctx.dossier
    ctx.alert(role, f"Đề nghị phối hợp giải quyết hồ sơ {d.code}",
              f"Cơ quan chủ trì đề nghị phối hợp giải quyết hồ sơ {d.code} ({ctx.procedure.name}). "
              + (f"Hạn trả lời: {fmt_instant(due)}." if due else "Đề nghị trả lời sớm."), agency=code)
    ctx.record("coordination_requested", agency=key, agency_code=code, due_at=due.isoformat() if due else None)
    return {f"coordination_{key}_requested_at": ctx.now.isoformat()}


def request_payment(ctx: HandlerContext) -> Mapping[str, Any]:
    """Status 6: the applicant is told what to pay (`payment_amount_vnd` set by an officer, else the
    catalogue's fees) and how. With the task property `stops_clock` = true, the statutory clock stops
    until payment is confirmed (where the law does not count that time, e.g. land financial obligations)."""
    d = ctx.dossier
    amount = ctx.variables.get("payment_amount_vnd")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        amount = sum(int(f.get("amount_vnd", 0)) for f in ctx.procedure.fees)
    note = str(ctx.variables.get("payment_note") or "").strip()
    stops = str(ctx.properties.get("stops_clock", "false")).lower() == "true"
    d.status_code = DossierStatus.PAYMENT_REQUESTED
    if stops:
        d.paused_at = ctx.now
    ctx.notify("Thông báo thực hiện nghĩa vụ tài chính",
               f"Hồ sơ {d.code} ({ctx.procedure.name}): đề nghị nộp {fmt_vnd(amount)}"
               + (f" ({note})" if note else "") + ". Nộp trực tuyến trên Cổng dịch vụ công, tại kho bạc hoặc ngân "
               "hàng theo thông báo; sau khi nộp, gửi chứng từ cho bộ phận một cửa."
               + (" Thời gian thực hiện nghĩa vụ tài chính không tính vào thời hạn giải quyết." if stops else ""))
    ctx.record("payment_requested", amount_vnd=amount, note=note, stops_clock=stops)
    return {"payment_amount_vnd": amount}


def payment_confirmed(ctx: HandlerContext) -> Mapping[str, Any]:
    """Back to status 4 once the desk has seen the receipt; a stopped clock resumes and the
    appointment moves by the working time spent paying (the applicant is told the new date)."""
    d = ctx.dossier
    receipt = str(ctx.variables.get("payment_receipt") or "").strip()
    d.status_code = DossierStatus.IN_PROCESS
    if d.paused_at is not None and d.due_at is not None:
        d.due_at = ctx.calendar.resume_due(d.due_at, d.paused_at, ctx.now)
        ctx.notify("Đã hoàn thành nghĩa vụ tài chính",
                   f"Hồ sơ {d.code} đã hoàn thành nghĩa vụ tài chính"
                   + (f" (chứng từ {receipt})" if receipt else "")
                   + f". Ngày hẹn trả kết quả: {fmt_instant(d.due_at)}.")
    d.paused_at = None
    ctx.record("payment_confirmed", receipt=receipt, due_at=d.due_at.isoformat() if d.due_at else None)
    return {}


def register(registry: HandlerRegistry) -> None:
    registry.register("notify_consulted_agency")(notify_consulted_agency)
    registry.register("request_payment")(request_payment)
    registry.register("payment_confirmed")(payment_confirmed)
