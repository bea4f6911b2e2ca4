"""SQLAlchemy 2.0 typed models, the session factory and Alembic migrations."""
from models.acts import ExtensionRequest, Substitution, WithdrawalRequest
from models.audit import AuditChain, AuditEvent, AuditHead, Incident, OutboxMessage
from models.base import Base
from models.catalogue import Agency, CalendarOverride, Procedure, ProcessDefinition
from models.consent import ConsentRecord
from models.dossiers import (
    Attachment,
    Dossier,
    DossierIntake,
    DossierNotice,
    DossierSequence,
    Notification,
    Timer,
    UserTask,
)
from models.drafts import DraftFile, SubmissionDraft
from models.idempotency import IdempotentRequest
from models.payments import PaymentAttempt, PaymentRefund, ReceiptSequence
from models.portal import EmailVerification, Feedback, SubmissionNonce, ThrottleHit
from models.publications import DefinitionProposal, Publication
from models.users import RecoveryCode, TwoFactor, User, UserSession
from models.workbench import DossierNote, FeePayment, ResultDelivery

__all__ = ["Base", "Agency", "Procedure", "ProcessDefinition", "CalendarOverride", "User", "Attachment",
           "Dossier", "DossierNotice", "DossierSequence", "Timer", "UserTask", "AuditEvent", "AuditHead", "AuditChain",
           "OutboxMessage", "Incident", "EmailVerification", "Feedback", "SubmissionNonce", "ThrottleHit",
           "DossierNote", "FeePayment", "ResultDelivery", "DefinitionProposal", "Publication", "UserSession",
           "IdempotentRequest", "SubmissionDraft", "DraftFile", "ExtensionRequest", "WithdrawalRequest",
           "Substitution", "TwoFactor", "RecoveryCode", "PaymentAttempt", "PaymentRefund", "ReceiptSequence",
           "DossierIntake", "Notification", "ConsentRecord"]
