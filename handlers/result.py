"""Result and escalation handlers (R8.1, R8.4, R8.5, R14.4)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.registry import HandlerContext, HandlerRegistry
from handlers.texts import CHANNEL_NAMES, fmt_instant
from models.status import DossierStatus


def finish_processing(ctx: HandlerContext) -> Mapping[str, Any]:
    """The result is ready at reception; measured against the statutory time (R8.3)."""
    d = ctx.dossier
    d.status_code = DossierStatus.PROCESSING_FINISHED
    d.finished_at = ctx.now
    on_time = d.due_at is None or ctx.now <= d.due_at
    d.late = d.late or not on_time
    ctx.notify("Hồ sơ đã có kết quả",
               f"Hồ sơ {d.code} đã giải quyết xong lúc {fmt_instant(ctx.now)}. Kết quả được trả qua: "
               f"{CHANNEL_NAMES.get(d.result_channel, d.result_channel)}.")
    ctx.record("processing_finished", on_time=on_time)
    return {"finished_on_time": on_time}


def deliver_result(ctx: HandlerContext) -> Mapping[str, Any]:
    """R8.4/R8.5: the result handed over by the channel the applicant chose."""
    d = ctx.dossier
    d.status_code = DossierStatus.RESULT_RETURNED
    d.delivered_at = ctx.now
    delivery = ctx.variables.get("delivery")
    how = CHANNEL_NAMES.get(d.result_channel, d.result_channel)
    if isinstance(delivery, Mapping) and delivery.get("tracking_number"):
        how += f", số hiệu bưu gửi {delivery['tracking_number']}"
    if isinstance(delivery, Mapping) and delivery.get("result_url"):
        how += f". Tải kết quả đã ký số tại: {delivery['result_url']}"
    if isinstance(delivery, Mapping) and delivery.get("recipient_name"):
        how += f", người nhận: {delivery['recipient_name']}"
    ctx.notify("Đã trả kết quả giải quyết hồ sơ",
               f"Kết quả giải quyết hồ sơ {d.code} đã được trả lúc {fmt_instant(ctx.now)} qua {how}.")
    extra = {"delivery": dict(delivery)} if isinstance(delivery, Mapping) else {}
    ctx.record("result_delivered", channel=d.result_channel, note=str(ctx.variables.get("delivery_note") or ""),
               **extra)
    return {}


def notify_leader_forward_overdue(ctx: HandlerContext) -> Mapping[str, Any]:
    """R14.4: reception has not forwarded within half a working day; its leader is told."""
    ctx.alert("leader", "Hồ sơ quá hạn chuyển xử lý",
              f"Hồ sơ {ctx.dossier.code} chưa được bộ phận một cửa chuyển xử lý trong ½ ngày làm việc.")
    ctx.record("forward_overdue", element=ctx.element_id)
    return {"forward_overdue": True}


def register(registry: HandlerRegistry) -> None:
    registry.register("finish_processing")(finish_processing)
    registry.register("deliver_result")(deliver_result)
    registry.register("notify_leader_forward_overdue")(notify_leader_forward_overdue)
