"""Shared by the version and migration tests: version 2 of the household business diagram, and
dossiers brought to each step of it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from lxml import etree

from adapters.bootstrap import Services
from adapters.config import PROJECT_ROOT
from tests.helpers import submit, work

DIAGRAMS = PROJECT_ROOT / "bpmn_diagrams"
HKD_BPMN = DIAGRAMS / "dang_ky_ho_kinh_doanh.bpmn"
HKD_TOML = DIAGRAMS / "dang_ky_ho_kinh_doanh.toml"
_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI"}
RENAMED_NAME = "Thẩm định hồ sơ, đề xuất phương án"


def hkd_version_2_bytes() -> bytes:
    """The household business diagram with one task renamed (the specialist's review gets a new id
    and name) and one task removed (the desk's "Trả kết quả": the result leaves right after processing)."""
    root = etree.fromstring(HKD_BPMN.read_bytes())

    def one(xpath: str) -> Any:
        return root.xpath(xpath, namespaces=_NS)[0]

    for xpath in ("//bpmn:userTask[@id='Task_reception_deliver']", "//bpmn:sequenceFlow[@id='Flow_to_deliver_result']",
                  "//bpmn:flowNodeRef[text()='Task_reception_deliver']",
                  "//bpmndi:BPMNShape[@bpmnElement='Task_reception_deliver']",
                  "//bpmndi:BPMNEdge[@bpmnElement='Flow_to_deliver_result']"):
        element = one(xpath)
        element.getparent().remove(element)
    one("//bpmn:sequenceFlow[@id='Flow_to_reception_deliver']").set("targetRef", "Task_deliver_result")
    one("//bpmn:serviceTask[@id='Task_deliver_result']/bpmn:incoming").text = "Flow_to_reception_deliver"
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return (text.replace("Thẩm định, đề xuất".encode(), RENAMED_NAME.encode())
            .replace(b"Task_specialist_review", b"Task_specialist_appraise"))


def write_version_2(folder: Path) -> Path:
    """Version 2 and its (unchanged) catalogue sidecar, as files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HKD_BPMN.name
    path.write_bytes(hkd_version_2_bytes())
    shutil.copy(HKD_TOML, folder / HKD_TOML.name)
    return path


def copy_with(folder: Path, bpmn: bytes | None = None, toml: str | None = None) -> Path:
    """The household business files in `folder`, with the diagram or the catalogue replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HKD_BPMN.name
    path.write_bytes(bpmn if bpmn is not None else HKD_BPMN.read_bytes())
    (folder / HKD_TOML.name).write_text(toml if toml is not None else HKD_TOML.read_text("utf-8"), "utf-8")
    return path


# Who works on each step of the diagram, in order, on the affirmative path.
PATH = [("Task_reception_check", "reception"), ("Task_specialist_review", "specialist"),
        ("Task_leader_approve", "leader"), ("Task_reception_deliver", "reception")]


def dossiers_in_every_task(services: Services) -> dict[str, str]:
    """One dossier waiting in each user task of version 1, and one waiting for a supplement:
    element id -> dossier code."""
    waiting = {}
    for n, (element, _role) in enumerate(PATH):
        code = submit(services)
        for _element, role in PATH[:n]:
            work(services, code, role)
        waiting[element] = code
    code = submit(services)
    work(services, code, "reception", {"reception_decision": "supplement", "reception_note": "Thiếu bản sao CCCD"})
    waiting["Event_supplement_received"] = code
    return waiting


def finish(services: Services, code: str) -> list[str]:
    """Work the dossier to its end on the affirmative path; the element ids completed."""
    done: list[str] = []
    for _ in range(6):
        progressed = False
        for role in ("reception", "specialist", "leader"):
            names = work(services, code, role)
            done.extend(names)
            progressed = progressed or bool(names)
        if not progressed:
            break
    return done
