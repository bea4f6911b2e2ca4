"""What an officer sees on a task page: the form the diagram declares, and beside it the dossier:
the applicant's data, each document, the history with the notes of every step, officers' notes,
fees, the delivery channel, the sub-deadline and the lead agency's deadline (R8.2, R14, R15).
Also: reading a document (checksum verified) and adding a note."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.attachments import IntegrityError
from adapters.bootstrap import Services
from engine.definitions import UserTaskInfo
from models import (
    Agency,
    Attachment,
    AuditEvent,
    Dossier,
    DossierNote,
    FeePayment,
    Procedure,
    ResultDelivery,
    User,
    UserTask,
)
from processes import audit
from processes.access import (
    acting_user,
    may_complete_task,
    may_issue_apology,
    may_prepare_draft,
    may_see_task,
    may_take_payment,
    may_work_on_dossier,
)
from processes.definitions.catalogue import form_fields
from processes.desk.paper import applicable_forms
from processes.desk.result import DRAFT_DOCUMENT, DRAFT_KEY, DRAFTABLE, draft_view, latest_proposal
from processes.desk.steps import fee_due, task_step
from processes.desk.tasks import log_refusal
from processes.dossier.access_log import access_log, record_read
from processes.dossier.dossiers import involved_agencies, load_visible
from processes.dossier.status import FINAL_STATUSES, DossierStatus
from processes.dossier.views import dossier_view
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Refused
from processes.signing import attachment_verdict
from processes.texts import N_
from processes.uow import UnitOfWork

MAX_NOTE = 4000
RESULT_DOCUMENT = N_("Kết quả giải quyết (bản ký số)")  # the signed result an officer uploads
_HISTORY = {"draft_result_attached", "draft_result_approved",  # issue 12: the draft result
            "dossier_submitted", "task_completed", "task_claimed", "task_released", "task_handed_over",
            "supplement_requested", "supplement_answered", "dossier_accepted", "dossier_refused",
            "processing_finished", "result_delivered", "forward_overdue", "fee_paid", "note_added"}


class DocumentDamaged(Conflict):
    """A stored document no longer matches its checksum (or is gone): it is never served."""


def task_page(services: Services, username: str, task_id: str) -> dict[str, Any]:
    """The task page's content; another agency's task or an unknown id is refused and audited."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        task = s.get(UserTask, task_id)
        if task is not None and may_see_task(user, task):
            dossier = s.get(Dossier, task.dossier_id)
            assert dossier is not None
            record_read(services, s, user, dossier, involved_agencies(s, dossier), "task_page", task=task.element_id)
            page = _page(services, s, user, task)
            uow.commit()
            return page
        refusal: Refused = NotFound("task.not_found") if task is None else Forbidden("task.not_yours")
        where = task.dossier_id if task is not None else None
    log_refusal(services, username, where, task_id, refusal)
    raise refusal


def _page(services: Services, s: so.Session, user: User, task: UserTask) -> dict[str, Any]:
    dossier = s.get(Dossier, task.dossier_id)
    assert dossier is not None
    procedure = s.get(Procedure, dossier.procedure_id)
    assert procedure is not None
    definition = services.definition(s, dossier.definition_id)
    info = definition.user_tasks[task.element_id]
    holder = s.get(User, task.assignee_id) if task.assignee_id else None
    lead, task_agency = s.get(Agency, dossier.agency_id), s.get(Agency, task.agency_id)
    documents = s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id)
                          .order_by(Attachment.id)).all()
    catalogue_docs = procedure.catalogue.get("documents", [])
    names = {d["key"]: d["name"] for d in catalogue_docs} | {"result": RESULT_DOCUMENT, DRAFT_KEY: DRAFT_DOCUMENT}
    payment = s.scalar(sa.select(FeePayment).where(FeePayment.dossier_id == dossier.id))
    delivery = s.scalar(sa.select(ResultDelivery).where(ResultDelivery.dossier_id == dossier.id))
    fees = procedure.catalogue.get("fees", [])
    return {
        "task": {"id": task.id, "name": task.element_id, "title": task.name, "role": task.role,
                 "step": task_step(info, task, dossier), "due_at": task.due_at, "created_at": task.created_at,
                 "completed_at": task.completed_at, "completed_by": task.completed_by,
                 "assignee": holder.username if holder else None,
                 "assignee_name": holder.full_name if holder else None, "mine": task.assignee_id == user.id,
                 "may_act": task.completed_at is None and may_complete_task(user, task),
                 "agency": task_agency.name if task_agency else "", "now": services.clock.now()},
        "form": [f.as_dict() for f in info.form],
        "dossier": dossier_view(services, s, dossier, procedure) | {
            "applicant_name": dossier.applicant_name, "applicant_phone": dossier.applicant_phone,
            "due": dossier.due_at, "received": dossier.received_at,
            "lead_agency": lead.name if lead else "", "coordination": task.agency_id != dossier.agency_id,
            # Form 04 (R8.1): a late dossier's leader apologises and sets a new date from this page.
            "may_apologise": dossier.late and dossier.status_code not in (
                FINAL_STATUSES | {DossierStatus.PROCESSING_FINISHED})
            and may_issue_apology(user, dossier)},
        "applicant_fields": [{"label": f.label, "value": dossier.form.get(f.id)}
                             for f in form_fields(procedure.catalogue) if dossier.form.get(f.id) not in (None, "")],
        "documents": [{"id": a.id, "key": a.document_key, "name": names.get(a.document_key, a.document_key),
                       "filename": a.filename, "content_type": a.content_type, "size": a.size,
                       "uploaded_at": a.uploaded_at, "signature": attachment_verdict(services, a)}
                      for a in documents],
        "checklist": [{"key": d["key"], "name": d["name"], "required": bool(d.get("required")),
                       "uploaded": any(a.document_key == d["key"] for a in documents)} for d in catalogue_docs],
        "history": _history(s, dossier, definition.user_tasks),
        "notes": notes_of(s, dossier.id),
        "access_log": access_log(s, dossier.id),  # who read its personal data, when, why (R13.2)
        "audit_intact": audit.verify_dossier(s, dossier.id).ok,
        "fees": fees, "fee_total": sum(int(f.get("amount_vnd", 0)) for f in fees),
        "payment": {"receipt_no": payment.receipt_no, "amount_vnd": payment.amount_vnd,
                    "paid_at": payment.paid_at} if payment else None,
        "may_take_payment": may_take_payment(user, dossier),
        "fee_due_vnd": fee_due(s, dossier, procedure),  # unpaid: the hand-over needs a waiver and its reason
        "delivery": _delivery_view(delivery) if delivery else None,
        "result_channel": dossier.result_channel,
        "forms": applicable_forms(s, dossier),
        # Issue 12: the draft result beside the specialist's proposal (review and approval steps).
        "draft": draft_view(s, dossier),
        "proposal": latest_proposal(s, dossier, definition.user_tasks),
        "may_draft": may_prepare_draft(user, dossier) and dossier.status_code in DRAFTABLE,
    }


def _delivery_view(d: ResultDelivery) -> dict[str, Any]:
    return {"channel": d.channel, "delivered_at": d.delivered_at, "recipient_name": d.recipient_name,
            "identity_document": d.identity_document, "identity_checked": d.identity_checked,
            "originals_compared": d.originals_compared, "applicant_signed": d.applicant_signed,
            "tracking_number": d.tracking_number, "result_attachment_id": d.result_attachment_id}


def _history(s: so.Session, dossier: Dossier, user_tasks: dict[str, UserTaskInfo]) -> list[dict[str, Any]]:
    """Every step with who and when, and what each officer decided and wrote (labels from the form)."""
    events = s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                   AuditEvent.kind.in_(_HISTORY)).order_by(AuditEvent.seq)).all()
    result = []
    for e in events:
        info = user_tasks.get(str(e.detail.get("task")))
        labels = {f.id: f for f in info.form} if info else {}
        shown = []
        for key, value in (e.detail.get("data") or {}).items():
            f = labels.get(key)
            if f is not None and f.options:
                value = next((o.label for o in f.options if o.id == value), value)
            shown.append({"label": f.label if f else key, "value": value})
        result.append({"at": e.at, "kind": e.kind, "actor": e.actor, "title": e.detail.get("name"),
                       "data": shown, "to": e.detail.get("to")})
    return result


def notes_of(s: so.Session, dossier_id: int) -> list[dict[str, Any]]:
    rows = s.execute(sa.select(DossierNote, User.full_name).join(User, User.id == DossierNote.author_id)
                     .where(DossierNote.dossier_id == dossier_id).order_by(DossierNote.id)).all()
    return [{"at": n.at, "author": name, "body": n.body} for n, name in rows]


def add_note(services: Services, username: str, code: str, body: str) -> None:
    """An officer of an agency involved in the dossier writes a note (not seen by the applicant)."""
    text = (body or "").strip()
    if not text:
        raise Invalid("note.empty", "body")
    if len(text) > MAX_NOTE:
        raise Invalid("note.too_long", "body", max=MAX_NOTE)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, _procedure = load_visible(s, username, code)
        if not may_work_on_dossier(user, dossier, involved_agencies(s, dossier)):
            raise Forbidden("note.officers_only")
        now = services.clock.now()
        s.add(DossierNote(dossier_id=dossier.id, author_id=user.id, at=now, body=text))
        audit.append(s, at=now, actor=user.username, kind="note_added", dossier_id=dossier.id,
                     detail={"length": len(text)})
        uow.commit()


def read_document(services: Services, username: str, code: str, attachment_id: int,
                  reason: str | None = None) -> tuple[str, str, bytes]:
    """(filename, content type, bytes) of a document of a dossier the caller may see, after its
    SHA-256 was verified. A mismatch (or a missing file) is audited and the bytes are never served.
    An officer's or administrator's download is logged (break-glass: an administrator outside the
    dossier's agencies gives `reason`)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        dossier, _procedure = load_visible(s, username, code)
        row = s.get(Attachment, attachment_id)
        if row is None or row.dossier_id != dossier.id:
            raise NotFound("document.not_found", "document")
        user = acting_user(s, username)
        if user.id != dossier.applicant_id:
            record_read(services, s, user, dossier, involved_agencies(s, dossier), "document", reason,
                        attachment=row.id, filename=row.filename)
        try:
            data = services.attachments.read(row.sha256)
            if user.id != dossier.applicant_id:
                uow.commit()
            return row.filename, row.content_type, data
        except (IntegrityError, OSError) as exc:
            damaged = (dossier.id, row.id, row.filename, row.sha256, type(exc).__name__)
    dossier_id, row_id, filename, sha256, what = damaged
    with UnitOfWork(services.session_factory) as uow:
        audit.append(uow.session, at=services.clock.now(), actor=username, kind="document_integrity_failed",
                     dossier_id=dossier_id, detail={"attachment": row_id, "filename": filename,
                                                    "sha256": sha256, "error": what})
        uow.commit()
    raise DocumentDamaged("document.damaged", "document", filename=filename)
