"""The desk's step of a task's completion, the same whatever the door (page, API, CLI): reasons for a
refusal or a return (R15.3), the reception checklist (R14.1, R14.2), and the hand-over of the result by
the applicant's channel (R7.1, R8.4, R8.5) with the fees paid or waived with a reason (R7.2).

It runs inside the completing transaction (processes.desk.tasks.complete_task): a refusal rolls the
whole completion back and is audited; what it returns becomes workflow variables."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from adapters.signing import SigningFailed
from engine.definitions import UserTaskInfo
from models import Agency, Attachment, Dossier, FeePayment, Procedure, ResultDelivery, User, UserTask
from processes import audit
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import DossierStatus
from processes.errors import Invalid, Reason, collect
from processes.signing import sign_result
from processes.submission.submission import Upload

STEPS = ("intake", "review", "approval", "coordination", "delivery", "desk")
BY_ELEMENT = {"Task_reception_check": "intake", "Task_reception_deliver": "delivery"}  # the diagrams' habit
INTAKE_DECISIONS = ("accept", "supplement", "refuse")
REASON_CODES = {"refuse": "desk.refusal_reason_required", "return": "desk.return_reason_required"}
RESULT_KEY = "result"
MAX_WAIVER_REASON = 500
_TRACKING = re.compile(r"^[A-Z0-9]{6,30}$")


@dataclass
class Delivery:
    """What the desk records when handing the result over (the fields its channel needs)."""

    recipient_name: str = ""
    identity_document: str = ""
    identity_checked: bool = False  # R7.1: the recipient's identity document was checked
    originals_compared: bool = False  # R7.1: the originals were compared with the copies sent online
    applicant_signed: bool = False
    tracking_number: str = ""  # by post
    result_file: Upload | None = None  # online: the signed result (or one uploaded before)
    fee_waiver_reason: str = ""  # a fee still unpaid is waived, for this reason (audited)


@dataclass
class StepContext:
    """What the desk step may read and write inside the completing transaction."""

    session: so.Session
    user: User
    task: UserTask
    dossier: Dossier
    procedure: Procedure
    run: DossierRun
    info: UserTaskInfo
    data: dict[str, Any]  # the form values, already checked against the task's form


def task_step(info: UserTaskInfo, task: UserTask, dossier: Dossier) -> str:
    """Which desk step a user task is: the diagram says so with a `step` property, or by the element
    ids the shipped diagrams use (Task_reception_check, Task_reception_deliver); otherwise the lane
    and the dossier's state tell (another agency's task: coordination; reception before acceptance:
    intake, once processing has finished: delivery, else another desk step; a leader's: approval)."""
    declared = info.properties.get("step")
    if declared in STEPS:
        return declared
    if info.element_id in BY_ELEMENT:
        return BY_ELEMENT[info.element_id]
    if task.agency_id != dossier.agency_id:
        return "coordination"
    if info.role == "reception":
        if dossier.status_code == DossierStatus.PROCESSING_FINISHED:
            return "delivery"
        return "intake" if dossier.accepted_at is None else "desk"
    return "approval" if info.role == "leader" else "review"


def desk_step(services: Services, ctx: StepContext, checklist: Mapping[str, bool] | None,
              delivery: Delivery | None) -> Mapping[str, Any]:
    """Check (and record) what the task's step requires; the extra workflow variables it yields."""
    require_reasons(ctx.data, [f.id for f in ctx.info.form])
    step = task_step(ctx.info, ctx.task, ctx.dossier)
    if step == "intake":
        return check_intake(ctx, checklist)
    if step == "delivery":
        return {"delivery": hand_over(services, ctx, delivery or Delivery())}
    if step == "approval":  # the approved draft becomes the result handed over (processes/desk/result.py)
        from processes.desk.result import on_approval

        on_approval(services, ctx.session, ctx.user, ctx.dossier, ctx.data)
    return {}


def require_reasons(data: Mapping[str, Any], form_ids: list[str] | tuple[str, ...] = ()) -> None:
    """R15.3: a refusal or a return states its reasons in the form's note field (`…_note`)."""
    if any(k.endswith("_note") and str(v).strip() for k, v in data.items()):
        return
    for key, value in data.items():
        if value in REASON_CODES:
            raise Invalid(REASON_CODES[value], f"data.{note_field(key, form_ids)}")


def note_field(decision_key: str, form_ids: list[str] | tuple[str, ...]) -> str:
    """Where the reasons of a decision go: `<prefix>_note` beside `<prefix>_decision`, else any note."""
    same = decision_key.rsplit("_", 1)[0] + "_note"
    notes = [i for i in form_ids if i.endswith("_note")]
    return same if same in form_ids else notes[0] if notes else decision_key


def _noted(data: Mapping[str, Any]) -> bool:
    return any(k.endswith("_note") and str(v).strip() for k, v in data.items())


def check_intake(ctx: StepContext, checklist: Mapping[str, bool] | None) -> Mapping[str, Any]:
    """R14.1: accepting needs the checklist with every required document present and checked valid.
    R14.2: a supplement request names what is missing: documents left unchecked, or the note."""
    documents = ctx.procedure.catalogue.get("documents", [])
    present = set(ctx.run.facts.documents)
    decision = next((v for v in ctx.data.values() if v in INTAKE_DECISIONS), None)
    if decision == "accept":
        if checklist is None:
            raise Invalid("desk.checklist_required", "checklist")
        collect([Reason("desk.document_not_uploaded" if d["key"] not in present else "desk.document_not_checked",
                        f"checklist.{d['key']}", {"document": d["name"]})
                 for d in documents if d.get("required") and not (checklist.get(d["key"]) and d["key"] in present)])
    if checklist is None:
        if decision == "supplement" and not _noted(ctx.data):
            raise Invalid("desk.supplement_unspecified", "checklist")
        return {}
    missing = [d["name"] for d in documents if (d.get("required") or d["key"] in present)
               and not (checklist.get(d["key"]) and d["key"] in present)]
    if decision == "supplement" and not missing and not _noted(ctx.data):
        raise Invalid("desk.supplement_unspecified", "checklist")
    return {"missing_documents": missing, "checklist": {k: bool(v) for k, v in sorted(checklist.items())}}


def fee_due(s: so.Session, dossier: Dossier, procedure: Procedure) -> int:
    """What the catalogue's fees ask (VND) and the desk has not yet recorded as paid (R7.2)."""
    amount = sum(int(f.get("amount_vnd", 0)) for f in procedure.catalogue.get("fees", []))
    if amount <= 0 or s.scalar(sa.select(FeePayment.id).where(FeePayment.dossier_id == dossier.id)) is not None:
        return 0
    return amount


def hand_over(services: Services, ctx: StepContext, d: Delivery) -> dict[str, Any]:
    """R7.1, R8.4, R8.5: the hand-over, checked for the channel the applicant chose; the fees paid,
    or waived with a reason. Every missing piece is named at once."""
    channel = ctx.dossier.result_channel
    reasons: list[Reason] = []
    unpaid = fee_due(ctx.session, ctx.dossier, ctx.procedure)
    waiver = d.fee_waiver_reason.strip()[:MAX_WAIVER_REASON]
    if unpaid and not waiver:
        reasons.append(Reason("desk.fee_unpaid", "delivery.fee_waiver_reason", {"amount_vnd": unpaid}))
    record = ResultDelivery(dossier_id=ctx.dossier.id, channel=channel, delivered_at=ctx.run.now,
                            delivered_by=ctx.user.id)
    summary: dict[str, Any] = {"channel": channel}
    if channel == "counter":
        reasons += [Reason(code, f"delivery.{name}") for name, ok, code in (
            ("identity_checked", d.identity_checked, "desk.identity_not_checked"),
            ("originals_compared", d.originals_compared, "desk.originals_not_compared"),
            ("applicant_signed", d.applicant_signed, "desk.applicant_not_signed"),
            ("recipient_name", bool(d.recipient_name.strip()), "desk.recipient_required"),
            ("identity_document", bool(d.identity_document.strip()), "desk.identity_document_required"))
            if not ok]
        collect(reasons)
        record.recipient_name = d.recipient_name.strip()[:200]
        record.identity_document = d.identity_document.strip()[:60]
        record.identity_checked = record.originals_compared = record.applicant_signed = True
        summary["recipient_name"] = record.recipient_name
    elif channel == "post":
        number = d.tracking_number.strip().upper()
        if not _TRACKING.match(number):
            reasons.append(Reason("desk.tracking_number_invalid", "delivery.tracking_number"))
        collect(reasons)
        record.tracking_number = summary["tracking_number"] = number
    else:
        collect(reasons)
        attachment = _signed_result(services, ctx, _result_file(services, ctx, d.result_file))
        record.result_attachment_id = attachment.id
        base = str(services.config["app"].get("base_url", "")).rstrip("/")
        summary["result_url"] = f"{base}/dossiers/{ctx.dossier.code}/documents/{attachment.id}"
    if unpaid:
        record.fee_waiver_reason = summary["fee_waiver_reason"] = waiver
        audit.append(ctx.session, at=ctx.run.now, actor=ctx.user.username, kind="fee_waived",
                     dossier_id=ctx.dossier.id, detail={"amount_vnd": unpaid, "reason": waiver})
    ctx.session.add(record)
    return summary


def _signed_result(services: Services, ctx: StepContext, attachment: Attachment) -> Attachment:
    """R8.5 (issue 14): the result handed over online carries the agency's digital signature; the
    signed copy is stored beside the file it was made from, and is what the applicant receives."""
    agency = ctx.session.get(Agency, ctx.dossier.agency_id)
    assert agency is not None
    data = services.attachments.read(attachment.sha256)
    try:
        signed = sign_result(services, agency, data, signer=ctx.user.full_name)
    except SigningFailed:
        raise Invalid("desk.result_not_signable", "delivery.result_file") from None
    if signed == data:
        return attachment
    stored = services.attachments.check("delivery.result_file", attachment.filename, signed)
    services.attachments.save(stored, signed)
    row = Attachment(dossier_id=ctx.dossier.id, document_key=RESULT_KEY, filename=stored.filename,
                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                     uploaded_at=ctx.run.now, uploaded_by=ctx.user.id)
    ctx.session.add(row)
    ctx.session.flush()
    audit.append(ctx.session, at=ctx.run.now, actor=ctx.user.username, kind="result_signed",
                 dossier_id=ctx.dossier.id, detail={"attachment_id": row.id, "sha256": row.sha256,
                                                    "agency": agency.code})
    return row


def _result_file(services: Services, ctx: StepContext, upload: Upload | None) -> Attachment:
    """The signed result (a PDF), uploaded now or earlier, made available to the applicant."""
    if upload is None or not upload.data:
        existing = ctx.session.scalar(sa.select(Attachment).where(
            Attachment.dossier_id == ctx.dossier.id, Attachment.document_key == RESULT_KEY)
            .order_by(Attachment.id.desc()).limit(1))
        if existing is None:
            raise Invalid("desk.result_file_required", "delivery.result_file")
        return existing
    stored = services.attachments.check("delivery.result_file", upload.filename, upload.data)
    if stored.content_type != "application/pdf":
        raise Invalid("desk.result_file_not_pdf", "delivery.result_file")
    services.attachments.save(stored, upload.data)  # content-addressed: a rollback leaves no reference
    row = Attachment(dossier_id=ctx.dossier.id, document_key=RESULT_KEY, filename=stored.filename,
                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                     uploaded_at=ctx.run.now, uploaded_by=ctx.user.id)
    ctx.session.add(row)
    ctx.session.flush()
    return row
