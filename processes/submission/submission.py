"""The applicant's use cases: submit a dossier (R7.1, R7.3, R8.4, R16.1) and answer a supplement (R14.2).

Every door (the portal's form, `POST /api/v1/dossiers`) submits through `register_dossier`, so every
rule holds on each: the declaration (R16.1), the required documents attached, a level-3 result at the
desk only (R8.4), a known agency of the right level, files that are what they claim to be."""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from adapters.attachments import StoredFile
from adapters.bootstrap import Services
from engine.forms import FormErrors, clean_form
from models import Agency, Attachment, AuditEvent, Dossier, DossierIntake, DossierSequence, Procedure, User
from processes import audit, idempotency
from processes.access import acting_user, may_register_at_desk, may_submit, may_view_dossier
from processes.definitions.catalogue import form_fields
from processes.dossier.dossier_run import PAPER, DossierRun
from processes.dossier.status import DossierStatus, status_name
from processes.errors import Conflict, Forbidden, Invalid, NotFound, Reason, collect, form_refusal
from processes.people import consent
from processes.people.account_state import email_confirmed
from processes.texts import N_
from processes.uow import UnitOfWork

RESULT_CHANNELS = ("counter", "post", "online")
DESK_ONLY_LEVEL = 3  # R8.4: level-3 results are handed over at the agency
DECLARATION = N_("Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước "
                  "pháp luật về tính chính xác, hợp pháp của hồ sơ, giấy tờ đã nộp.")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Upload:
    document_key: str
    filename: str
    data: bytes
    content_type: str = ""  # as the client declared it; the content decides, this must agree


MAX_FILES_PER_DOCUMENT = 20  # files under one document key in one submission or supplement
APPLICANT_NAME_LENGTH = 200  # the dossier's column; the form keeps the name in full
POSTAL_ADDRESS_LENGTH = 500


def _short(text: str, limit: int) -> str:
    """A name as long as the column holds, shortened with an ellipsis (the form field allows more)."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@dataclass
class Applicant:
    """Someone without an account, registered at the counter or from the post (R7.1, R14)."""

    id_number: str  # CMND (9 digits) or CCCD / personal identity number (12 digits)
    name: str
    phone: str
    address: str = ""


@dataclass
class DeskIntake:
    """A dossier reception registers itself: handed in at the counter or received by post."""

    received_via: str  # counter | post
    applicant: Applicant
    papers_seen: list[str] = field(default_factory=list)  # documents seen on paper, not scanned
    arrived_at: datetime | None = None  # post: when it reached the agency (starts the clock)
    sender: str = ""  # post: who sent it (name and address as on the envelope)


DESK_CHANNELS = ("counter", "post")
_ID_NUMBER = re.compile(r"^(?:[0-9]{9}|[0-9]{12})$")
MAX_ADDRESS = 300
MAX_SENDER = 300
# The applicant's identity fills the procedure's form fields of the same meaning when left empty.
_PREFILL = {"ho_ten": "name", "ho_ten_chu_ho": "name", "so_dinh_danh": "id_number", "so_cccd": "id_number",
            "so_dien_thoai": "phone", "noi_cu_tru": "address", "dia_chi": "address"}


@dataclass
class Submission:
    """A dossier as the applicant sends it, from any door."""

    procedure: str
    form: Mapping[str, Any]
    channel: str | None = None  # how the result is handed over: counter (default), post, online
    agency: str | None = None
    uploads: list[Upload] = field(default_factory=list)
    declaration: bool = False  # R16.1: the applicant declares the information true (DECLARATION)
    postal_address: str | None = None  # where the result goes when it goes by post (then required)


def submit_dossier(services: Services, username: str, cmd: Submission,
                   idempotency_key: str | None = None, door: str = "api") -> dict[str, Any]:
    """Register a new dossier, start its workflow, return {code, status, status_code}. With an
    `idempotency_key`, a repeat of the same submission by the same caller returns the first answer and
    registers nothing (processes/idempotency.py)."""
    request = idempotency.request_of(idempotency_key, "dossier.submit", cmd)
    with UnitOfWork(services.session_factory) as uow:
        earlier = idempotency.replay(uow.session, username, request, services.clock.now())
        if earlier is not None:
            return earlier
        dossier = register_dossier(services, uow.session, username, cmd, door=door)
        answer = idempotency.remember(uow.session, username, request, {
            "code": dossier.code, "status": status_name(dossier.status_code),
            "status_code": dossier.status_code}, services.clock.now())
        return idempotency.commit_or_twin(services, uow, username, request, answer)


def register_dossier(services: Services, s: so.Session, username: str, cmd: Submission,
                     desk: DeskIntake | None = None, door: str = "submission") -> Dossier:
    """Register a new dossier and start its workflow inside the caller's transaction (no commit).

    Refuses an applicant whose self-registered account has not confirmed its e-mail (R6.1); names
    every bad field at once (the declaration, the form, the result channel, the agency, the files).
    With `desk`, a reception officer registers it for someone without an account (R7.1, R14): any
    level of procedure, the officer's own agency, the declaration signed on paper, a document either
    scanned or seen on paper; a postal dossier is received when the post arrived.

    An applicant's own submission records that they were told what their data is processed for, with
    the dossier (Decree 13/2023 Art. 17: `processing`, acknowledged; `door` names where: the portal's
    form or the API). A walk-in has no account to record it on: the desk tells them on paper
    (`consent.PAPER_NOTICE`, also printed on the receipt), and the dossier's chain records that it did."""
    user = acting_user(s, username)
    if desk is None and not may_submit(user, email_confirmed=email_confirmed(s, user.id)):
        raise Forbidden("submission.applicants_only")
    if desk is not None and not may_register_at_desk(user):
        raise Forbidden("intake.reception_only")
    procedure = s.scalar(_PROCEDURE, {"code": cmd.procedure})
    if procedure is None or procedure.current_definition_id is None:
        raise NotFound("procedure.not_found", "procedure", procedure=cmd.procedure)
    if procedure.level < 3 and desk is None:
        raise Invalid("submission.paper_only", "procedure")
    reasons: list[Reason] = []
    if cmd.declaration is not True and desk is None:
        reasons.append(Reason("dossier.declaration_required", "declaration"))
    now = services.clock.now()
    if desk is not None:
        reasons += _desk_reasons(procedure, desk, now)
    raw_form = dict(cmd.form)
    if desk is not None:
        ids = {f.id for f in form_fields(procedure.catalogue)}
        for field_id, attr in _PREFILL.items():
            value = str(getattr(desk.applicant, attr) or "").strip()
            if field_id in ids and value and raw_form.get(field_id) in (None, ""):
                raw_form[field_id] = value
    form: dict[str, Any] = {}
    try:
        form = clean_form(form_fields(procedure.catalogue, today=_local_today(services)), raw_form)
    except FormErrors as exc:
        reasons += form_refusal(exc.codes, "form.").reasons
    channel = cmd.channel or "counter"
    postal_address = " ".join((cmd.postal_address or "").split()) or None
    if postal_address is None and desk is not None:  # a walk-in's result by post goes to the address given
        postal_address = " ".join(desk.applicant.address.split()) or None
    if channel not in RESULT_CHANNELS:
        reasons.append(Reason("submission.channel_unknown", "channel"))
    elif procedure.level <= DESK_ONLY_LEVEL and channel != "counter":
        reasons.append(Reason("submission.channel_desk_only", "channel"))
    elif channel == "post" and postal_address is None:
        reasons.append(Reason("submission.postal_address_required", "postal_address"))
    elif postal_address is not None and len(postal_address) > POSTAL_ADDRESS_LENGTH:
        reasons.append(Reason("submission.postal_address_too_long", "postal_address", {"max": POSTAL_ADDRESS_LENGTH}))
    agency: Agency | None = None
    try:
        agency = _agency(s, procedure, cmd.agency) if desk is None else _desk_agency(s, procedure, user)
    except Invalid as exc:
        reasons += exc.reasons
    stored: list[tuple[str, tuple[StoredFile, bytes]]] = []
    try:
        stored = _check_uploads(services, procedure, cmd.uploads)
    except Invalid as exc:
        reasons += exc.reasons
    sent = {up.document_key for up in cmd.uploads} | set(desk.papers_seen if desk else [])
    reasons += [Reason("submission.document_required", f"documents.{d['key']}", {"document": d["name"]})
                for d in procedure.catalogue.get("documents", []) if d.get("required") and d["key"] not in sent]
    collect(reasons)
    assert agency is not None
    if desk is None:
        dossier = Dossier(code=_next_code(s, agency.code, now), procedure_id=procedure.id,
                          definition_id=procedure.current_definition_id, agency_id=agency.id,
                          applicant_id=user.id, applicant_name=_short(str(form.get("ho_ten") or form.get(
                              "ho_ten_chu_ho") or user.full_name), APPLICANT_NAME_LENGTH),
                          applicant_phone=user.phone, status_code=DossierStatus.NEWLY_REGISTERED,
                          channel="online", result_channel=channel, form=form,
                          postal_address=postal_address if channel == "post" else None, received_at=now, state=b"")
    else:
        who = desk.applicant
        dossier = Dossier(code=_next_code(s, agency.code, now), procedure_id=procedure.id,
                          definition_id=procedure.current_definition_id, agency_id=agency.id,
                          applicant_id=None, applicant_name=_short(who.name.strip(), APPLICANT_NAME_LENGTH),
                          applicant_phone=who.phone.strip(), applicant_id_number=who.id_number.strip(),
                          applicant_address=who.address.strip() or None,
                          status_code=DossierStatus.NEWLY_REGISTERED, channel=desk.received_via,
                          result_channel=channel, form=form,
                          postal_address=postal_address if channel == "post" else None,
                          received_at=desk.arrived_at if desk.received_via == "post" and desk.arrived_at else now,
                          state=b"")
    s.add(dossier)
    s.flush()
    _attach(services, s, dossier, stored, user.id, now)
    papers = sorted(set(desk.papers_seen) - {k for k, _ in stored}) if desk else []
    detail: dict[str, Any] = {"procedure": procedure.code, "documents": sorted(k for k, _ in stored)}
    if desk is not None:
        s.add(DossierIntake(dossier_id=dossier.id, channel=desk.received_via, officer_id=user.id,
                            registered_at=now, arrived_at=dossier.received_at if desk.received_via == "post"
                            else None, sender=desk.sender.strip() or None, papers_seen=papers))
        detail |= {"channel": desk.received_via, "papers_seen": papers}
        if desk.received_via == "post":
            detail |= {"arrived_at": dossier.received_at.isoformat(), "sender": desk.sender.strip()}
    audit.append(s, at=now, actor=user.username, kind="dossier_submitted", dossier_id=dossier.id, detail=detail)
    if desk is not None:  # told on paper: at the counter, and on the receipt (form 01) either way
        consent.notice_on_paper(s, dossier.id, desk.received_via, now, user.username)
    if desk is None:
        audit.append(s, at=now, actor=user.username, kind="declaration_made", dossier_id=dossier.id,
                     detail={"text": DECLARATION})
        consent.record(s, services.config, user, consent.PROCESSING, consent.ACKNOWLEDGED, door, now, user.username,
                       dossier_id=dossier.id)
    run = DossierRun(services, s, dossier, procedure, user.username)
    run.facts.documents = {key: PAPER for key in papers}
    run.facts.documents |= {key: meta.sha256 for key, (meta, _) in stored}  # all a new dossier has
    run.start({"dossier_code": dossier.code, "procedure": procedure.code, "form": form,
               "documents": sorted(run.facts.documents), "result_channel": channel})
    run.save()
    return dossier


def requested_documents(s: so.Session, dossier: Dossier, procedure: Procedure) -> list[dict[str, Any]]:
    """The catalogue documents the open supplement request names (R14.2); every document when the request
    named none (a note only)."""
    documents = list(procedure.catalogue.get("documents", []))
    detail = s.scalar(sa.select(AuditEvent.detail).where(AuditEvent.dossier_id == dossier.id,
                                                         AuditEvent.kind == "supplement_requested")
                      .order_by(AuditEvent.seq.desc()).limit(1)) or {}
    named = set(detail.get("missing") or [])
    return [d for d in documents if d["name"] in named or d["key"] in named] or documents


def answer_supplement(services: Services, username: str, code: str, form: Mapping[str, Any],
                      uploads: list[Upload], replace: Collection[str] = ()) -> dict[str, Any]:
    """The applicant supplies what was asked; the paused clock resumes (R14.2). Only the documents the
    request named are taken; for each document in `replace` the new file replaces the earlier ones
    (kept as older versions), for the others it is added beside them."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        if dossier is None or not may_view_dossier(user, dossier, set()):
            raise NotFound("dossier.not_found", code=code)
        if dossier.applicant_id != user.id:
            raise Forbidden("supplement.applicant_only")
        if dossier.status_code != DossierStatus.SUPPLEMENT_REQUESTED:
            raise Conflict("supplement.not_requested")
        procedure = s.get(Procedure, dossier.procedure_id)
        assert procedure is not None
        if form:
            fields = form_fields(procedure.catalogue, today=_local_today(services))
            try:
                merged = clean_form(fields, {**dossier.form, **form})
            except FormErrors as exc:
                raise form_refusal(exc.codes, "form.") from None
            dossier.form = merged
        if not form and not uploads:
            raise Invalid("supplement.nothing_supplied", "documents")
        requested = {d["key"]: d["name"] for d in requested_documents(s, dossier, procedure)}
        collect([Reason("supplement.document_not_requested", f"documents.{up.document_key}")
                 for up in uploads if up.document_key not in requested])
        stored = _check_uploads(services, procedure, uploads)
        now = services.clock.now()
        replaced = {key for key, _ in stored if key in set(replace)}
        if replaced:
            s.execute(sa.update(Attachment).where(Attachment.dossier_id == dossier.id,
                                                  Attachment.document_key.in_(replaced),
                                                  Attachment.superseded_at.is_(None)).values(superseded_at=now))
        _attach(services, s, dossier, stored, user.id, now)
        run = DossierRun(services, s, dossier, procedure, user.username)
        instance = run.load()
        f = run.facts
        if f.paused_at is not None and f.due_at is not None:
            f.due_at = run.calendar.resume_due(f.due_at, f.paused_at, now)
        f.paused_at = None
        f.status_code = (DossierStatus.NEWLY_REGISTERED if f.accepted_at is None
                         else DossierStatus.IN_PROCESS)
        delivered = run.act(lambda: instance.deliver_message(
            "supplement_received", {"documents": sorted(k for k, _ in stored), "at": now.isoformat()}))
        if not delivered:
            raise Conflict("supplement.not_awaited")
        audit.append(s, at=now, actor=user.username, kind="supplement_answered", dossier_id=dossier.id,
                     detail={"documents": sorted(k for k, _ in stored), "fields": sorted(form),
                             "replaced": sorted(replaced)})
        run.save()
        uow.commit()
        return {"code": dossier.code, "status": status_name(dossier.status_code),
                "status_code": dossier.status_code}


_PROCEDURE = sa.select(Procedure).where(Procedure.code == sa.bindparam("code"))


def _desk_reasons(procedure: Procedure, desk: DeskIntake, now: datetime) -> list[Reason]:
    """What is wrong with a counter or postal intake: the channel, the applicant, the papers, the post."""
    reasons: list[Reason] = []
    if desk.received_via not in DESK_CHANNELS:
        reasons.append(Reason("intake.channel_unknown", "received_via"))
    who = desk.applicant
    if not _ID_NUMBER.match(who.id_number.strip()):
        reasons.append(Reason("intake.id_number_invalid", "applicant.id_number"))
    if not who.name.strip():
        reasons.append(Reason("intake.name_required", "applicant.name"))
    elif len(who.name.strip()) > APPLICANT_NAME_LENGTH:
        reasons.append(Reason("intake.name_too_long", "applicant.name", {"max": APPLICANT_NAME_LENGTH}))
    if not 8 <= len(re.sub(r"\D", "", who.phone)) <= 15 or re.search(r"[^0-9 +().-]", who.phone):
        reasons.append(Reason("intake.phone_invalid", "applicant.phone"))
    if len(who.address.strip()) > MAX_ADDRESS:
        reasons.append(Reason("intake.address_too_long", "applicant.address", {"max": MAX_ADDRESS}))
    keys = {d["key"] for d in procedure.catalogue.get("documents", [])}
    reasons += [Reason("submission.document_unknown", f"documents.{k}") for k in desk.papers_seen if k not in keys]
    if desk.received_via == "post":
        if desk.arrived_at is None:
            reasons.append(Reason("intake.arrival_required", "arrived_at"))
        elif desk.arrived_at > now:
            reasons.append(Reason("intake.arrival_in_future", "arrived_at"))
        if not desk.sender.strip():
            reasons.append(Reason("intake.sender_required", "sender"))
        elif len(desk.sender.strip()) > MAX_SENDER:
            reasons.append(Reason("intake.sender_too_long", "sender", {"max": MAX_SENDER}))
    return reasons


def _desk_agency(s: so.Session, procedure: Procedure, officer: User) -> Agency:
    """A desk registers dossiers for its own agency only, of the level the procedure is handled at."""
    agency = s.get(Agency, officer.agency_id)
    assert agency is not None
    if procedure.agency_id is not None and procedure.agency_id != agency.id:
        raise Invalid("intake.other_agency", "procedure")
    if agency.level != procedure.agency_level:
        raise Invalid("agency.wrong_level", "procedure", level=procedure.agency_level)
    return agency



def _local_today(services: Services) -> date:
    """Today in the province (a date the applicant declares is not after it)."""
    return services.clock.now().astimezone(LOCAL).date()


def _agency(s: so.Session, procedure: Procedure, wanted: str | None) -> Agency:
    if wanted:
        agency = s.scalar(sa.select(Agency).where(Agency.code == wanted))
        if agency is None:
            raise Invalid("agency.unknown", "agency", agency=wanted)
        if agency.level != procedure.agency_level:
            raise Invalid("agency.wrong_level", "agency", level=procedure.agency_level)
        return agency
    if procedure.agency_id is None:
        raise Invalid("agency.required", "agency")
    agency = s.get(Agency, procedure.agency_id)
    assert agency is not None
    return agency


def _check_uploads(services: Services, procedure: Procedure,
                   uploads: list[Upload]) -> list[tuple[str, tuple[StoredFile, bytes]]]:
    keys = {d["key"] for d in procedure.catalogue.get("documents", [])}
    result = []
    reasons: list[Reason] = []
    per_key: dict[str, int] = {}
    for up in uploads:
        per_key[up.document_key] = per_key.get(up.document_key, 0) + 1
    for key, count in per_key.items():
        if count > MAX_FILES_PER_DOCUMENT:
            reasons.append(Reason("upload.too_many_files", f"documents.{key}", {"max": MAX_FILES_PER_DOCUMENT}))
    collect(reasons)
    for up in uploads:
        field_name = f"documents.{up.document_key}"
        if up.document_key not in keys:
            reasons.append(Reason("submission.document_unknown", field_name))
            continue
        try:
            stored = services.attachments.check(field_name, up.filename, up.data, up.content_type)
            result.append((up.document_key, (stored, up.data)))
        except Invalid as exc:
            reasons += exc.reasons
    collect(reasons)
    return result


def _attach(services: Services, s: so.Session, dossier: Dossier,
            stored: list[tuple[str, tuple[StoredFile, bytes]]], user_id: int, now: datetime) -> None:
    for key, (meta, data) in stored:
        services.attachments.save(meta, data)  # content-addressed: a rolled-back write leaves no reference
        s.add(Attachment(dossier_id=dossier.id, document_key=key, filename=meta.filename,
                         content_type=meta.content_type, size=meta.size, sha256=meta.sha256,
                         uploaded_at=now, uploaded_by=user_id))
    s.flush()


def _sequence_upsert(insert: Any) -> Any:
    return (insert(DossierSequence)
            .values(agency_code=sa.bindparam("agency_code"), day=sa.bindparam("day"), last=1)
            .on_conflict_do_update(index_elements=["agency_code", "day"], set_={"last": DossierSequence.last + 1})
            .returning(DossierSequence.last))


_NEXT_IN_SEQUENCE = {"postgresql": _sequence_upsert(postgresql.insert),  # built once per dialect (hot)
                     "sqlite": _sequence_upsert(sqlite.insert)}


def _next_code(s: so.Session, agency_code: str, now: datetime) -> str:
    """`<agency e-code>-<yymmdd>-<NNNN>`: the daily sequence, safe under concurrent submissions."""
    day = now.astimezone(LOCAL).date()
    upsert = _NEXT_IN_SEQUENCE["postgresql" if s.get_bind().dialect.name == "postgresql" else "sqlite"]
    seq = s.execute(upsert, {"agency_code": agency_code, "day": day}).scalar_one()
    return f"{agency_code}-{day:%y%m%d}-{seq:04d}"
