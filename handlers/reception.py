"""Reception & result desk handlers (R14): completeness, acceptance, supplement, refusal."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.registry import HandlerContext, HandlerRegistry
from handlers.texts import fmt_instant, fmt_vnd
from models.status import DossierStatus

FORWARD_LIMIT_HOURS = 4  # R14.4: half a working day to forward a complete dossier


def check_completeness(ctx: HandlerContext) -> Mapping[str, Any]:
    """R14.1: which required documents are missing; the forward limit of reception (R14.4)."""
    missing = [d["name"] for d in ctx.procedure.documents
               if d.get("required") and d["key"] not in ctx.dossier.documents]
    forward_due = ctx.calendar.add_working_hours(ctx.now, FORWARD_LIMIT_HOURS)
    return {"complete": not missing, "missing_documents": missing, "forward_due": forward_due.isoformat()}


def accept_dossier(ctx: HandlerContext) -> Mapping[str, Any]:
    """R14.3: accept, start the statutory clock, send the receipt with the appointment (form 01)."""
    d = ctx.dossier
    d.accepted_at = ctx.now
    # A dossier sent by post counts from the day the post reached the agency, not from the day
    # reception got round to registering it (docs/time.md, "When the clock starts").
    start = d.received_at if d.channel == "post" and d.received_at <= ctx.now else ctx.now
    d.due_at = ctx.calendar.due(start, ctx.procedure.processing_time_days, ctx.procedure.same_day)
    d.status_code = DossierStatus.ACCEPTED
    fees = "; ".join(f"{f['name']}: {fmt_vnd(f.get('amount_vnd', 0))}" for f in ctx.procedure.fees) or "Không thu phí"
    papers = ", ".join(x["name"] for x in ctx.procedure.documents if x.get("required"))
    ctx.notify(
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        f"Hồ sơ {d.code} ({ctx.procedure.name}) đã được tiếp nhận lúc {fmt_instant(ctx.now)}. "
        f"Ngày hẹn trả kết quả: {fmt_instant(d.due_at)}. Khi nhận kết quả, mang theo bản chính: {papers}. "
        f"Phí, lệ phí: {fees} (cách nộp: xem phiếu hẹn trả kết quả mẫu 01 và trang hồ sơ trên Cổng dịch vụ công).",
        form_no="01")
    ctx.record("dossier_accepted", due_at=d.due_at.isoformat())
    return {"due_at": d.due_at.isoformat()}


def request_supplement(ctx: HandlerContext) -> Mapping[str, Any]:
    """R14.2: tell the applicant what to supplement and how (form 02); the clock stops."""
    d = ctx.dossier
    d.status_code = DossierStatus.SUPPLEMENT_REQUESTED
    d.paused_at = ctx.now
    d.supplement_count += 1
    what = str(ctx.variables.get("reception_note") or ctx.variables.get("specialist_note") or "").strip()
    missing = ctx.variables.get("missing_documents") or []
    lines = [what] if what else []
    if missing:
        lines.append("Giấy tờ còn thiếu: " + ", ".join(missing))
    ctx.notify(
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        f"Hồ sơ {d.code} cần bổ sung: {' '.join(lines) or 'xem ghi chú của cán bộ'}. "
        f"Cách bổ sung: đăng nhập Cổng dịch vụ công, mở hồ sơ và tải lên giấy tờ bổ sung.",
        form_no="02")
    ctx.record("supplement_requested", note=what, missing=missing, round=d.supplement_count)
    return {}


def refuse_dossier(ctx: HandlerContext) -> Mapping[str, Any]:
    """R15.3 / refusal at the desk: a notice with reasons (form 03)."""
    d = ctx.dossier
    reasons = next((str(ctx.variables[k]).strip() for k in ("leader_note", "specialist_note", "reception_note")
                    if str(ctx.variables.get(k) or "").strip()), "Hồ sơ không đủ điều kiện giải quyết.")
    d.status_code = (DossierStatus.NOT_ACCEPTED if d.accepted_at is None
                     else DossierStatus.PROCESSING_STOPPED)
    if d.accepted_at is not None:
        d.finished_at = ctx.now
    ctx.notify("Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
               f"Hồ sơ {d.code} không được giải quyết. Lý do: {reasons}", form_no="03")
    ctx.record("dossier_refused", reasons=reasons)
    return {}


def register(registry: HandlerRegistry) -> None:
    registry.register("check_completeness")(check_completeness)
    registry.register("accept_dossier")(accept_dossier)
    registry.register("request_supplement")(request_supplement)
    registry.register("refuse_dossier")(refuse_dossier)
