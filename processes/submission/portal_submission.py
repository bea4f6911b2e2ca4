"""Online submission from the portal's form (R7.1, R7.3): a one-time nonce against double submits,
and what the receipt says about digital signatures. Every rule of a submission, the declaration
(R16.1) among them, is the use case's (processes.submission.submission.register_dossier)."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from adapters.attachments import IntegrityError as DamagedFile
from adapters.bootstrap import Services
from adapters.signature import looks_signed
from models import Attachment, Dossier, DraftFile, Procedure, SubmissionDraft, SubmissionNonce
from processes.access import acting_user
from processes.errors import Invalid
from processes.submission.submission import DECLARATION, Submission, register_dossier
from processes.uow import UnitOfWork

NONCE = re.compile(r"[A-Za-z0-9_\-]{16,64}")
__all__ = ["DECLARATION", "SubmitOutcome", "new_nonce", "signature_report", "submit_online"]


@dataclass(frozen=True)
class SubmitOutcome:
    code: str
    duplicate: bool  # True: this nonce had already made the dossier (a double click)


def new_nonce() -> str:
    """A fresh one-time token for the submission form."""
    return secrets.token_urlsafe(24)


def submit_online(services: Services, username: str, nonce: str, cmd: Submission,
                  draft_id: int | None = None) -> SubmitOutcome:
    """Register the dossier once per nonce. A repeated nonce returns the first dossier's code;
    a refused submission leaves nothing behind and the same form may be sent again. With `draft_id`
    (processes.submission.drafts), the applicant's draft is deleted in the same transaction."""
    if not NONCE.fullmatch(nonce or ""):
        raise Invalid("submission.nonce_missing", "nonce")
    try:
        with UnitOfWork(services.session_factory) as uow:
            s = uow.session
            user = acting_user(s, username)
            done = _made_by(s, user.id, nonce)
            if done is not None:
                return SubmitOutcome(done, True)
            dossier = register_dossier(services, s, username, cmd)
            if draft_id is not None:
                s.execute(sa.delete(DraftFile).where(DraftFile.draft_id == draft_id))
                s.execute(sa.delete(SubmissionDraft).where(SubmissionDraft.id == draft_id,
                                                           SubmissionDraft.user_id == user.id))
            s.add(SubmissionNonce(user_id=user.id, nonce=nonce, dossier_id=dossier.id,
                                  used_at=services.clock.now()))
            s.flush()  # PostgreSQL: a concurrent click with the same nonce fails here, after the first commits
            uow.commit()
            return SubmitOutcome(dossier.code, False)
    except IntegrityError:
        with UnitOfWork(services.session_factory) as uow:
            user = acting_user(uow.session, username)
            done = _made_by(uow.session, user.id, nonce)
        if done is None:
            raise
        return SubmitOutcome(done, True)


def _made_by(s: so.Session, user_id: int, nonce: str) -> str | None:
    return s.scalar(sa.select(Dossier.code).join(SubmissionNonce, SubmissionNonce.dossier_id == Dossier.id)
                    .where(SubmissionNonce.user_id == user_id, SubmissionNonce.nonce == nonce))


def signature_report(services: Services, s: so.Session, dossier: Dossier,
                     procedure: Procedure) -> dict[str, Any]:
    """R7.3: which uploaded documents carry a digital signature, and whether (level 4) certified
    paper copies marked with the dossier code must be posted for the others."""
    names = {d["key"]: d["name"] for d in procedure.catalogue.get("documents", [])}
    files = []
    for a in s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id,
                                                   Attachment.uploaded_by == dossier.applicant_id)
                       .order_by(Attachment.id)):
        signed = a.content_type == "application/pdf" and _signed(services, a.sha256)
        files.append({"key": a.document_key, "name": names.get(a.document_key, a.document_key),
                      "filename": a.filename, "signed": signed})
    unsigned = [f for f in files if not f["signed"]]
    return {"files": files, "unsigned": unsigned,
            "paper_copies_needed": procedure.level >= 4 and bool(unsigned)}


def _signed(services: Services, sha256: str) -> bool:
    try:
        return looks_signed(services.attachments.read(sha256))
    except (OSError, ValueError, DamagedFile):
        return False
