"""The public catalogue as the portal shows it (R5.1–R5.3, R3.1): grouped by sector and field,
filtered by service level and agency, searched with or without Vietnamese diacritics; one service
with every component of its procedure and, from level 3, how many dossiers it received and processed."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so

from adapters import form_docx
from adapters.attachments import sniff
from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from models import Agency, Dossier, Procedure
from processes.definitions.catalogue import form_fields
from processes.dossier.dossiers import list_procedures
from processes.dossier.status import DossierStatus
from processes.errors import NotFound
from processes.payments import ledger
from processes.submission.submission import DECLARATION
from processes.uow import UnitOfWork

DIAGRAMS = PROJECT_ROOT / "bpmn_diagrams"
PROCESSED = (DossierStatus.NOT_ACCEPTED, DossierStatus.PROCESSING_STOPPED, DossierStatus.PROCESSING_FINISHED,
             DossierStatus.RESULT_RETURNED)  # not accepted, stopped, finished, returned: the agency has decided
# Documents the applicant fills in (rather than copies of papers they hold): a printable form is
# generated from the catalogue for these when the catalogue names no template file.
_FORM_WORDS = ("tờ khai", "giấy đề nghị", "đơn ", "đơn đề nghị", "văn bản đề nghị", "phiếu yêu cầu",
               "phiếu đề nghị", "bản khai")


def fold(text: str) -> str:
    """Lower case without diacritics: "Đăng ký kinh doanh" → "dang ky kinh doanh"."""
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", plain).strip().lower()


def matches(query: str, procedure: dict[str, Any]) -> bool:
    """Every word of the query appears in the code, names, sector or field (diacritics ignored)."""
    words = fold(query).split()
    haystack = fold(" ".join(str(procedure.get(k) or "") for k in
                             ("code", "name", "name_en", "sector", "field", "agency_name")))
    return all(w in haystack for w in words)


@dataclass
class Field:
    name: str
    procedures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Sector:
    name: str
    fields: list[Field] = field(default_factory=list)


@dataclass
class CatalogueView:
    sectors: list[Sector]
    count: int
    levels: list[int]
    agencies: list[dict[str, str]]


def browse(services: Services, query: str = "", level: int | None = None,
           agency: str | None = None) -> CatalogueView:
    """The published procedures that match, grouped by sector then field (both sorted)."""
    procedures = list_procedures(services)
    with UnitOfWork(services.session_factory) as uow:
        agencies = {a.code: {"code": a.code, "name": a.name, "level": a.level}
                    for a in uow.session.scalars(sa.select(Agency).order_by(Agency.name))}
    chosen = agencies.get(agency or "")
    found = [p for p in procedures
             if (level is None or p["level"] == level)
             and (chosen is None or p["agency"] == chosen["code"]
                  or (p["agency"] is None and p["agency_level"] == chosen["level"]))
             and (not query.strip() or matches(query, p))]
    sectors: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for p in found:
        sectors.setdefault(p["sector"], {}).setdefault(p["field"], []).append(p)
    grouped = [Sector(s, [Field(f, sorted(ps, key=lambda p: fold(p["name"])))
                          for f, ps in sorted(fields.items(), key=lambda kv: fold(kv[0]))])
               for s, fields in sorted(sectors.items(), key=lambda kv: fold(kv[0]))]
    handling = {p["agency"] for p in procedures} | {p["agency_level"] for p in procedures if p["agency"] is None}
    options = [{"code": a["code"], "name": a["name"]} for a in agencies.values()
               if a["code"] in handling or a["level"] in handling]
    return CatalogueView(grouped, len(found), sorted({p["level"] for p in procedures}), options)


def procedure_page(services: Services, code: str) -> dict[str, Any]:
    """Everything the service page shows; NotFound for an unknown or unpublished procedure."""
    entry = next((p for p in list_procedures(services) if p["code"] == code), None)
    if entry is None:
        raise NotFound("procedure.not_found", "procedure", procedure=code)
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        procedure = s.scalar(sa.select(Procedure).where(Procedure.code == code))
        assert procedure is not None
        cat = procedure.catalogue
        handling = [] if procedure.agency_id is not None else [
            {"code": a.code, "name": a.name} for a in s.scalars(
                sa.select(Agency).where(Agency.level == procedure.agency_level).order_by(Agency.name))]
        stats = _statistics(s, procedure, services.clock.now()) if procedure.level >= 3 else None
        # How fees may be paid: online only where the handling agency has a merchant account (issue 13).
        agency = s.get(Agency, procedure.agency_id) if procedure.agency_id is not None else None
        pays_online = ledger.takes_fees_online(services.config, procedure, agency)
    documents = [dict(d, required=bool(d.get("required")), template_kind=_template_kind(d))
                 for d in cat.get("documents", [])]
    return {**entry, "documents": documents, "guidance": cat.get("guidance", ""),
            "responsibilities": cat.get("responsibilities", {}), "handling_agencies": handling,
            "agencies_consulted": cat.get("agencies", {}), "statistics": stats,
            "processing_note": cat.get("processing_time_note", ""), "pays_online": pays_online,
            "form": [f.as_dict() for f in form_fields(
                cat, today=services.clock.now().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date())]}


def _statistics(s: so.Session, procedure: Procedure, now: datetime) -> dict[str, int]:
    """R5.2: received (all time, last 30 days), processed, processed on time."""
    base = sa.select(sa.func.count()).select_from(Dossier).where(Dossier.procedure_id == procedure.id)
    return {"received": s.scalar(base) or 0,
            "received_30_days": s.scalar(base.where(Dossier.received_at >= now - timedelta(days=30))) or 0,
            "processed": s.scalar(base.where(Dossier.status_code.in_(PROCESSED))) or 0,
            "processed_on_time": s.scalar(base.where(Dossier.status_code.in_(PROCESSED),
                                                     Dossier.late.is_(False))) or 0}


def _template_kind(document: dict[str, Any]) -> str | None:
    """"file" when the catalogue names an existing template file, "generated" for a document the
    applicant fills in, None for copies of papers the applicant already holds."""
    if document.get("template") and template_path(str(document["template"])) is not None:
        return "file"
    if document.get("template") or fold(document.get("name", "") + " ").startswith(
            tuple(fold(w) for w in _FORM_WORDS)):
        return "generated"
    return None


def template_path(name: str) -> Path | None:
    """A template file under bpmn_diagrams/ (never outside it), if it exists."""
    path = (DIAGRAMS / name).resolve()
    if DIAGRAMS.resolve() not in path.parents or not path.is_file():
        return None
    return path


TEMPLATE_NOTE = ("Mẫu lập từ danh mục thủ tục trên Cổng dịch vụ công tỉnh Kon Tum, theo các trường thông tin của tờ "
                 "khai trực tuyến; mẫu chính thức (nếu có) theo văn bản nêu trong căn cứ pháp lý của thủ tục. "
                 "(*) Thông tin bắt buộc.")


def generated_template(services: Services, code: str, key: str) -> tuple[bytes, str, str]:
    """A fillable Word template (DOCX) for a document the applicant fills in and the agency publishes no
    file for: the catalogue's form fields, one row each; NotFound for a document that is not a form."""
    page = procedure_page(services, code)
    doc = next((d for d in page["documents"] if d["key"] == key), None)
    if doc is None or doc["template_kind"] != "generated":
        raise NotFound("procedure.no_such_form", "key")
    fields = [form_docx.Field(f["label"], bool(f["required"]), tuple(o["label"] for o in f["options"]),
                              lines=3 if f["type"] == "text" else 1)
              if f["type"] != "boolean" else form_docx.Field(f["label"], bool(f["required"]), ("Có", "Không"))
              for f in page["form"]]
    addressee = page.get("agency_name") or "Ủy ban nhân dân"
    data = form_docx.form_docx(form_docx.FormTemplate(
        title=str(doc["name"]), addressee=str(addressee), procedure=f"{page['name']} (mã {page['code']})",
        fields=fields, documents=[str(d["name"]) + ("" if d.get("required") else " (nếu có)")
                                  for d in page["documents"]],
        declaration=DECLARATION, note=TEMPLATE_NOTE))
    return data, f"{code}-{key}.docx", form_docx.MIMETYPE


def template_file(services: Services, code: str, key: str) -> tuple[bytes, str, str] | None:
    """(content, filename, content type) of a document's stored template file, or None when the
    page should offer the form generated from the catalogue instead."""
    page = procedure_page(services, code)
    doc = next((d for d in page["documents"] if d["key"] == key), None)
    if doc is None or doc["template_kind"] is None:
        raise NotFound("procedure.no_such_form", "key")
    if doc["template_kind"] != "file":
        return None
    path = template_path(str(doc["template"]))
    assert path is not None
    data = path.read_bytes()
    content_type = sniff(data) or {".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                                   ".doc": "application/msword",
                                   ".docx": "application/vnd.openxmlformats-officedocument."
                                            "wordprocessingml.document"}.get(path.suffix.lower(),
                                                                             "application/octet-stream")
    return data, path.name, content_type
