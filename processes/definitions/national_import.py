"""Catalogue import from the national procedure database's export (CSDLQG về TTHC), issue 15.

The export (docs/integrations.md defines the shape) is JSON — {"procedures": [{MATTHC, TENTTHC,
LINHVUCTHUCHIEN, CAPTHUCHIEN, CACHTHUCTHUCHIEN [{KENH, THOIGIAN [{THOIGIANGIAIQUYET, DONVITINH,
PHILEPHI [{MOTA, SOTIEN}]}]}], THANHPHANHOSO [{GIAYTO [{TENGIAYTO, BATBUOC}]}], CANCUPHAPLY [{SOVANBAN,
TENVANBAN}], COQUANTHUCHIEN [{TENDONVI}], TRINHTUTHUCHIEN [{TRINHTU}], YEUCAU}]} — or an XLSX workbook
whose first sheet has one procedure per row under those column names (lists as one line per item).

Each procedure becomes a catalogue sidecar: a published procedure keeps what is local (its diagram,
process id, form, agency, level, texts the province wrote) and takes the national facts (name, field,
time limit, fees, documents, legal basis, steps, conditions, channels, agencies); the report says what
changed. A changed published procedure is PROPOSED with its published diagram (processes/definitions/
proposals.py); an administrator publishes it. A procedure not yet published gets a draft sidecar for an
analyst to draw its diagram."""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import sqlalchemy as sa

from adapters.bootstrap import Services
from models import Procedure, ProcessDefinition
from processes.access import authorise, may_validate_diagrams
from processes.definitions import proposals
from processes.errors import Invalid
from processes.uow import UnitOfWork

NATIONAL_KEYS = ("name", "field", "processing_time_days", "fees", "documents", "legal_basis", "steps",
                 "conditions", "channels", "implementing_agencies")
LEVELS = {"tỉnh": "province", "huyện": "district", "xã": "commune"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@dataclass
class ImportedProcedure:
    code: str
    name: str
    state: str  # new | changed | unchanged | invalid
    changes: list[dict[str, Any]] = field(default_factory=list)
    sidecar: str = ""  # the TOML proposed (or drafted, for a new procedure)
    proposal_id: int | None = None
    problems: list[str] = field(default_factory=list)


# -- reading the export ------------------------------------------------------------------------------
def read_export(raw: bytes, filename: str) -> list[dict[str, Any]]:
    """The procedures of a JSON or XLSX export, as dictionaries with the national keys."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise Invalid("catalogue_import.too_large", "file", max_mb=MAX_IMPORT_BYTES // 1024 // 1024)
    if raw[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        return [_from_row(row) for row in xlsx_rows(raw)]
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise Invalid("catalogue_import.unreadable", "file") from None
    items = data.get("procedures", data.get("data")) if isinstance(data, dict) else data
    if not isinstance(items, list) or not all(isinstance(p, dict) for p in items):
        raise Invalid("catalogue_import.unreadable", "file")
    return items


_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def xlsx_rows(raw: bytes) -> list[dict[str, str]]:
    """The first sheet of a workbook as rows keyed by the first row's headers (inline or shared strings)."""
    try:
        book = zipfile.ZipFile(io.BytesIO(raw))
        shared: list[str] = []
        if "xl/sharedStrings.xml" in book.namelist():
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")) for si in root.findall("m:si", _NS)]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise Invalid("catalogue_import.unreadable", "file") from None
    table: list[dict[int, str]] = []
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for c in row.findall("m:c", _NS):
            column = _column(c.get("r", ""))
            kind = c.get("t")
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{_NS['m']}}}t"))
            else:
                v = c.find("m:v", _NS)
                text = v.text or "" if v is not None else ""
                if kind == "s" and text.isdigit() and int(text) < len(shared):
                    text = shared[int(text)]
            cells[column] = text
        table.append(cells)
    if not table:
        return []
    headers = {i: name.strip().upper() for i, name in table[0].items()}
    return [{headers[i]: v for i, v in r.items() if i in headers} for r in table[1:] if any(r.values())]


def _column(ref: str) -> int:
    n = 0
    for ch in re.match(r"[A-Z]*", ref).group(0):  # type: ignore[union-attr]
        n = n * 26 + ord(ch) - 64
    return n


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


def _from_row(row: dict[str, str]) -> dict[str, Any]:
    """A spreadsheet row in the JSON shape: lists one item a line; fees "name: amount"; documents with
    "(không bắt buộc)" optional."""
    fees = []
    for line in _lines(row.get("PHILEPHI", "")):
        name, _, amount = line.rpartition(":")
        fees.append({"MOTA": name.strip() or line, "SOTIEN": int(re.sub(r"\D", "", amount) or 0)})
    documents = [{"TENGIAYTO": re.sub(r"\s*\(không bắt buộc\)\s*$", "", line, flags=re.I),
                  "BATBUOC": "không bắt buộc" not in line.lower()} for line in _lines(row.get("THANHPHANHOSO", ""))]
    time_text = str(row.get("THOIGIANGIAIQUYET", "") or "0").replace(",", ".")
    return {
        "MATTHC": row.get("MATTHC", ""), "TENTTHC": row.get("TENTTHC", ""),
        "LINHVUCTHUCHIEN": row.get("LINHVUCTHUCHIEN", ""), "CAPTHUCHIEN": row.get("CAPTHUCHIEN", ""),
        "CACHTHUCTHUCHIEN": [{"KENH": k, "THOIGIAN": [{"THOIGIANGIAIQUYET": float(time_text or 0),
                                                       "DONVITINH": row.get("DONVITINH", "Ngày làm việc"),
                                                       "PHILEPHI": fees}]}
                             for k in (_lines(row.get("KENH", "")) or ["Trực tiếp"])],
        "THANHPHANHOSO": [{"GIAYTO": documents}],
        "CANCUPHAPLY": [{"TENVANBAN": line} for line in _lines(row.get("CANCUPHAPLY", ""))],
        "COQUANTHUCHIEN": [{"TENDONVI": line} for line in _lines(row.get("COQUANTHUCHIEN", ""))],
        "TRINHTUTHUCHIEN": [{"TRINHTU": line} for line in _lines(row.get("TRINHTUTHUCHIEN", ""))],
        "YEUCAU": row.get("YEUCAU", ""),
    }


# -- into the sidecar ----------------------------------------------------------------------------------
def slug(text: str, limit: int = 60) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(c for c in plain if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:limit] or "giay_to"


def _texts(items: Any, *keys: str) -> list[str]:
    if isinstance(items, str):
        return _lines(items)
    out = []
    for item in items or []:
        if isinstance(item, str):
            out.append(item.strip())
        elif isinstance(item, dict):
            out.append(" ".join(str(item[k]).strip() for k in keys if item.get(k)).strip())
    return [t for t in out if t]


def national_facts(p: dict[str, Any]) -> dict[str, Any]:
    """The national facts of one procedure in the sidecar's terms (documents without keys yet)."""
    ways = [w for w in p.get("CACHTHUCTHUCHIEN") or [] if isinstance(w, dict)]
    times = [t for w in ways for t in (w.get("THOIGIAN") or []) if isinstance(t, dict)]
    days = 0.0
    if times:
        first = times[0]
        days = float(first.get("THOIGIANGIAIQUYET") or 0)
        if "giờ" in str(first.get("DONVITINH", "")).lower():
            days = days / 8
    fees = []
    for t in times[:1]:
        for fee in t.get("PHILEPHI") or []:
            if isinstance(fee, dict):
                fees.append({"name": str(fee.get("MOTA") or fee.get("TENPHILEPHI") or "Lệ phí").strip(),
                             "amount_vnd": int(float(fee.get("SOTIEN") or fee.get("MUCPHI") or 0))})
    documents = []
    for group in p.get("THANHPHANHOSO") or []:
        for doc in (group.get("GIAYTO") or []) if isinstance(group, dict) else []:
            if isinstance(doc, dict) and str(doc.get("TENGIAYTO") or "").strip():
                documents.append({"name": str(doc["TENGIAYTO"]).strip(),
                                  "required": doc.get("BATBUOC", True) not in (False, 0, "0", "false", "Không")})
    field_names = _texts(p.get("LINHVUCTHUCHIEN"), "TENLINHVUC")
    return {
        "name": str(p.get("TENTTHC") or "").strip(), "field": field_names[0] if field_names else "",
        "processing_time_days": int(days) if days == int(days) else days, "fees": fees, "documents": documents,
        "legal_basis": _texts(p.get("CANCUPHAPLY"), "SOVANBAN", "TENVANBAN"),
        "steps": _texts(p.get("TRINHTUTHUCHIEN"), "TRINHTU"),
        "conditions": _texts(p.get("YEUCAU"), "NOIDUNG"),
        "channels": list(dict.fromkeys(str(w.get("KENH")) for w in ways if w.get("KENH"))),
        "implementing_agencies": _texts(p.get("COQUANTHUCHIEN"), "TENDONVI"),
    }


def merged(published: dict[str, Any] | None, p: dict[str, Any]) -> dict[str, Any]:
    """The sidecar: the published entry (or a draft) with the national facts laid over it. Documents
    keep their keys by name (a key the form and diagrams use must not change); fee notes are kept."""
    facts = national_facts(p)
    code = str(p.get("MATTHC") or "").strip()
    if published is None:
        level_word = next((v for k, v in LEVELS.items() if k in str(p.get("CAPTHUCHIEN", "")).lower()), "district")
        data: dict[str, Any] = {"code": code, "process_id": slug(facts["name"] or code, 50), "name": "",
                                "level": 2, "sector": facts["field"] or "Khác", "field": "", "agency_level": level_word,
                                "processing_time_days": 0}
    else:
        data = json.loads(json.dumps(published))  # a deep copy
    old_docs = {slug(d.get("name", "")): d for d in data.get("documents", []) if isinstance(d, dict)}
    used: set[str] = set()
    documents = []
    for doc in facts["documents"]:
        before = old_docs.get(slug(doc["name"]))
        key = before["key"] if before else slug(doc["name"], 40)
        while key in used:
            key += "_2"
        used.add(key)
        documents.append({**(before or {}), "key": key, "name": doc["name"], "required": doc["required"]})
    old_fees = {f.get("name"): f for f in data.get("fees", []) if isinstance(f, dict)}
    fees = [{**old_fees.get(f["name"], {}), **f} for f in facts["fees"]]
    for key in NATIONAL_KEYS:
        value = documents if key == "documents" else fees if key == "fees" else facts[key]
        if value in ("", []) and key in ("field",) and data.get(key):
            continue  # the export says nothing: keep what the province has
        data[key] = value
    return data


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[dict[str, Any]]:
    """What the import changes in the national facts of a published entry (field, before, after)."""
    if before is None:
        return []
    return [{"field": key, "before": before.get(key), "after": after.get(key)}
            for key in NATIONAL_KEYS if _norm(before.get(key)) != _norm(after.get(key))]


def _norm(value: Any) -> Any:
    return None if value in (None, "", []) else value


# -- TOML ---------------------------------------------------------------------------------------------
def toml_text(data: dict[str, Any], header: str = "") -> str:
    """A sidecar as TOML: scalars and plain lists first, then tables, then arrays of tables."""
    lines = [f"# {line}" for line in header.splitlines()] + ([""] if header else [])
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in data.items() if isinstance(v, list) and v and all(isinstance(i, dict) for i in v)}
    for key, value in data.items():
        if key not in tables and key not in arrays and value is not None:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, table in tables.items():
        lines += ["", f"[{_key(key)}]"] + [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]
    for key, items in arrays.items():
        for item in items:
            lines += ["", f"[[{_key(key)}]]"] + [f"{_key(k)} = {_value(v)}" for k, v in item.items() if v is not None]
    return "\n".join(lines) + "\n"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + "}"
    return json.dumps(str(value), ensure_ascii=False)


# -- the use case -------------------------------------------------------------------------------------
def import_catalogue(services: Services, username: str, filename: str, raw: bytes,
                     note: str = "") -> list[ImportedProcedure]:
    """Read an export, compare each procedure with the published catalogue, propose the changed ones
    (analysts and administrators); nothing is published."""
    with UnitOfWork(services.session_factory) as uow:
        authorise(uow.session, username, may_validate_diagrams)
    entries = read_export(raw, filename)
    report = []
    for p in entries:
        code = str(p.get("MATTHC") or "").strip()
        if not code:
            report.append(ImportedProcedure("", str(p.get("TENTTHC") or ""), "invalid", problems=["MATTHC missing"]))
            continue
        with UnitOfWork(services.session_factory) as uow:
            s = uow.session
            procedure = s.scalar(sa.select(Procedure).where(Procedure.code == code))
            published = procedure.catalogue if procedure is not None and procedure.current_definition_id else None
            definition = s.get(ProcessDefinition, procedure.current_definition_id) if published and procedure else None
            bpmn = (definition.bpmn, definition.filename) if definition is not None else None
        data = merged(published, p)
        entry = ImportedProcedure(code, data.get("name", ""), "new" if published is None else "unchanged",
                                  changes(published, data))
        entry.sidecar = toml_text(data, f"Catalogue entry {code}, imported from the national procedure database "
                                        f"export {proposals.safe_name(filename, 'export')}.")
        if published is not None and entry.changes and bpmn is not None:
            entry.state = "changed"
            side = bpmn[1].rsplit(".", 1)[0] + ".toml"
            check = proposals.propose(services, username, proposals.Upload(bpmn[1], bpmn[0], side,
                                                                           entry.sidecar.encode("utf-8")),
                                      note=note or f"national catalogue import {filename}"[:1000])
            entry.proposal_id, entry.problems = check.proposal_id, list(check.problems)
            if check.problems:
                entry.state = "invalid"
        report.append(entry)
    return report
