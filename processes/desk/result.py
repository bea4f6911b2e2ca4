"""The draft result and its approval (issue 12): the specialist attaches a draft of the result (a PDF)
or generates one from the procedure's catalogue and the dossier's data (adapters/forms_pdf), beside the
proposal; the leader reads both on the approval page and approves or returns with reasons; when the
leader approves, the latest draft becomes the dossier's result document (`result`), the one handed
over (online: the file the applicant downloads).

Signing (issue 14) wraps ONE function: `approved_result_pdf(services, s, dossier, draft)` returns the
bytes that become the result; a signer wraps it (`result.approved_result_pdf = sign(result.approved_result_pdf)`
— `on_approval` looks it up at each call) to return the signed PDF. Everything else here stays as it is."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.bootstrap import Services
from adapters.forms_pdf import Block, FormDocument, render
from engine.definitions import UserTaskInfo
from models import Agency, Attachment, AuditEvent, Dossier, Procedure, User
from processes import audit
from processes.access import acting_user, may_prepare_draft
from processes.definitions.catalogue import form_fields
from processes.desk.paper import _font_dir, _formatter, _letterhead
from processes.dossier.dossiers import load_visible
from processes.dossier.status import FINAL_STATUSES, DossierStatus
from processes.errors import Conflict, Forbidden, Invalid
from processes.submission.submission import Upload
from processes.texts import N_
from processes.uow import UnitOfWork

DRAFT_KEY = "draft_result"
DRAFT_DOCUMENT = N_("Dự thảo kết quả")
RESULT_KEY = "result"  # the key of the result handed over (processes.desk.steps.RESULT_KEY)
APPROVE = "approve"
DRAFTABLE = (DossierStatus.ACCEPTED, DossierStatus.IN_PROCESS)


# -- the hook for signing (issue 14) ------------------------------------------------------------------
def approved_result_pdf(services: Services, s: so.Session, dossier: Dossier, draft: Attachment) -> bytes:
    """The bytes of the result once the leader approved `draft`: today the draft itself. The signer
    wraps this function to return the signed PDF instead (it runs inside the approving transaction)."""
    return services.attachments.read(draft.sha256)


# -- the specialist's draft ---------------------------------------------------------------------------
def generate_draft(services: Services, username: str, code: str) -> dict[str, Any]:
    """Build the draft result from the procedure's catalogue (its result's name, legal basis) and the
    dossier's data (applicant, declared data, the specialist's latest proposal), store it as a new
    version of the draft."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, procedure = _load(s, username, code)
        pdf = draft_pdf(services, s, dossier, procedure)
        answer = _store(services, s, user, dossier, f"du-thao-ket-qua-{dossier.code}.pdf", pdf, generated=True)
        uow.commit()
        return answer


def attach_draft(services: Services, username: str, code: str, upload: Upload) -> dict[str, Any]:
    """Store a draft result the specialist wrote elsewhere (a PDF) as a new version of the draft."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user, dossier, _procedure = _load(s, username, code)
        stored = services.attachments.check("draft", upload.filename, upload.data, upload.content_type)
        if stored.content_type != "application/pdf":
            raise Invalid("draft.not_pdf", "draft")
        answer = _store(services, s, user, dossier, stored.filename, upload.data, generated=False)
        uow.commit()
        return answer


def _load(s: so.Session, username: str, code: str) -> tuple[User, Dossier, Procedure]:
    user = acting_user(s, username)
    dossier, procedure = load_visible(s, username, code)
    if not may_prepare_draft(user, dossier):
        raise Forbidden("draft.specialists_only")
    if dossier.status_code not in DRAFTABLE:
        raise Conflict("draft.not_now")
    return user, dossier, procedure


def _store(services: Services, s: so.Session, user: User, dossier: Dossier, filename: str, data: bytes,
           generated: bool) -> dict[str, Any]:
    stored = services.attachments.check("draft", filename, data, "application/pdf")
    services.attachments.save(stored, data)
    now = services.clock.now()
    row = Attachment(dossier_id=dossier.id, document_key=DRAFT_KEY, filename=stored.filename,
                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256, uploaded_at=now,
                     uploaded_by=user.id)
    s.add(row)
    s.flush()
    audit.append(s, at=now, actor=user.username, kind="draft_result_attached", dossier_id=dossier.id,
                 detail={"attachment": row.id, "filename": row.filename, "generated": generated,
                         "name": "Dự thảo kết quả"})
    return {"code": dossier.code, "attachment": row.id, "filename": row.filename, "generated": generated,
            "url": f"/dossiers/{dossier.code}/documents/{row.id}"}


def latest_draft(s: so.Session, dossier_id: int) -> Attachment | None:
    return s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier_id,
                                                 Attachment.document_key == DRAFT_KEY)
                     .order_by(Attachment.id.desc()).limit(1)).first()


def latest_proposal(s: so.Session, dossier: Dossier, user_tasks: Mapping[str, UserTaskInfo]) -> dict[str, Any] | None:
    """The specialist's latest proposal: the last completed specialist task of the handling agency, its
    labelled values."""
    events = s.scalars(sa.select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,
                                                   AuditEvent.kind == "task_completed")
                       .order_by(AuditEvent.seq.desc())).all()
    people = dict(s.execute(sa.select(User.username, User.full_name)).all())
    for e in events:
        info = user_tasks.get(str(e.detail.get("task")))
        if info is None or info.role != "specialist" or info.properties.get("agency"):
            continue  # a consulted agency's answer is not the proposal (it shows in the history)
        labels = {f.id: f for f in info.form}
        shown = []
        for key, value in (e.detail.get("data") or {}).items():
            f = labels.get(key)
            if f is not None and f.options:
                value = next((o.label for o in f.options if o.id == value), value)
            shown.append({"label": f.label if f else key, "value": value})
        return {"at": e.at, "by": people.get(e.actor, e.actor), "title": e.detail.get("name"), "data": shown}
    return None


def draft_view(s: so.Session, dossier: Dossier) -> dict[str, Any] | None:
    draft = latest_draft(s, dossier.id)
    if draft is None:
        return None
    return {"id": draft.id, "filename": draft.filename, "size": draft.size, "uploaded_at": draft.uploaded_at,
            "url": f"/dossiers/{dossier.code}/documents/{draft.id}"}


def draft_pdf(services: Services, s: so.Session, dossier: Dossier, procedure: Procedure) -> bytes:
    """The draft result as PDF: the catalogue's result name as title, its legal basis, the applicant,
    the declared data with the catalogue's labels, the specialist's proposal; a box for the leader."""
    cat = procedure.catalogue
    tz = services.calendar(s).timezone
    when = _formatter(tz)
    agency = s.get(Agency, dossier.agency_id)
    assert agency is not None
    definition = services.definition(s, dossier.definition_id)
    proposal = latest_proposal(s, dossier, definition.user_tasks)
    declared = [(f.label, str(dossier.form.get(f.id))) for f in form_fields(cat)
                if dossier.form.get(f.id) not in (None, "")]
    blocks = [Block("Căn cứ", paragraphs=[str(x) for x in cat.get("legal_basis", [])] or [
        f"Hồ sơ {dossier.code} ({procedure.name})."]),
        Block("Người đề nghị", lines=[("Họ và tên", dossier.applicant_name),
                                      ("Số định danh cá nhân", dossier.applicant_id_number or str(
                                          dossier.form.get("so_dinh_danh") or "")),
                                      ("Mã hồ sơ", dossier.code),
                                      ("Ngày tiếp nhận", when(dossier.accepted_at or dossier.received_at))]),
        Block("Nội dung", lines=declared or [("", "(không có)")])]
    if proposal is not None:
        blocks.append(Block("Ý kiến thẩm định của chuyên viên", lines=[
            (str(item["label"]), "Có" if item["value"] is True else "Không" if item["value"] is False
             else str(item["value"])) for item in proposal["data"]]))
    doc = FormDocument("", str(cat.get("result") or procedure.name), _letterhead(
        s, agency, services.clock.now().astimezone(tz), dossier.code), blocks,
        signatures=[("Lãnh đạo phê duyệt", "")], subtitle="(Dự thảo — chưa có giá trị pháp lý)")
    return render(doc, _font_dir(services), created_at=services.clock.now())


# -- the leader's approval (a step of complete_task's transaction) -------------------------------------
def on_approval(services: Services, s: so.Session, user: User, dossier: Dossier, data: Mapping[str, Any]) -> None:
    """When the leader approves (a decision "approve"), the latest draft becomes the result document,
    through the signing hook. Without a draft nothing changes (the result is then uploaded at delivery)."""
    if APPROVE not in data.values() or dossier.status_code in FINAL_STATUSES:
        return
    draft = latest_draft(s, dossier.id)
    if draft is None:
        return
    pdf = approved_result_pdf(services, s, dossier, draft)
    stored = services.attachments.check(RESULT_KEY, f"ket-qua-{dossier.code}.pdf", pdf, "application/pdf")
    services.attachments.save(stored, pdf)
    now = services.clock.now()
    row = Attachment(dossier_id=dossier.id, document_key=RESULT_KEY, filename=stored.filename,
                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256, uploaded_at=now,
                     uploaded_by=user.id)
    s.add(row)
    s.flush()
    audit.append(s, at=now, actor=user.username, kind="draft_result_approved", dossier_id=dossier.id,
                 detail={"draft": draft.id, "result": row.id, "name": "Phê duyệt dự thảo kết quả"})
