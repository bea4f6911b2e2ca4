"""The analysts' studio (issue 16): what the modeler at `/admin/definitions/CODE/edit` opens with, and the
catalogue sidecar edited as a form beside the diagram.

The modeler edits the diagram in the browser; this room gives it the diagram to start from (the published
version, or a starter diagram for a new procedure), the vocabulary of MotCua's conventions its panel offers
(roles, national statuses, desk steps, handler topics, consulted agencies) and turns the catalogue form back
into the sidecar's TOML. Checking and proposing go through processes.definitions.proposals, the same use
cases as an uploaded file, so the studio, the upload form and `motcua deploy --dry-run` give one answer.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import tomlkit

from adapters.bootstrap import Services
from engine.definitions import TASK_ROLES
from models import Agency, ProcessDefinition
from processes.access import authorise, may_validate_diagrams
from processes.definitions.versions import procedure_by_code
from processes.desk.steps import STEPS
from processes.dossier.status import STATUS_NAMES
from processes.errors import Invalid
from processes.uow import UnitOfWork

# The keys of the sidecar the form edits; everything else in the sidecar is kept as it is.
SHEET_TEXT_KEYS = ("code", "name", "sector", "field", "agency_level", "agency")
AGENCY_LEVELS = ("commune", "district", "province")
MAX_ROWS = 200

NEW_PROCESS_ID = "quy_trinh_moi"

# A new procedure starts from the smallest diagram that deploys: submitted, received at the desk, ended.
STARTER_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Definitions_quy_trinh_moi" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="quy_trinh_moi" name="Thủ tục mới" isExecutable="true">
    <bpmn:startEvent id="StartEvent_submitted" name="Hồ sơ được nộp">
      <bpmn:outgoing>Flow_to_reception</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="Task_reception_check" name="Kiểm tra, tiếp nhận hồ sơ" camunda:candidateGroups="reception">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="reception_decision" label="Quyết định tiếp nhận" type="enum">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
            <camunda:value id="accept" name="Tiếp nhận hồ sơ" />
            <camunda:value id="refuse" name="Từ chối tiếp nhận" />
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
      <bpmn:incoming>Flow_to_reception</bpmn:incoming>
      <bpmn:outgoing>Flow_to_end</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_done" name="Kết thúc">
      <bpmn:incoming>Flow_to_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_to_reception" sourceRef="StartEvent_submitted" targetRef="Task_reception_check" />
    <bpmn:sequenceFlow id="Flow_to_end" sourceRef="Task_reception_check" targetRef="EndEvent_done" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_quy_trinh_moi">
    <bpmndi:BPMNPlane id="BPMNPlane_quy_trinh_moi" bpmnElement="quy_trinh_moi">
      <bpmndi:BPMNShape id="StartEvent_submitted_di" bpmnElement="StartEvent_submitted">
        <dc:Bounds x="152" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_reception_check_di" bpmnElement="Task_reception_check">
        <dc:Bounds x="250" y="80" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_done_di" bpmnElement="EndEvent_done">
        <dc:Bounds x="412" y="102" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_to_reception_di" bpmnElement="Flow_to_reception">
        <di:waypoint x="188" y="120" /><di:waypoint x="250" y="120" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_to_end_di" bpmnElement="Flow_to_end">
        <di:waypoint x="350" y="120" /><di:waypoint x="412" y="120" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

STARTER_CATALOGUE: dict[str, Any] = {
    "code": "", "process_id": NEW_PROCESS_ID, "name": "Thủ tục mới", "level": 2, "sector": "", "field": "",
    "agency_level": "commune", "processing_time_days": 1, "legal_basis": [],
    "documents": [{"key": "to_khai", "name": "Tờ khai theo mẫu", "required": True}],
}


def studio_source(services: Services, username: str, code: str | None) -> dict[str, Any]:
    """What the studio opens: the published diagram and sidecar of procedure `code` (a starter diagram when
    `code` is None), the sidecar as the form shows it, and the vocabulary of the panel."""
    with UnitOfWork(services.session_factory) as uow:
        s = uow.session
        authorise(s, username, may_validate_diagrams)
        if code is None:
            bpmn, filename, catalogue, version = STARTER_BPMN, f"{NEW_PROCESS_ID}.bpmn", dict(STARTER_CATALOGUE), None
        else:
            procedure = procedure_by_code(s, code)
            definition = s.get(ProcessDefinition, procedure.current_definition_id) \
                if procedure.current_definition_id else None
            if definition is None:
                bpmn, filename, version = STARTER_BPMN, f"{procedure.process_id}.bpmn", None
            else:
                bpmn, filename, version = definition.bpmn.decode("utf-8"), definition.filename, definition.version
            catalogue = dict(procedure.catalogue or {})
        agencies = [{"code": c, "name": n} for c, n in
                    s.execute(sa.select(Agency.code, Agency.name).order_by(Agency.code)).all()]
        return {
            "code": code, "version": version, "filename": filename, "bpmn": bpmn,
            "catalogue_filename": filename.rsplit(".", 1)[0] + ".toml",
            "catalogue": tomlkit.dumps(_plain(catalogue)),
            "sheet": sheet_of(catalogue),
            "vocabulary": {
                "roles": list(TASK_ROLES),
                "statuses": [{"code": int(status), "name": name} for status, name in STATUS_NAMES.items()],
                "steps": list(STEPS),
                "topics": sorted(services.handlers.topics()),
                "consulted": sorted(str(k) for k in (catalogue.get("agencies") or {})),
                "agencies": agencies,
            },
        }


def sheet_of(catalogue: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a sidecar the studio's form shows."""
    return {
        **{key: str(catalogue.get(key) or "") for key in SHEET_TEXT_KEYS},
        "process_id": str(catalogue.get("process_id") or ""),
        "level": catalogue.get("level") or 2,
        "processing_time_days": catalogue.get("processing_time_days", 0),
        "same_day": bool(catalogue.get("same_day", False)),
        "legal_basis": [str(x) for x in catalogue.get("legal_basis") or []],
        "fees": [{"name": str(f.get("name", "")), "amount_vnd": f.get("amount_vnd", 0), "note": str(f.get("note", ""))}
                 for f in catalogue.get("fees") or [] if isinstance(f, Mapping)],
        "documents": [{"key": str(d.get("key", "")), "name": str(d.get("name", "")),
                       "required": bool(d.get("required", False))}
                      for d in catalogue.get("documents") or [] if isinstance(d, Mapping)],
    }


def catalogue_with_sheet(text: str, sheet: Mapping[str, Any]) -> str:
    """The sidecar `text` with the form's values put in (documents, fees, time, legal basis, names); keys the
    form does not show, and the comments, are kept. A value of the wrong kind is refused naming its field;
    the rest (ranges, agency codes…) is judged by the sidecar's own checks, at the line of its key."""
    try:
        doc = tomlkit.parse(text or "")
    except Exception:  # the sidecar text is not TOML: the form starts it afresh
        doc = tomlkit.document()
    for key in SHEET_TEXT_KEYS + ("process_id",):
        if key in sheet:
            value = _text(sheet[key], key, 400)
            if value or key in doc:
                if value:
                    doc[key] = value
                else:
                    del doc[key]
    if "level" in sheet:
        doc["level"] = _number(sheet["level"], "level", whole=True)
    if "processing_time_days" in sheet:
        doc["processing_time_days"] = _number(sheet["processing_time_days"], "processing_time_days", whole=False)
    if "same_day" in sheet:
        if sheet["same_day"]:
            doc["same_day"] = True
        elif "same_day" in doc:
            del doc["same_day"]
    if "legal_basis" in sheet:
        basis = [_text(x, "legal_basis", 1000) for x in _rows(sheet["legal_basis"], "legal_basis")]
        doc["legal_basis"] = [x for x in basis if x]
    if "fees" in sheet:
        fees = tomlkit.aot()
        for row in _rows(sheet["fees"], "fees"):
            fee = tomlkit.table()
            fee["name"] = _text(_field(row, "name", "fees"), "fees.name", 400)
            fee["amount_vnd"] = _number(_field(row, "amount_vnd", "fees"), "fees.amount_vnd", whole=True)
            note = _text(row.get("note", ""), "fees.note", 1000)
            if note:
                fee["note"] = note
            if fee["name"]:
                fees.append(fee)
        _replace_array(doc, "fees", fees)
    if "documents" in sheet:
        documents = tomlkit.aot()
        for row in _rows(sheet["documents"], "documents"):
            document = tomlkit.table()
            document["key"] = _text(_field(row, "key", "documents"), "documents.key", 60)
            document["name"] = _text(_field(row, "name", "documents"), "documents.name", 1000)
            document["required"] = bool(row.get("required", False))
            if document["key"] or document["name"]:
                documents.append(document)
        _replace_array(doc, "documents", documents)
    return tomlkit.dumps(doc)


def _replace_array(doc: Any, key: str, rows: Any) -> None:
    if key in doc:
        del doc[key]
    if len(rows):
        doc[key] = rows


def _plain(value: Any) -> Any:
    """A stored sidecar (JSON) as TOML can write it: no None."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value if v is not None]
    return value


def _rows(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > MAX_ROWS:
        raise Invalid("studio.sheet_rows", field, field=field, limit=MAX_ROWS)
    return value


def _field(row: Any, key: str, field: str) -> Any:
    if not isinstance(row, Mapping):
        raise Invalid("studio.sheet_rows", field, field=field, limit=MAX_ROWS)
    return row.get(key, "")


def _text(value: Any, field: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise Invalid("studio.sheet_text", field, field=field, limit=limit)
    return value.strip()


def _number(value: Any, field: str, *, whole: bool) -> int | float:
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
        try:
            value = float(value) if value else None
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or (whole and value != int(value)):
        raise Invalid("studio.sheet_number", field, field=field)
    return int(value) if value == int(value) else float(value)
