"""A submission that keeps the applicant's work (issue 19): answers and files saved on the server as a
draft, resumable from "My dossiers", kept whole when a submission is refused, and turned into a dossier
by the same rules as every other door (`register_dossier`), the draft deleted in that same transaction.

Files are checked (type, size, content) when they are chosen: a good file is stored and kept under its
document until the applicant replaces or removes it; a bad one is refused at once, naming the document,
and nothing else of the draft is lost."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters.attachments import IntegrityError as DamagedFile
from adapters.bootstrap import Services
from models import DraftFile, Procedure, SubmissionDraft, User
from processes.access import acting_user, authorise, may_keep_drafts
from processes.errors import Invalid, NotFound, Reason
from processes.submission.portal_submission import SubmitOutcome, submit_online
from processes.submission.submission import MAX_FILES_PER_DOCUMENT, POSTAL_ADDRESS_LENGTH, Submission, Upload
from processes.uow import UnitOfWork

MAX_ANSWER = 4000  # as engine.forms.MAX_TEXT: an answer longer than any field accepts is not kept
MAX_DRAFTS = 20  # drafts one applicant keeps at once (one per procedure)

# Account attributes that prefill a catalogue field: by the field's `prefill` key, else by the shipped
# catalogues' conventional field ids.
PREFILL_BY_ID = {"ho_ten": "full_name", "ho_ten_chu_ho": "full_name", "so_dinh_danh": "identity_number",
                 "so_dien_thoai": "phone", "email": "email", "noi_cu_tru": "address"}
ACCOUNT_ATTRIBUTES = ("full_name", "identity_number", "phone", "email", "address")


@dataclass
class DraftInput:
    """What the submission page sends: answers as typed, the choices, newly chosen files, files to drop."""

    procedure: str
    answers: Mapping[str, Any]
    channel: str | None = None
    agency: str | None = None
    postal_address: str | None = None
    declaration: bool = False
    uploads: list[Upload] = field(default_factory=list)
    remove: list[int] = field(default_factory=list)  # ids of the draft's files to drop


@dataclass
class DraftState:
    """The draft as the page shows it, and the files that were refused this time (not kept)."""

    answers: dict[str, Any]
    channel: str | None
    agency: str | None
    postal_address: str | None
    declaration: bool
    files: dict[str, list[dict[str, Any]]]  # document key -> [{id, filename, size, content_type}]
    saved_at: str | None
    refused: list[Reason] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return self.saved_at is not None


def prefill(user: User, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The answers an account already knows (name, identity number, phone, e-mail, address)."""
    found: dict[str, Any] = {}
    for f in fields:
        attribute = f.get("prefill") or PREFILL_BY_ID.get(str(f.get("id")))
        value = getattr(user, attribute, None) if attribute in ACCOUNT_ATTRIBUTES else None
        if value:
            found[str(f["id"])] = value
    return found


def load_draft(services: Services, username: str, code: str) -> DraftState:
    """The applicant's draft for this procedure, or a fresh one prefilled from the account."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_keep_drafts)
        procedure = _procedure(s, code)
        draft = _draft_of(s, user.id, procedure.id)
        if draft is None:
            return DraftState(prefill(user, procedure.catalogue.get("form", [])), None, None, None, False, {}, None)
        return _state(s, draft)


def save_draft(services: Services, username: str, cmd: DraftInput) -> DraftState:
    """Keep the answers and every acceptable file; refuse the others by name (they are not kept)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_keep_drafts)
        procedure = _procedure(s, cmd.procedure)
        now = services.clock.now()
        draft = _draft_of(s, user.id, procedure.id)
        if draft is None:
            kept = s.scalar(sa.select(sa.func.count()).select_from(SubmissionDraft)
                            .where(SubmissionDraft.user_id == user.id)) or 0
            if kept >= MAX_DRAFTS:
                raise Invalid("draft.too_many", "procedure", max=MAX_DRAFTS)
            draft = SubmissionDraft(user_id=user.id, procedure_id=procedure.id, created_at=now)
            s.add(draft)
        draft.answers = {str(k): v for k, v in cmd.answers.items()
                         if isinstance(v, bool) or (isinstance(v, str) and len(v) <= MAX_ANSWER)}
        draft.channel = (cmd.channel or None) and cmd.channel[:20]
        draft.agency_code = (cmd.agency or None) and cmd.agency[:60]
        draft.postal_address = (cmd.postal_address or "").strip()[:POSTAL_ADDRESS_LENGTH] or None
        draft.declaration = cmd.declaration
        draft.updated_at = now
        s.flush()
        if cmd.remove:
            s.execute(sa.delete(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.id.in_(cmd.remove)))
        refused = _keep_files(services, s, draft, procedure, cmd.uploads, now)
        state = _state(s, draft)
        state.refused = refused
        uow.commit()
        return state


def discard_draft(services: Services, username: str, code: str) -> bool:
    """The applicant gives up this draft; its files go with it. False when there was none (already gone:
    the wish holds)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_keep_drafts)
        procedure = _procedure(s, code)
        draft = _draft_of(s, user.id, procedure.id)
        if draft is None:
            return False
        s.execute(sa.delete(DraftFile).where(DraftFile.draft_id == draft.id))
        s.delete(draft)
        uow.commit()
        return True


def my_drafts(services: Services, username: str) -> list[dict[str, Any]]:
    """Drafts to resume, newest first, for "My dossiers"."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        rows = s.execute(sa.select(SubmissionDraft, Procedure)
                         .join(Procedure, Procedure.id == SubmissionDraft.procedure_id)
                         .where(SubmissionDraft.user_id == user.id)
                         .order_by(SubmissionDraft.updated_at.desc())).all()
        counts: dict[int, int] = {draft_id: n for draft_id, n in s.execute(
            sa.select(DraftFile.draft_id, sa.func.count()).group_by(DraftFile.draft_id)
            .where(DraftFile.draft_id.in_([d.id for d, _ in rows])))}
        return [{"procedure": p.code, "name": p.name, "name_en": p.catalogue.get("name_en", ""),
                 "updated_at": d.updated_at, "files": counts.get(d.id, 0)} for d, p in rows]


def submit_draft(services: Services, username: str, nonce: str, code: str) -> SubmitOutcome:
    """Submit the saved draft by the rules of every door; the draft goes in the same transaction as the
    dossier is registered, and stays whole when the submission is refused."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = authorise(s, username, may_keep_drafts)
        procedure = _procedure(s, code)
        draft = _draft_of(s, user.id, procedure.id)
        if draft is None:
            raise NotFound("draft.not_found", "procedure", procedure=code)
        uploads = []
        for f in s.scalars(sa.select(DraftFile).where(DraftFile.draft_id == draft.id).order_by(DraftFile.id)):
            try:
                data = services.attachments.read(f.sha256)
            except (OSError, DamagedFile):
                raise Invalid("draft.file_lost", f"documents.{f.document_key}", filename=f.filename) from None
            uploads.append(Upload(f.document_key, f.filename, data, f.content_type))
        cmd = Submission(procedure=code, form={k: v for k, v in draft.answers.items()}, channel=draft.channel,
                         agency=draft.agency_code, uploads=uploads, declaration=draft.declaration,
                         postal_address=draft.postal_address)
        draft_id = draft.id
    return submit_online(services, username, nonce, cmd, draft_id=draft_id)


# -- helpers ----------------------------------------------------------------------------------------

def _procedure(s: so.Session, code: str) -> Procedure:
    procedure = s.scalar(sa.select(Procedure).where(Procedure.code == code))
    if procedure is None or procedure.current_definition_id is None:
        raise NotFound("procedure.not_found", "procedure", procedure=code)
    return procedure


def _draft_of(s: so.Session, user_id: int, procedure_id: int) -> SubmissionDraft | None:
    return s.scalar(sa.select(SubmissionDraft).where(SubmissionDraft.user_id == user_id,
                                                     SubmissionDraft.procedure_id == procedure_id))


def _keep_files(services: Services, s: so.Session, draft: SubmissionDraft, procedure: Procedure,
                uploads: list[Upload], now: Any) -> list[Reason]:
    """Store each acceptable upload under its document, replacing what the draft held there; name the
    others. A document may hold up to MAX_FILES_PER_DOCUMENT files."""
    keys = {d["key"] for d in procedure.catalogue.get("documents", [])}
    refused: list[Reason] = []
    replaced: set[str] = set()
    for up in uploads:
        name = f"documents.{up.document_key}"
        if up.document_key not in keys:
            refused.append(Reason("submission.document_unknown", name))
            continue
        try:
            stored = services.attachments.check(name, up.filename, up.data, up.content_type)
        except Invalid as exc:
            refused += exc.reasons
            continue
        if up.document_key not in replaced:  # a newly chosen file replaces the kept one(s)
            s.execute(sa.delete(DraftFile).where(DraftFile.draft_id == draft.id,
                                                 DraftFile.document_key == up.document_key))
            replaced.add(up.document_key)
        held = s.scalar(sa.select(sa.func.count()).select_from(DraftFile).where(
            DraftFile.draft_id == draft.id, DraftFile.document_key == up.document_key)) or 0
        if held >= MAX_FILES_PER_DOCUMENT:
            refused.append(Reason("upload.too_many_files", name, {"max": MAX_FILES_PER_DOCUMENT}))
            continue
        services.attachments.save(stored, up.data)  # content-addressed: a rolled-back draft leaves no reference
        s.add(DraftFile(draft_id=draft.id, document_key=up.document_key, filename=stored.filename,
                        content_type=stored.content_type, size=stored.size, sha256=stored.sha256, uploaded_at=now))
        s.flush()
    return refused


def _state(s: so.Session, draft: SubmissionDraft) -> DraftState:
    files: dict[str, list[dict[str, Any]]] = {}
    for f in s.scalars(sa.select(DraftFile).where(DraftFile.draft_id == draft.id).order_by(DraftFile.id)):
        files.setdefault(f.document_key, []).append(
            {"id": f.id, "filename": f.filename, "size": f.size, "content_type": f.content_type})
    return DraftState(dict(draft.answers), draft.channel, draft.agency_code, draft.postal_address,
                      draft.declaration, files, draft.updated_at.isoformat())
