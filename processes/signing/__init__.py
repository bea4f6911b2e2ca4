"""Digital signatures in the dossier's life (R3.1, R4.1, R7.3, R8.5): the agency signs the result it
hands over online and the notices it sends (forms 01–04); every PDF an applicant uploads is verified
against the trust list; anyone may check a PDF that claims to come from an agency (/verify).

The cryptography is the signing port's (adapters.signing); this room decides who signs what, and what a
verification says about a dossier."""
from __future__ import annotations

import hashlib
import logging
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import throttle
from adapters.attachments import IntegrityError as DamagedFile
from adapters.bootstrap import Services
from adapters.signing import SigningFailed, Verdict
from models import Agency, Attachment, Dossier
from processes.errors import Invalid, Throttled, TooLarge
from processes.texts import N_
from processes.uow import UnitOfWork

log = logging.getLogger(__name__)

RESULT_KEY = "result"
RESULT_REASON = "Kết quả giải quyết thủ tục hành chính"
NOTICE_REASON = "Thông báo của Bộ phận tiếp nhận và trả kết quả"
SIGNED_NOTICES = ("01", "02", "03", "04")

# What each verification status means to the person reading it (translated where shown).
STATUS_TEXTS = {
    "unsigned": N_("Không có chữ ký số"),
    "valid": N_("Chữ ký số hợp lệ"),
    "untrusted": N_("Có chữ ký số nhưng chứng thư số không do tổ chức được tin cậy cấp"),
    "modified": N_("Chữ ký số không còn nguyên vẹn: tài liệu đã bị sửa sau khi ký"),
    "expired": N_("Chứng thư số của người ký đã hết hạn"),
    "revoked": N_("Chứng thư số của người ký đã bị thu hồi"),
}


def sign_result(services: Services, agency: Agency, pdf: bytes, *, signer: str = "") -> bytes:
    """The result PDF signed by the agency (visible stamp: agency, signer, time). A file the agency
    has already validly signed is returned as it is. Raises SigningFailed when the agency cannot sign."""
    now = services.clock.now()
    verdict = services.signing.verify(pdf, at=now)
    if services.signing.signed_by(verdict, code=agency.code, agency=agency.name, at=now):
        return pdf
    return services.signing.sign(pdf, code=agency.code, agency=agency.name, signer=signer or agency.name,
                                 reason=RESULT_REASON, at=now)


def sign_notice(services: Services, agency: Agency, pdf: bytes, *, signer: str = "",
                box: tuple[float, float, float, float] | None = None) -> bytes:
    """A notice (forms 01–04) signed by the agency, its stamp in `box` (the form's room to sign); unsigned,
    and logged, when the agency has no identity (a printed notice at the counter must not wait for a
    missing key)."""
    try:
        return services.signing.sign(pdf, code=agency.code, agency=agency.name, signer=signer or agency.name,
                                     reason=NOTICE_REASON, at=services.clock.now(), box=box)
    except SigningFailed as exc:
        log.warning("notice of %s left unsigned: %s", agency.code, exc)
        return pdf


def verdict_view(verdict: Verdict) -> dict[str, Any]:
    """A verdict as pages and the API show it."""
    view = verdict.as_json()
    view["label"] = STATUS_TEXTS[verdict.status]
    return view


def attachment_verdict(services: Services, attachment: Attachment) -> dict[str, Any]:
    """The signature check of one stored file (PDFs only; anything else is unsigned)."""
    if attachment.content_type != "application/pdf":
        return verdict_view(Verdict("unsigned"))
    try:
        data = services.attachments.read(attachment.sha256)
    except (OSError, ValueError, DamagedFile):
        return verdict_view(Verdict("unsigned"))
    return verdict_view(services.signing.verify(data, at=services.clock.now()))


def verify_document(services: Services, data: bytes, ip: str) -> dict[str, Any]:
    """Anyone's check of a PDF (the public /verify page and POST /api/v1/verify), throttled per
    address: its signature's verdict and, for a result MotCua handed over, the issuing agency and the
    dossier code."""
    limit = int(services.config["storage"]["max_upload_bytes"])
    if len(data) > limit:
        raise TooLarge("verify.file_too_large", "file", max_mb=limit // (1024 * 1024))
    if not data:
        raise Invalid("verify.file_required", "file")
    with UnitOfWork(services.session_factory) as uow:
        checks = throttle.configured(services.config, throttle.VERIFICATIONS_PER_IP)
        if not throttle.take(uow.session, checks, throttle.key_of(ip), services.clock.now()):
            wait = throttle.minutes(checks)
            raise Throttled("verify.too_many", retry_after=wait * 60, minutes=wait)
        uow.commit()
    view = verdict_view(services.signing.verify(data, at=services.clock.now()))
    view["agency"] = view["dossier_code"] = None
    digest = hashlib.sha256(data).hexdigest()
    with UnitOfWork(services.session_factory) as uow:
        found = uow.session.execute(sa.select(Dossier.code, Agency.name, Agency.code)
                          .join(Attachment, Attachment.dossier_id == Dossier.id)
                          .join(Agency, Agency.id == Dossier.agency_id)
                          .where(Attachment.sha256 == digest, Attachment.document_key == RESULT_KEY)
                          .limit(1)).first()
    if found is not None and view["status"] == "valid":
        view["dossier_code"], view["agency"], view["agency_code"] = found
    view["issued_by_motcua"] = found is not None and view["status"] == "valid"
    return view


def dossier_agency(s: so.Session, dossier: Dossier) -> Agency:
    agency = s.get(Agency, dossier.agency_id)
    assert agency is not None
    return agency


def make_demo_pki(services: Services, *, fresh: bool = False) -> bool:
    """Demo mode: the demo PKI under the data folder (root, issuing CA, an identity per agency, the
    demo applicant's certificate, the TSA's); made when absent (or `fresh`). True when something was made."""
    from adapters.signing import ensure_demo_pki

    with UnitOfWork(services.session_factory) as uow:
        agencies = [(a.code, a.name) for a in uow.session.scalars(sa.select(Agency).order_by(Agency.code))]
    made = ensure_demo_pki(services.config, agencies, now=services.clock.now(), fresh=fresh)
    services.signing.forget()
    return made is not None


def document_signatures(services: Services, s: so.Session, dossier: Dossier) -> dict[str, Any]:
    """Each stored document of a dossier with its signature check, and the signed result handed over
    online (its attachment id), for a caller who may see the dossier."""
    from models import ResultDelivery

    documents = [{"id": a.id, "key": a.document_key, "filename": a.filename,
                  "is_result": a.document_key == RESULT_KEY, "signature": attachment_verdict(services, a)}
                 for a in s.scalars(sa.select(Attachment).where(Attachment.dossier_id == dossier.id)
                                    .order_by(Attachment.id))]
    result_id = s.scalar(sa.select(ResultDelivery.result_attachment_id)
                         .where(ResultDelivery.dossier_id == dossier.id,
                                ResultDelivery.result_attachment_id.is_not(None))
                         .order_by(ResultDelivery.id.desc()).limit(1))
    return {"documents": documents, "result_attachment_id": result_id}
