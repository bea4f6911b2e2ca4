"""The applicant's use cases: submit a dossier (R7.1, R7.3, R16.1) and answer a supplement (R14.2)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.dialects import postgresql, sqlite

from adapters.attachments import StoredFile
from adapters.bootstrap import Services
from engine.forms import FormErrors, clean_form
from models import Agency, Attachment, Dossier, DossierSequence, Procedure
from processes import audit
from processes.access import acting_user, may_submit, may_view_dossier
from processes.definitions.catalogue import form_fields
from processes.dossier.dossier_run import DossierRun
from processes.dossier.status import status_name
from processes.errors import Conflict, Forbidden, Invalid, NotFound
from processes.people.account_state import email_confirmed
from processes.uow import UnitOfWork

RESULT_CHANNELS = ("counter", "post", "online")
LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Upload:
    document_key: str
    filename: str
    data: bytes


@dataclass
class Submission:
    procedure: str
    form: Mapping[str, Any]
    channel: str | None = None
    agency: str | None = None
    uploads: list[Upload] = field(default_factory=list)


def submit_dossier(services: Services, username: str, cmd: Submission) -> dict[str, Any]:
    """Register a new dossier, start its workflow, return {code, status, status_code}."""
    with UnitOfWork(services.session_factory) as uow:
        dossier = register_dossier(services, uow.session, username, cmd)
        uow.commit()
        return {"code": dossier.code, "status": status_name(dossier.status_code),
                "status_code": dossier.status_code}


def register_dossier(services: Services, s: so.Session, username: str, cmd: Submission) -> Dossier:
    """Register a new dossier and start its workflow inside the caller's transaction (no commit).

    Refuses an applicant whose self-registered account has not confirmed its e-mail (R6.1)."""
    user = acting_user(s, username)
    if not may_submit(user, email_confirmed=email_confirmed(s, user.id)):
        raise Forbidden("Chỉ tài khoản công dân, tổ chức đã xác nhận thư điện tử mới nộp được hồ sơ "
                        "(only applicants with a confirmed e-mail submit)")
    procedure = s.scalar(_PROCEDURE, {"code": cmd.procedure})
    if procedure is None or procedure.current_definition_id is None:
        raise NotFound(f"Không có thủ tục mã '{cmd.procedure}' (unknown procedure)")
    if procedure.level < 3:
        raise Invalid({"procedure": "thủ tục mức độ 2 chỉ tải biểu mẫu, không nộp trực tuyến (level 2)"})
    errors: dict[str, str] = {}  # every bad field at once: form, result channel, agency, files
    form: dict[str, Any] = {}
    try:
        form = clean_form(form_fields(procedure.catalogue), cmd.form)
    except FormErrors as exc:
        errors.update({f"form.{k}": v for k, v in exc.errors.items()})
    channel = cmd.channel or "counter"
    if channel not in RESULT_CHANNELS:
        errors["channel"] = f"phải là một trong {list(RESULT_CHANNELS)} (result channel)"
    agency: Agency | None = None
    try:
        agency = _agency(s, procedure, cmd.agency)
    except Invalid as exc:
        errors.update(exc.fields)
    stored: list[tuple[str, tuple[StoredFile, bytes]]] = []
    try:
        stored = _check_uploads(services, procedure, cmd.uploads)
    except Invalid as exc:
        errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
    assert agency is not None
    now = services.clock.now()
    dossier = Dossier(code=_next_code(s, agency.code, now), procedure_id=procedure.id,
                      definition_id=procedure.current_definition_id, agency_id=agency.id,
                      applicant_id=user.id, applicant_name=str(form.get("ho_ten") or form.get(
                          "ho_ten_chu_ho") or user.full_name), applicant_phone=user.phone,
                      status_code=1, channel="online", result_channel=channel, form=form,
                      received_at=now, state="")
    s.add(dossier)
    s.flush()
    _attach(services, s, dossier, stored, user.id, now)
    audit.append(s, at=now, actor=user.username, kind="dossier_submitted", dossier_id=dossier.id,
                 detail={"procedure": procedure.code, "documents": sorted(k for k, _ in stored)})
    run = DossierRun(services, s, dossier, procedure, user.username)
    run.facts.documents = {key: meta.sha256 for key, (meta, _) in stored}  # all a new dossier has
    run.start({"dossier_code": dossier.code, "procedure": procedure.code, "form": form,
               "documents": sorted(run.facts.documents), "result_channel": channel})
    run.save()
    return dossier


def answer_supplement(services: Services, username: str, code: str, form: Mapping[str, Any],
                      uploads: list[Upload]) -> dict[str, Any]:
    """The applicant supplies what was asked; the paused clock resumes (R14.2)."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        user = acting_user(s, username)
        dossier = s.scalar(sa.select(Dossier).where(Dossier.code == code))
        if dossier is None or not may_view_dossier(user, dossier, set()):
            raise NotFound(f"Không có hồ sơ '{code}' (unknown dossier)")
        if dossier.applicant_id != user.id:
            raise Forbidden("Chỉ người nộp hồ sơ được bổ sung (only the applicant supplements)")
        if dossier.status_code != 5:
            raise Conflict("Hồ sơ không ở trạng thái chờ bổ sung (no supplement is requested)")
        procedure = s.get(Procedure, dossier.procedure_id)
        assert procedure is not None
        if form:
            fields = form_fields(procedure.catalogue)
            try:
                merged = clean_form(fields, {**dossier.form, **form})
            except FormErrors as exc:
                raise Invalid({f"form.{k}": v for k, v in exc.errors.items()}) from None
            dossier.form = merged
        if not form and not uploads:
            raise Invalid({"documents": "cần tải lên ít nhất một giấy tờ hoặc sửa thông tin (nothing supplied)"})
        stored = _check_uploads(services, procedure, uploads)
        now = services.clock.now()
        _attach(services, s, dossier, stored, user.id, now)
        run = DossierRun(services, s, dossier, procedure, user.username)
        instance = run.load()
        f = run.facts
        if f.paused_at is not None and f.due_at is not None:
            f.due_at = run.calendar.resume_due(f.due_at, f.paused_at, now)
        f.paused_at = None
        f.status_code = 1 if f.accepted_at is None else 4
        delivered = run.act(lambda: instance.deliver_message(
            "supplement_received", {"documents": sorted(k for k, _ in stored), "at": now.isoformat()}))
        if not delivered:
            raise Conflict("Quy trình không chờ hồ sơ bổ sung (the workflow is not waiting for it)")
        audit.append(s, at=now, actor=user.username, kind="supplement_answered", dossier_id=dossier.id,
                     detail={"documents": sorted(k for k, _ in stored), "fields": sorted(form)})
        run.save()
        uow.commit()
        return {"code": dossier.code, "status": status_name(dossier.status_code),
                "status_code": dossier.status_code}


_PROCEDURE = sa.select(Procedure).where(Procedure.code == sa.bindparam("code"))



def _agency(s: so.Session, procedure: Procedure, wanted: str | None) -> Agency:
    if wanted:
        agency = s.scalar(sa.select(Agency).where(Agency.code == wanted))
        if agency is None:
            raise Invalid({"agency": f"không có cơ quan mã '{wanted}' (unknown agency)"})
        if agency.level != procedure.agency_level:
            raise Invalid({"agency": f"thủ tục do cơ quan cấp {procedure.agency_level} giải quyết"})
        return agency
    if procedure.agency_id is None:
        raise Invalid({"agency": "hãy chọn cơ quan giải quyết (choose the handling agency)"})
    agency = s.get(Agency, procedure.agency_id)
    assert agency is not None
    return agency


def _check_uploads(services: Services, procedure: Procedure,
                   uploads: list[Upload]) -> list[tuple[str, tuple[StoredFile, bytes]]]:
    keys = {d["key"] for d in procedure.catalogue.get("documents", [])}
    result = []
    errors: dict[str, str] = {}
    for up in uploads:
        field_name = f"documents.{up.document_key}"
        if up.document_key not in keys:
            errors[field_name] = "thủ tục không có giấy tờ này (unknown document)"
            continue
        try:
            result.append((up.document_key, (services.attachments.check(field_name, up.filename, up.data), up.data)))
        except Invalid as exc:
            errors.update(exc.fields)
    if errors:
        raise Invalid(errors)
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
