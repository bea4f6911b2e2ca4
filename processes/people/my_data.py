"""An applicant downloads all data held about them (Decree 13/2023 on personal data, right of access):
their account, their dossiers with what they declared, their files (described, with SHA-256), the
notices sent to them, what happened to each dossier, who read its personal data and why (the access
log), their submission drafts, and every decision they made or were told about the purposes their data
is processed for (`consents`, processes.people.consent). Only the person themselves; an officer reads
dossiers through the desk, logged."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from adapters.bootstrap import Services
from engine.clock import iso
from models import Agency, Attachment, AuditEvent, Dossier, DossierNotice, Procedure, SubmissionDraft
from processes.access import acting_user
from processes.dossier.access_log import READ
from processes.dossier.status import status_name
from processes.people import consent
from processes.uow import UnitOfWork


def my_data(services: Services, username: str) -> dict[str, Any]:
    """Everything held about the caller, as one JSON-ready document."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        rows = s.execute(sa.select(Dossier, Procedure.code, Procedure.name, Agency.name)
                         .join(Procedure, Procedure.id == Dossier.procedure_id)
                         .join(Agency, Agency.id == Dossier.agency_id)
                         .where(Dossier.applicant_id == user.id).order_by(Dossier.id)).all()
        ids = [d.id for d, *_ in rows]
        files: dict[int, list[dict[str, Any]]] = {}
        notices: dict[int, list[dict[str, Any]]] = {}
        events: dict[int, list[dict[str, Any]]] = {}
        reads: dict[int, list[dict[str, Any]]] = {}
        if ids:
            for a in s.scalars(sa.select(Attachment).where(Attachment.dossier_id.in_(ids)).order_by(Attachment.id)):
                files.setdefault(a.dossier_id, []).append({
                    "document": a.document_key, "filename": a.filename, "content_type": a.content_type,
                    "size": a.size, "sha256": a.sha256, "uploaded_at": iso(a.uploaded_at),
                    "superseded_at": iso(a.superseded_at)})
            for n in s.scalars(sa.select(DossierNotice).where(DossierNotice.dossier_id.in_(ids))
                               .order_by(DossierNotice.id)):
                notices.setdefault(n.dossier_id, []).append({"at": iso(n.at), "form": n.form_no, "title": n.title,
                                                             "body": n.body})
            for e in s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id.in_(ids)).order_by(AuditEvent.seq)):
                assert e.dossier_id is not None
                if e.kind == READ:
                    reads.setdefault(e.dossier_id, []).append({
                        "at": iso(e.at), "who": e.actor, "what": e.detail.get("what"),
                        "reason": e.detail.get("reason"), "break_glass": bool(e.detail.get("break_glass"))})
                else:
                    events.setdefault(e.dossier_id, []).append({"at": iso(e.at), "what": e.kind, "by": e.actor})
        drafts = s.execute(sa.select(SubmissionDraft, Procedure.code).join(Procedure, Procedure.id ==
                                                                           SubmissionDraft.procedure_id)
                           .where(SubmissionDraft.user_id == user.id).order_by(SubmissionDraft.id)).all()
        return {
            "exported_at": services.clock.now().isoformat(),
            "account": {"username": user.username, "full_name": user.full_name, "email": user.email,
                        "phone": user.phone, "identity_number": user.identity_number, "address": user.address,
                        "created_at": iso(user.created_at)},
            "dossiers": [{
                "code": d.code, "procedure": pcode, "procedure_name": pname, "agency": aname,
                "status": status_name(d.status_code), "applicant_name": d.applicant_name,
                "applicant_phone": d.applicant_phone, "form": d.form, "result_channel": d.result_channel,
                "postal_address": d.postal_address, "received_at": iso(d.received_at),
                "accepted_at": iso(d.accepted_at), "due_at": iso(d.due_at), "finished_at": iso(d.finished_at),
                "delivered_at": iso(d.delivered_at), "files": files.get(d.id, []), "notices": notices.get(d.id, []),
                "history": events.get(d.id, []), "access_log": reads.get(d.id, [])}
                for d, pcode, pname, aname in rows],
            "drafts": [{"procedure": pcode, "answers": dr.answers, "channel": dr.channel,
                        "postal_address": dr.postal_address, "updated_at": iso(dr.updated_at)}
                       for dr, pcode in drafts],
            "consents": consent.history(s, user.id),
        }
