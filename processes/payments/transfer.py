"""Fees paid by bank or postal transfer (R7.2, R7.4): reception records the transfer with its
reference once the agency's account shows it; an electronic receipt is numbered for it."""
from __future__ import annotations

from typing import Any

from adapters.bootstrap import Services
from models import Agency, Attachment
from processes import idempotency
from processes.access import may_take_payment
from processes.dossier.dossiers import load_for
from processes.errors import Conflict, Invalid
from processes.payments import ledger
from processes.submission.submission import Upload
from processes.uow import UnitOfWork

MAX_REFERENCE = 80
PROOF_KEY = "payment_proof"  # the scan of a transfer slip among the dossier's documents


def record_transfer(services: Services, username: str, code: str, reference: str,
                    idempotency_key: str | None = None, proof: Upload | None = None) -> dict[str, Any]:
    """Reception records the dossier's fees as paid by transfer, with the bank's (or the post office's)
    reference and, optionally, a scan of the slip (PDF, JPEG or PNG, kept with the dossier's documents as
    `payment_proof`); the receipt number is the agency's next. A repeat with the same key answers the first."""
    ref = (reference or "").strip()
    if not ref or len(ref) > MAX_REFERENCE:
        raise Invalid("payment.transfer_reference_required", "reference", max=MAX_REFERENCE)
    stored = (services.attachments.check("proof", proof.filename, proof.data, proof.content_type)
              if proof is not None and proof.data else None)
    request = idempotency.request_of(idempotency_key, "payment.transfer", code, ref,
                                     proof.data if stored is not None and proof is not None else b"")
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        now = services.clock.now()
        earlier = idempotency.replay(s, username, request, now)
        if earlier is not None:
            return earlier
        user, dossier, procedure = load_for(s, username, code, may_take_payment, "fee.reception_only")
        if ledger.fee_of(s, dossier.id) is not None:
            raise Conflict("fee.already_paid", code=code)
        amount = ledger.amount_due(procedure)
        if amount <= 0:
            raise Conflict("payment.nothing_due", code=code)
        agency = s.get(Agency, dossier.agency_id)
        assert agency is not None
        if stored is not None and proof is not None:
            services.attachments.save(stored, proof.data)  # content-addressed: a rollback leaves no reference
            s.add(Attachment(dossier_id=dossier.id, document_key=PROOF_KEY, filename=stored.filename,
                             content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                             uploaded_at=now, uploaded_by=user.id))
        fee = ledger.record_fee(services, s, dossier, procedure, amount_vnd=amount, method="transfer",
                                receipt_no=ledger.next_receipt_no(s, agency, now), reference=ref,
                                received_by=user, actor=user.username, now=now)
        answer = idempotency.remember(s, username, request, {
            "code": code, "amount_vnd": amount, "receipt_no": fee.receipt_no, "method": "transfer",
            "reference": ref, "proof": stored.filename if stored is not None else None,
            "paid_at": now.isoformat()}, now)
        return idempotency.commit_or_twin(services, uow, username, request, answer,
                                          lost=Conflict("fee.already_paid", code=code))
