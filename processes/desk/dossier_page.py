"""The dossier's own page for officers, outside any task (issue 12): the applicant and the declared
data, how it came in, the documents with their versions (supplements add new ones), every notice and
form sent (01–04, 05) to reprint, the history with people's names, notes, fees, the diagram with the
current position, and what the officer may do now (links to the open tasks they may act on, fees,
the apology letter). Officers of the handling agency and of an agency consulted on it."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Attachment, DossierIntake, DossierNotice, FeePayment, User, UserTask
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
from processes.desk.paper import DOSSIER_FORMS, applicable_forms
from processes.desk.result import DRAFT_DOCUMENT, DRAFT_KEY, DRAFTABLE, draft_view, latest_proposal
from processes.desk.steps import fee_due
from processes.desk.task_page import RESULT_DOCUMENT, _history, notes_of
from processes.dossier.dossiers import involved_agencies, load_visible
from processes.dossier.status import FINAL_STATUSES, DossierStatus
from processes.dossier.views import dossier_view
from processes.errors import Forbidden
from processes.uow import UnitOfWork


def officer_dossier(services: Services, username: str, code: str) -> dict[str, Any]:
    """The page's content; a dossier the officer may not see is unknown (404), an applicant or an
    administrator outside the agencies involved is refused (403 dossier.officers_only)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier, procedure = load_visible(s, username, code)
        if not may_work_on_dossier(user, dossier, involved_agencies(s, dossier)):
            raise Forbidden("dossier.officers_only")
        definition = services.definition(s, dossier.definition_id)
        names = {d["key"]: d["name"] for d in procedure.catalogue.get("documents", [])} | {
            "result": RESULT_DOCUMENT, DRAFT_KEY: DRAFT_DOCUMENT}
        uploaders = dict(s.execute(sa.select(User.id, User.full_name)).all())
        versions: dict[str, list[dict[str, Any]]] = {}
        for a in s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id).order_by(Attachment.id)):
            versions.setdefault(a.document_key, []).append({
                "id": a.id, "filename": a.filename, "content_type": a.content_type, "size": a.size,
                "uploaded_at": a.uploaded_at, "uploaded_by": uploaders.get(a.uploaded_by, "")})
        intake = s.get(DossierIntake, dossier.id)
        papers = set(intake.papers_seen) if intake else set()
        documents = [{"key": key, "name": names.get(key, key), "versions": list(reversed(v)),
                      "paper": key in papers} for key, v in versions.items()]
        documents += [{"key": key, "name": names.get(key, key), "versions": [], "paper": True}
                      for key in sorted(papers - set(versions))]
        notices = s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id == dossier.id)
                            .order_by(DossierNotice.id)).all()
        tasks = s.scalars(sa.select(UserTask).where(UserTask.dossier_id == dossier.id,
                                                    UserTask.completed_at.is_(None)).order_by(UserTask.created_at)).all()
        people = dict(s.execute(sa.select(User.username, User.full_name)).all())
        history = [h | {"actor_name": people.get(h["actor"], h["actor"])}
                   for h in _history(s, dossier, definition.user_tasks)]
        payment = s.scalar(sa.select(FeePayment).where(FeePayment.dossier_id == dossier.id))
        fees = procedure.catalogue.get("fees", [])
        officer = s.get(User, intake.officer_id) if intake else None
        return {
            "dossier": dossier_view(services, s, dossier, procedure) | {
                "applicant_name": dossier.applicant_name, "applicant_phone": dossier.applicant_phone,
                "applicant_id_number": dossier.applicant_id_number, "applicant_address": dossier.applicant_address,
                "has_account": dossier.applicant_id is not None, "channel": dossier.channel,
                "received": dossier.received_at, "accepted": dossier.accepted_at, "due": dossier.due_at,
                "finished": dossier.finished_at, "consulted": dossier.agency_id != user.agency_id},
            "intake": {"channel": intake.channel, "officer": officer.full_name if officer else "",
                       "registered_at": intake.registered_at, "arrived_at": intake.arrived_at,
                       "sender": intake.sender} if intake else None,
            "applicant_fields": [{"label": f.label, "value": dossier.form.get(f.id)}
                                 for f in form_fields(procedure.catalogue)
                                 if dossier.form.get(f.id) not in (None, "")],
            "documents": documents,
            "notices": [{"at": n.at, "form": n.form_no, "title": n.title, "body": n.body} for n in notices],
            "forms": [{"no": no, "title": DOSSIER_FORMS[no]} for no in applicable_forms(s, dossier)],
            "history": history,
            "draft": draft_view(s, dossier),
            "proposal": latest_proposal(s, dossier, definition.user_tasks),
            "notes": notes_of(s, dossier.id),
            "fees": fees, "fee_total": sum(int(f.get("amount_vnd", 0)) for f in fees),
            "payment": {"receipt_no": payment.receipt_no, "amount_vnd": payment.amount_vnd,
                        "paid_at": payment.paid_at} if payment else None,
            "fee_due_vnd": fee_due(s, dossier, procedure),
            "tasks": [{"id": t.id, "title": t.name, "role": t.role, "due_at": t.due_at,
                       "assignee": uploaders.get(t.assignee_id) if t.assignee_id else None,
                       "may_open": may_see_task(user, t), "may_act": may_complete_task(user, t)} for t in tasks],
            "actions": {
                "take_payment": may_take_payment(user, dossier) and payment is None and bool(fees),
                "apologise": dossier.late and dossier.status_code not in (
                    FINAL_STATUSES | {DossierStatus.PROCESSING_FINISHED}) and may_issue_apology(user, dossier),
                "note": True,
                "draft": may_prepare_draft(user, dossier) and dossier.status_code in DRAFTABLE,
            },
        }
