"""Online submission from the portal's form (R7.1, R7.3, R16.1): the applicant's declaration, a
one-time nonce against double submits, and what the receipt says about digital signatures."""
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
from models import Attachment, Dossier, Procedure, SubmissionNonce
from processes import audit
from processes.access import acting_user
from processes.errors import Invalid
from processes.submission.submission import Submission, register_dossier
from processes.texts import N_
from processes.uow import UnitOfWork

NONCE = re.compile(r"[A-Za-z0-9_\-]{16,64}")
DECLARATION = N_("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước "
                  "pháp luật về tính chính xác, hợp pháp của hồ sơ, giấy tờ đã nộp.")


@dataclass(frozen=True)
class SubmitOutcome:
    code: str
    duplicate: bool  # True: this nonce had already made the dossier (a double click)


def new_nonce() -> str:
    """A fresh one-time token for the submission form."""
    return secrets.token_urlsafe(24)


def submit_online(services: Services, username: str, nonce: str, cmd: Submission,
                  declared: bool) -> SubmitOutcome:
    """Register the dossier once per nonce. A repeated nonce returns the first dossier's code;
    a refused submission leaves nothing behind and the same form may be sent again."""
    if not NONCE.fullmatch(nonce or ""):
        raise Invalid({"nonce": "biểu mẫu thiếu mã nộp một lần; hãy tải lại trang và nộp lại (reload the form)"})
    try:
        with UnitOfWork(services.session_factory) as uow:
            s = uow.session
            user = acting_user(s, username)
            done = _made_by(s, user.id, nonce)
            if done is not None:
                return SubmitOutcome(done, True)
            missing = {} if declared else {"declaration": "hãy đánh dấu lời cam đoan thông tin kê khai là "
                                                          "chính xác (R16.1: the declaration is required)"}
            try:
                dossier = register_dossier(services, s, username, cmd)
            except Invalid as exc:  # name every problem at once, the declaration among them
                raise Invalid({**missing, **exc.fields}) from None
            if missing:
                raise Invalid(missing)  # leaving without commit undoes the registration
            s.add(SubmissionNonce(user_id=user.id, nonce=nonce, dossier_id=dossier.id,
                                  used_at=services.clock.now()))
            audit.append(s, at=services.clock.now(), actor=username, kind="declaration_made",
                         dossier_id=dossier.id, detail={"text": DECLARATION})
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
