"""The desk's own steps around a task's form: the reception checklist (R14.1, R14.2), reasons for a
refusal or a return (R15.3), the result hand-over by the applicant's channel (R7.1, R8.4, R8.5), and
fees paid at the counter (R7.2). Each is one transaction with the task's completion."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, FeePayment, ResultDelivery
from processes import audit
from processes.access import acting_user, may_take_payment
from processes.desk.task_page import task_step
from processes.desk.tasks import StepContext, complete_task
from processes.dossier.dossiers import load_visible
from processes.errors import Conflict, Forbidden, Invalid
from processes.submission.submission import Upload
from processes.uow import UnitOfWork

RESULT_KEY = "result"
DECISIONS_NEEDING_REASONS = {"refuse": "lý do từ chối", "return": "lý do trả lại"}
_TRACKING = re.compile(r"^[A-Z0-9]{6,30}$")


@dataclass
class DeliveryInput:
    """What the officer records when handing over the result."""

    recipient_name: str = ""
    identity_document: str = ""
    identity_checked: bool = False
    originals_compared: bool = False
    applicant_signed: bool = False
    tracking_number: str = ""
    result_file: Upload | None = None


@dataclass
class PageInput:
    """Everything the task page posts besides the diagram's form."""

    checklist: dict[str, bool] | None = None  # document key -> valid and present (intake)
    delivery: DeliveryInput = field(default_factory=DeliveryInput)


def complete_from_page(services: Services, username: str, task_id: str, data: Mapping[str, Any],
                       page: PageInput) -> dict[str, Any]:
    """Complete a task from its page: the diagram's form plus the desk's step, all or nothing."""
    return complete_task(services, username, task_id, data, extra=lambda ctx: _desk_step(services, ctx, page))


def _desk_step(services: Services, ctx: StepContext, page: PageInput) -> Mapping[str, Any]:
    info = ctx.run.definition.user_tasks[ctx.task.element_id]
    _require_reasons(ctx.data)
    step = task_step(info, ctx.task, ctx.dossier)
    if step == "intake" and page.checklist is not None:
        return _intake(ctx, page.checklist)
    if step == "delivery":
        return {"delivery": _deliver(services, ctx, page.delivery)}
    return {}


def _require_reasons(data: Mapping[str, Any]) -> None:
    """A refusal or a return states its reasons (R15.3) in the form's note field."""
    notes = [k for k in data if k.endswith("_note") and str(data[k]).strip()]
    for key, value in data.items():
        if value in DECISIONS_NEEDING_REASONS and not notes:
            raise Invalid({f"data.{key}": f"hãy ghi {DECISIONS_NEEDING_REASONS[value]} vào ô ghi chú "
                                          f"(state the reasons in the note)"})


def _intake(ctx: StepContext, checklist: dict[str, bool]) -> Mapping[str, Any]:
    """R14.1: accepting needs every required document present and checked; a supplement request
    names the documents that are missing or not valid (R14.2)."""
    documents = ctx.procedure.catalogue.get("documents", [])
    present = set(ctx.run.facts.documents)
    decision = next((v for v in ctx.data.values() if v in ("accept", "supplement", "refuse")), None)
    if decision == "accept":
        errors = {f"checklist.{d['key']}": ("chưa có trong hồ sơ (not uploaded)" if d["key"] not in present
                                            else "chưa được kiểm tra là hợp lệ (not checked)")
                  for d in documents if d.get("required") and not (checklist.get(d["key"]) and d["key"] in present)}
        if errors:
            raise Invalid(errors, "Chưa thể tiếp nhận: " + "; ".join(errors) + " (R14.1)")
    missing = [d["name"] for d in documents if (d.get("required") or d["key"] in present)
               and not (checklist.get(d["key"]) and d["key"] in present)]
    if decision == "supplement" and not missing and not any(
            str(v).strip() for k, v in ctx.data.items() if k.endswith("_note")):
        raise Invalid({"checklist": "hãy đánh dấu giấy tờ cần bổ sung hoặc ghi rõ nội dung cần bổ sung "
                                    "(say what is missing)"})
    return {"missing_documents": missing, "checklist": {k: bool(v) for k, v in sorted(checklist.items())}}


def _deliver(services: Services, ctx: StepContext, d: DeliveryInput) -> dict[str, Any]:
    """R8.4, R8.5, R7.1: the hand-over, checked for the channel the applicant chose."""
    channel = ctx.dossier.result_channel
    record = ResultDelivery(dossier_id=ctx.dossier.id, channel=channel, delivered_at=ctx.run.now,
                            delivered_by=ctx.user.id)
    summary: dict[str, Any] = {"channel": channel}
    if channel == "counter":
        errors = {f"delivery.{k}": "bắt buộc khi trả kết quả tại bộ phận một cửa (required at the desk)"
                  for k, ok in (("identity_checked", d.identity_checked), ("originals_compared", d.originals_compared),
                                ("applicant_signed", d.applicant_signed),
                                ("recipient_name", bool(d.recipient_name.strip())),
                                ("identity_document", bool(d.identity_document.strip()))) if not ok}
        if errors:
            raise Invalid(errors)
        record.recipient_name, record.identity_document = d.recipient_name.strip()[:200], d.identity_document.strip()[:60]
        record.identity_checked = record.originals_compared = record.applicant_signed = True
        summary["recipient_name"] = record.recipient_name
    elif channel == "post":
        number = d.tracking_number.strip().upper()
        if not _TRACKING.match(number):
            raise Invalid({"delivery.tracking_number": "số hiệu bưu gửi gồm 6–30 chữ cái, chữ số "
                                                       "(a postal tracking number of 6–30 letters and digits)"})
        record.tracking_number = summary["tracking_number"] = number
    else:
        attachment = _result_file(services, ctx, d.result_file)
        record.result_attachment_id = attachment.id
        base = str(services.config["app"].get("base_url", "")).rstrip("/")
        summary["result_url"] = f"{base}/dossiers/{ctx.dossier.code}/documents/{attachment.id}"
    ctx.session.add(record)
    return summary


def _result_file(services: Services, ctx: StepContext, upload: Upload | None) -> Attachment:
    """The signed result (a PDF), uploaded now or earlier, made available to the applicant."""
    if upload is None or not upload.data:
        existing = ctx.session.scalar(sa.select(Attachment).where(
            Attachment.dossier_id == ctx.dossier.id, Attachment.document_key == RESULT_KEY)
            .order_by(Attachment.id.desc()).limit(1))
        if existing is None:
            raise Invalid({"delivery.result_file": "hãy tải lên tệp kết quả đã ký số (PDF) để trả trực tuyến "
                                                   "(upload the signed result)"})
        return existing
    stored = services.attachments.check("delivery.result_file", upload.filename, upload.data)
    if stored.content_type != "application/pdf":
        raise Invalid({"delivery.result_file": "kết quả trả trực tuyến phải là tệp PDF đã ký số (a signed PDF)"})
    services.attachments.save(stored, upload.data)  # content-addressed: a rollback leaves no reference
    row = Attachment(dossier_id=ctx.dossier.id, document_key=RESULT_KEY, filename=stored.filename,
                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                     uploaded_at=ctx.run.now, uploaded_by=ctx.user.id)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def mark_fee_paid(services: Services, username: str, code: str, receipt_no: str) -> dict[str, Any]:
    """R7.2: reception records the fees of the catalogue as paid at the counter, with the receipt number."""
    number = (receipt_no or "").strip()
    if not number or len(number) > 60:
        raise Invalid({"receipt_no": "nhập số biên lai thu phí, lệ phí (receipt number, up to 60 characters)"})
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, procedure = load_visible(s, username, code)
        if not may_take_payment(user, dossier):
            raise Forbidden("Chỉ bộ phận một cửa của cơ quan giải quyết thu phí, lệ phí (reception only)")
        if s.scalar(sa.select(FeePayment.id).where(FeePayment.dossier_id == dossier.id)) is not None:
            raise Conflict(f"Hồ sơ {code} đã nộp phí, lệ phí (already paid)")
        amount = sum(int(f.get("amount_vnd", 0)) for f in procedure.catalogue.get("fees", []))
        now = services.clock.now()
        s.add(FeePayment(dossier_id=dossier.id, amount_vnd=amount, receipt_no=number, paid_at=now,
                         received_by=user.id))
        audit.append(s, at=now, actor=user.username, kind="fee_paid", dossier_id=dossier.id,
                     detail={"amount_vnd": amount, "receipt_no": number})
        try:
            uow.commit()
        except sa.exc.IntegrityError:
            raise Conflict(f"Hồ sơ {code} đã nộp phí, lệ phí (already paid)") from None
        return {"code": code, "amount_vnd": amount, "receipt_no": number, "paid_at": now.isoformat()}

